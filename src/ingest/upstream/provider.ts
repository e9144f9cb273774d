import { ConfigError } from '../../config/config.js';
import type { Provider } from '../../core/provider.js';
import { UpstreamRun } from './run.js';
import type { UpstreamSettings } from './settings.js';
import { Slots } from '../../core/slots.js';
import type { VendorAdapter } from './vendor.js';

/**
 * A vendor's provider: the adapter's path templates with the settings' overrides, one UpstreamRun per job,
 * and the vendor's per-key socket limit shared by all of them (one provider, one key).
 */
export function upstreamProvider<P extends string>(adapter: VendorAdapter<P>, settings: UpstreamSettings): Provider {
  for (const name of Object.keys(settings.paths)) {
    if (!(name in adapter.paths)) {
      throw new ConfigError(`providers.${adapter.name}.paths.${name}`, `unknown path; one of ${Object.keys(adapter.paths).join(', ')}`);
    }
  }
  const paths = { ...adapter.paths, ...settings.paths };
  const slots = adapter.socketsPerKey === undefined ? undefined : new Slots(adapter.socketsPerKey);
  return { name: adapter.name, kinds: adapter.kinds, start: (start) => new UpstreamRun(adapter, paths, settings, start, slots) };
}
