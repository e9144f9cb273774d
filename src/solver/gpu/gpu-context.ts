/**
 * One WebGPU device per thread, opened on first use through Dawn (npm `webgpu`) and kept for later
 * runs. Resolves to null when there is no adapter (no Vulkan driver), so callers fall back to the CPU.
 */
export interface GpuContext {
  device: GPUDevice;
  /** `webgpu:<vendor>/<architecture>/<description>`, reported as the run's device. */
  description: string;
  /** A CPU implementation of Vulkan (lavapipe, SwiftShader): sized like the CPU path, not a GPU. */
  software: boolean;
}

let opening: Promise<GpuContext | null> | null = null;

export function gpuContext(): Promise<GpuContext | null> {
  opening ??= open().catch((error: unknown) => {
    opening = null;
    throw error;
  });
  return opening;
}

async function open(): Promise<GpuContext | null> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) return null;
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize },
  });
  void device.lost.then(() => {
    opening = null;
  });
  const { vendor, architecture, description, device: model } = adapter.info;
  const software = adapter.info.isFallbackAdapter || /llvmpipe|lavapipe|swiftshader/i.test(`${description} ${model}`);
  return {
    device,
    description: `webgpu:${vendor || 'unknown'}/${architecture || 'unknown'}/${description || model || 'unknown'}`,
    software,
  };
}
