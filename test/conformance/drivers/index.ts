import type { DialectDriver } from '../driver.js';
import { jaotDriver } from './jaot.js';
import { matcraftDriver } from './matcraft.js';
import { mutagentDriver } from './mutagent.js';
import { neroxDriver } from './nerox.js';

/** One driver per dialect; the conformance suite loops over all of them. */
export const DRIVERS: readonly DialectDriver[] = [neroxDriver, mutagentDriver, jaotDriver, matcraftDriver];
