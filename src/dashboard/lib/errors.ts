import { BridgeClientError } from '../../client/index.js';

/** A key the bridge stopped accepting: every page then goes back to signing in. */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof BridgeClientError && error.code === 'unauthorized';
}

export function describeError(error: unknown): string {
  if (error instanceof BridgeClientError) {
    if (error.code === 'not_found') return `Not found: ${error.message}. It may not exist, or belong to another tenant.`;
    if (error.code === 'unreachable') return 'The bridge cannot be reached. Check that it is running, then reload.';
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
