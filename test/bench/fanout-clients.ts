/**
 * Load generator for the fan-out bench, in its own process so the server's CPU time is its own:
 * opens N sockets, prints "ready", then "done" once every socket has received M messages.
 */
import WebSocket from 'ws';

const [url, clientsArg, messagesArg] = process.argv.slice(2);
const clients = Number(clientsArg);
const messages = Number(messagesArg);
let open = 0;
let finished = 0;

for (let i = 0; i < clients; i++) {
  const ws = new WebSocket(url!);
  let received = 0;
  ws.on('open', () => {
    if (++open === clients) console.log('ready');
  });
  ws.on('message', () => {
    if (++received === messages && ++finished === clients) {
      console.log('done');
      process.exit(0);
    }
  });
}
