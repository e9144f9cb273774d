import { BridgeError, invalid } from '../core/errors.js';
import { isRecord } from '../core/json.js';

/** The error for a client frame a dialect does not take; malformed JSON and unknown messages are told apart. */
export function unexpectedFrame(text: string, accepted: string): BridgeError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new BridgeError('invalid_json', `message is not valid JSON; ${accepted}`);
  }
  const type = isRecord(parsed) && typeof parsed.type === 'string' ? `type "${parsed.type}"` : 'without a type';
  return invalid(`unknown message ${type}; ${accepted}`);
}
