import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./src/dashboard/', import.meta.url));
const bridge = process.env.OPTBRIDGE_URL ?? 'http://127.0.0.1:8080';

/**
 * The dashboard (src/dashboard, Preact + uPlot) built into dist/dashboard, which the bridge serves at `/`.
 * `npm run dev:dashboard` serves it with hot reload and sends API and socket calls to a running bridge.
 */
export default defineConfig({
  root,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('./dist/dashboard/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The SDK loads `ws` only where there is no global WebSocket, which no browser lacks.
    rolldownOptions: { external: ['ws'] },
  },
  server: {
    proxy: Object.fromEntries(['/bridge', '/v1', '/api', '/ws'].map((prefix) => [prefix, { target: bridge, ws: true }])),
  },
});
