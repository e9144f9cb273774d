/**
 * The reading client of the replay bench, in its own process so the bridge's CPU is its own. It reads one
 * stream without parsing it, as cheaply as a client can, so the bench measures the bridge and not the
 * client library: `ws` speaks just enough WebSocket over a raw TCP socket to count frames until the
 * server's close frame; `http` counts the lines of a streamed response. Prints the count and the seconds.
 */
import { get } from 'node:http';
import { openRawWebSocket } from './raw-websocket.js';

const [mode, address] = process.argv.slice(2);
const url = new URL(address!);
const started = process.hrtime.bigint();
const report = (count: number) => {
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ count, seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuUs: cpu.user + cpu.system }));
  process.exit(0);
};

const CLOSE_OPCODE = 0x8;

/** Counts data frames: reads each frame's header for its length and skips the payload without looking at it. */
function countFrames(): void {
  let pending: Buffer = Buffer.alloc(0);
  let skip = 0;
  let frames = 0;
  const onData = (chunk: Buffer): void => {
    const data = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    let at = Math.min(skip, data.length);
    skip -= at;
    while (skip === 0 && at + 2 <= data.length) {
      const opcode = data[at]! & 0x0f;
      let length = data[at + 1]! & 0x7f;
      let header = 2;
      if (length === 126) [length, header] = [at + 4 <= data.length ? data.readUInt16BE(at + 2) : -1, 4];
      else if (length === 127) [length, header] = [at + 10 <= data.length ? Number(data.readBigUInt64BE(at + 2)) : -1, 10];
      if (length < 0) break;
      if (opcode === CLOSE_OPCODE) return report(frames);
      frames++;
      const end = at + header + length;
      skip = Math.max(0, end - data.length);
      at = Math.min(end, data.length);
    }
    pending = skip === 0 ? Buffer.from(data.subarray(at)) : Buffer.alloc(0);
  };
  const socket = openRawWebSocket(
    address!,
    (upgraded, rest) => {
      upgraded.on('data', onData);
      if (rest.length > 0) onData(rest);
    },
    (answer) => {
      throw new Error(`upgrade refused: ${answer}`);
    },
  );
  socket.on('close', () => report(frames));
}

function countLines(): void {
  get(url, (res) => {
    let lines = 0;
    res.on('data', (chunk: Buffer) => {
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
    });
    res.on('end', () => report(lines));
  });
}

if (mode === 'ws') countFrames();
else countLines();
