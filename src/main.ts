import { loadConfig, ConfigError } from './config/config.js';
import { NativeUwsUnavailable } from './server/uws.js';
import { startBridge } from './bridge.js';

// One client's failure must not take every other client down with the process: log it loudly instead.
process.on('unhandledRejection', (reason) => console.error('unhandled rejection:', reason));

try {
  const bridge = await startBridge(loadConfig());
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    const limitS = bridge.config.shutdownTimeoutS;
    console.log(`${signal}: shutting down (sockets closed with 1001, events flushed, jobs left to resume; at most ${limitS} s)`);
    setTimeout(() => {
      console.error(`shutdown took longer than ${limitS} s (BRIDGE_SHUTDOWN_TIMEOUT_S); exiting anyway`);
      process.exit(1);
    }, limitS * 1000).unref();
    bridge.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  if (error instanceof ConfigError || error instanceof NativeUwsUnavailable) {
    console.error(error.message);
  } else {
    console.error('optbridge failed to start:', error);
  }
  process.exit(1);
}
