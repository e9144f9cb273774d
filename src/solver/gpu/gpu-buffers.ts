/** Small helpers around buffers and the one readback per epoch. */
export function storageBuffer(device: GPUDevice, data: ArrayBufferView | number, label: string): GPUBuffer {
  const size = typeof data === 'number' ? data : data.byteLength;
  const buffer = device.createBuffer({
    label,
    size: Math.max(16, Math.ceil(size / 4) * 4),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    mappedAtCreation: typeof data !== 'number',
  });
  if (typeof data !== 'number') {
    new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    buffer.unmap();
  }
  return buffer;
}

export function uniformBuffer(device: GPUDevice, data: ArrayBuffer, label: string): GPUBuffer {
  const buffer = device.createBuffer({
    label,
    size: Math.ceil(data.byteLength / 16) * 16,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}

export interface Copy {
  from: GPUBuffer;
  offset: number;
  bytes: number;
}

/**
 * Runs one epoch: encodes the work in one compute pass, appends copies of `reads` into a staging
 * buffer, submits, and returns the bytes of each read with the seconds from submit until the queue
 * finished (the GPU-busy time; timestamp queries would be finer, but they crash lavapipe).
 */
export async function submitAndRead(
  device: GPUDevice,
  encode: (pass: GPUComputePassEncoder) => void,
  reads: Copy[],
): Promise<{ data: ArrayBuffer[]; seconds: number }> {
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  encode(pass);
  pass.end();
  const offsets: number[] = [];
  let size = 0;
  for (const read of reads) {
    offsets.push(size);
    size += Math.ceil(read.bytes / 8) * 8;
  }
  const staging = device.createBuffer({ size: Math.max(size, 8), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  reads.forEach((read, k) => encoder.copyBufferToBuffer(read.from, read.offset, staging, offsets[k]!, read.bytes));
  const started = performance.now();
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const seconds = (performance.now() - started) / 1000;
  const mapped = staging.getMappedRange();
  const data = reads.map((read, k) => mapped.slice(offsets[k]!, offsets[k]! + read.bytes));
  staging.unmap();
  staging.destroy();
  return { data, seconds };
}

/** Compiles a WGSL module and its entry points, turning validation errors into one thrown Error. */
export async function compilePipelines<K extends string>(
  device: GPUDevice,
  label: string,
  code: string,
  layout: GPUBindGroupLayout,
  entryPoints: readonly K[],
): Promise<Record<K, GPUComputePipeline>> {
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code, label });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const pipelines = {} as Record<K, GPUComputePipeline>;
  for (const entryPoint of entryPoints) {
    pipelines[entryPoint] = device.createComputePipeline({ label: `${label} ${entryPoint}`, layout: pipelineLayout, compute: { module, entryPoint } });
  }
  const error = await device.popErrorScope();
  if (error !== null) {
    const info = await module.getCompilationInfo();
    const messages = info.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ');
    throw new Error(`WebGPU kernel "${label}" failed to build: ${messages || error.message}`);
  }
  return pipelines;
}

/** A bind group layout for one uniform buffer followed by storage buffers, the first `readOnly` of them read-only. */
export function bindAll(device: GPUDevice, buffers: GPUBuffer[], readOnly: number): { layout: GPUBindGroupLayout; group: GPUBindGroup } {
  const layout = device.createBindGroupLayout({
    entries: buffers.map((_, binding) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: binding === 0 ? 'uniform' : binding <= readOnly ? 'read-only-storage' : 'storage' },
    })),
  });
  const group = device.createBindGroup({ layout, entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) });
  return { layout, group };
}

/** A pipeline and how many workgroups to dispatch it over. */
export type Dispatch = readonly [GPUComputePipeline, number];

/** One epoch of `dispatches`, in order, over the kernel's single bind group, read back as in `submitAndRead`. */
export function dispatchAndRead(
  device: GPUDevice,
  bindGroup: GPUBindGroup,
  dispatches: readonly Dispatch[],
  reads: Copy[],
): Promise<{ data: ArrayBuffer[]; seconds: number }> {
  return submitAndRead(
    device,
    (pass) => {
      pass.setBindGroup(0, bindGroup);
      for (const [pipeline, workgroups] of dispatches) {
        pass.setPipeline(pipeline);
        pass.dispatchWorkgroups(workgroups);
      }
    },
    reads,
  );
}
