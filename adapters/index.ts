import type { Dialect } from '../src/server/dialect.js';
import { neroxDialect } from './nerox/dialect.js';

/** Every client-facing dialect the bridge serves. Adding one is one line here. */
export const DIALECTS: readonly Dialect[] = [neroxDialect];
