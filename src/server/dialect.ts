import type { BridgeError } from '../core/errors.js';
import type { Encoder } from '../hub/fanout.js';
import type { ServerContext } from './context.js';

/**
 * A client-facing vendor dialect: its one encoder (live, catch-up, replay and export all use it)
 * and the routes it adds. Implementations live in `adapters/<vendor>/dialect.ts` and never import
 * each other.
 */
export interface Dialect {
  readonly name: string;
  readonly encode: Encoder;
  /** Where its routes live, so a request for a path it lacks is still answered in its error shape. */
  readonly pathPrefixes: readonly string[];
  /** An HTTP error in the shape the vendor's clients parse. */
  errorBody(error: BridgeError): unknown;
  mount(context: ServerContext): void;
}
