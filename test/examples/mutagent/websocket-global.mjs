// The doc's snippets are written for a browser's WebSocket; Node 20 has none, so `ws` stands in for it.
globalThis.WebSocket = (await import('ws')).default;
