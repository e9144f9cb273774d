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
  mount(context: ServerContext): void;
}
