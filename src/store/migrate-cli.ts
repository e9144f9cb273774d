import { loadConfig } from '../config/config.js';
import { migrateDown, migrateToLatest, openDatabase } from './database.js';

const config = loadConfig();
const handle = await openDatabase(config);
try {
  if (process.argv[2] === 'down') await migrateDown(handle.db);
  else await migrateToLatest(handle.db);
  console.log(`migrations ${process.argv[2] === 'down' ? 'rolled back one step' : 'up to date'} on ${handle.description}`);
} finally {
  await handle.close();
}
