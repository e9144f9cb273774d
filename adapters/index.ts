import type { Dialect } from '../src/server/dialect.js';
import { jaotDialect } from './jaot/dialect.js';
import { matcraftDialect } from './matcraft/dialect.js';
import { mutagentDialect } from './mutagent/dialect.js';
import { neroxDialect } from './nerox/dialect.js';

/** Every client-facing dialect the bridge serves. Adding one is one line here. */
export const DIALECTS: readonly Dialect[] = [neroxDialect, mutagentDialect, jaotDialect, matcraftDialect];
