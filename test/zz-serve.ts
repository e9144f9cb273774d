import { openTestStore, startTestBridge } from './helpers/bridge.js';
const store = await openTestStore('pglite');
const b = await startTestBridge(store, { env: { PORT: '18734' } });
console.log(b.http);
setTimeout(async () => { await b.close(); await store.dispose(); process.exit(0); }, 40000);
