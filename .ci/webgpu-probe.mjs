// Exits 0 when Dawn finds a WebGPU adapter (a GPU, or lavapipe on the CPU), 1 otherwise.
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
const adapter = await create([]).requestAdapter();
if (!adapter) {
  console.error('[prepare] no WebGPU adapter');
  process.exit(1);
}
console.log(`[prepare] WebGPU adapter: ${adapter.info.vendor} ${adapter.info.architecture} ${adapter.info.description}`.trim());
process.exit(0);
