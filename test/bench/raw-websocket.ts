import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A WebSocket opened over a raw TCP socket, for the bench clients that must cost as little as a client can: the
 * upgrade request written by hand, no library, no masking or parsing on the way in. `onUpgraded` gets what
 * followed the server's 101 answer in the same chunk; later chunks are the caller's (`socket.on('data')`).
 */
export function openRawWebSocket(address: string, onUpgraded: (socket: Socket, rest: Buffer) => void, onRefused: (answer: string) => void): Socket {
  const url = new URL(address);
  const socket = connect(Number(url.port), url.hostname);
  socket.write(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  let head: Buffer = Buffer.alloc(0);
  const readHead = (chunk: Buffer): void => {
    head = head.length > 0 ? Buffer.concat([head, chunk]) : chunk;
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    socket.off('data', readHead);
    if (!head.subarray(0, 12).toString().includes('101')) return onRefused(head.subarray(0, end).toString());
    onUpgraded(socket, head.subarray(end + 4));
  };
  socket.on('data', readHead);
  return socket;
}
