import { gpuContext } from './src/solver/gpu/gpu-context.js';
import { PT_WGSL } from './src/solver/gpu/pt-kernels.js';
const ctx = (await gpuContext())!;
const device = ctx.device;
device.pushErrorScope('validation');
const module = device.createShaderModule({ code: PT_WGSL });
const info = await module.getCompilationInfo();
console.log('compiled', info.messages.map((m) => m.message));
for (const ep of (process.argv[2] ?? 'init,sweep,exchange,reduce').split(',')) {
  const p = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: ep } });
  console.log('pipeline', ep);
}
console.log(await device.popErrorScope());
