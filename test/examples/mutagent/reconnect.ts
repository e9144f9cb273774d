// mutagent.txt's "Reconnection with Event Replay" snippet, as the doc writes it except for the URL (the
// bridge's, with the API key as ?token=) and the `any` that strict TypeScript asks for. Below it, a
// harness that is not from the doc: it calls connect() for JOB_ID, drops the first connection after a
// few events, and prints what every connection received, so a test can check that the snippet's
// afterEventId bookkeeping gets every event exactly once.
// Run: BRIDGE_WS=ws://… BRIDGE_TOKEN=… JOB_ID=… node --import tsx --import ./websocket-global.mjs reconnect.ts

interface BrowserSocket {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: (() => void) | null;
  onmessage: ((msg: { data: string }) => void) | null;
  onclose: (() => void) | null;
  addEventListener(type: string, listener: (msg: { data: string }) => void): void;
}

/** The browser's WebSocket, which the snippet is written for; websocket-global.mjs installs `ws` as it. */
declare const WebSocket: { new (url: string): BrowserSocket; readonly OPEN: number };

let lastEventId = 0;

function connect(jobId: string) {
  const ws = new WebSocket(`${process.env.BRIDGE_WS}/ws/optimization?token=${process.env.BRIDGE_TOKEN}`);

  ws.onopen = () => {
    ws.send(JSON.stringify({
      type: 'subscribe',
      jobId,
      afterEventId: lastEventId, // Replay missed events
    }));
  };

  ws.onmessage = (msg) => {
    const message = JSON.parse(msg.data);
    if (message.type === 'event' && message.event.id) {
      lastEventId = message.event.id;
    }
    if (message.type === 'replay') {
      message.data.forEach((event: any) => {
        if (event.id) lastEventId = event.id;
      });
    }
  };

  ws.onclose = () => {
    // Auto-reconnect after delay
    setTimeout(() => connect(jobId), 2000);
  };

  return ws;
}

// ---- harness (not from the doc) ----

const DROP_AFTER_EVENTS = 3;
const TERMINAL = ['job_completed', 'job_failed', 'job_cancelled'];
let connections = 0;

/** Records every socket connect() opens; its listener runs after the snippet's, so lastEventId is current. */
(globalThis as unknown as { WebSocket: typeof WebSocket }).WebSocket = class extends WebSocket {
  constructor(url: string) {
    super(url);
    const connection = ++connections;
    let events = 0;
    this.addEventListener('open', () => this.addEventListener('message', (msg) => {
      const message = JSON.parse(msg.data);
      const batch: any[] = message.type === 'event' ? [message.event] : message.type === 'replay' ? message.data : [];
      console.log(`#${connection} ${message.type} ${batch.map((e) => e.id).join(',')} lastEventId=${lastEventId}`);
      events += batch.length;
      if (batch.some((e) => TERMINAL.includes(e.eventType))) process.exit(0);
      if (connection === 1 && events >= DROP_AFTER_EVENTS) this.close();
    }));
  }
};

connect(process.env.JOB_ID!);
