import WebSocket from 'ws';

export interface Collected {
  messages: any[];
  texts: string[];
  closeCode: number;
  closeReason: string;
}

/** Opens a socket and collects every text frame until the server closes it. */
export function collect(
  url: string,
  options: { onOpen?: (ws: WebSocket) => void; onMessage?: (msg: any, ws: WebSocket) => void; headers?: Record<string, string> } = {},
): Promise<Collected> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: options.headers });
    const result: Collected = { messages: [], texts: [], closeCode: 0, closeReason: '' };
    ws.on('open', () => options.onOpen?.(ws));
    ws.on('message', (data) => {
      const text = data.toString();
      result.texts.push(text);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
      result.messages.push(parsed);
      options.onMessage?.(parsed, ws);
    });
    ws.on('close', (code, reason) => {
      result.closeCode = code;
      result.closeReason = reason.toString();
      resolve(result);
    });
    ws.on('error', reject);
  });
}

export function tourLength(distances: number[][], tour: number[]): number {
  let total = 0;
  for (let i = 0; i < tour.length; i++) total += distances[tour[i]!]![tour[(i + 1) % tour.length]!]!;
  return total;
}
