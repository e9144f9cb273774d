import { create, globals } from 'webgpu';
Object.assign(globalThis, globals);
const gpu = create(process.argv[3] ? process.argv[3].split(',') : []);
const adapter = await gpu.requestAdapter();
const device = await adapter.requestDevice();
const code = process.argv[2] === 'pt' ? (await import('/tmp/ptw.mjs')).default : `
@group(0) @binding(0) var<storage, read_write> a: array<u32>;
@compute @workgroup_size(64) fn e1(@builtin(local_invocation_index) l: u32) { a[l] = l; }
@compute @workgroup_size(64) fn e2(@builtin(local_invocation_index) l: u32) { a[l] = 2u*l; }
@compute @workgroup_size(64) fn e3(@builtin(local_invocation_index) l: u32) { a[l] = 3u*l; }
`;
const module = device.createShaderModule({ code });
const eps = process.argv[2] === 'pt' ? ['init', 'sweep', 'exchange', 'reduce'] : ['e1', 'e2', 'e3'];
for (let k = 0; k < 3; k++) for (const ep of eps) { device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: ep } }); }
console.log('ok');
