import { isSoftwareAdapter } from './adapter-probe.js';

/**
 * One WebGPU device per thread, opened on first use through Dawn (npm `webgpu`) and kept for later
 * runs. Resolves to null when there is no adapter (no Vulkan driver), so callers fall back to the CPU.
 */
export interface GpuContext {
  /**
   * The object `create()` returned. Dawn tears its instance down when this is garbage collected,
   * and a device that outlives it crashes the process on its next tick, so the context holds it.
   */
  gpu: GPU;
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
  const dawn = await import('webgpu').catch(() => null);
  if (dawn === null) return null;
  const { create, globals } = dawn;
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) return null;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    },
  });
  void device.lost.then(() => {
    opening = null;
  });
  const { vendor, architecture, description, device: model } = adapter.info;
  return {
    gpu,
    device,
    description: `webgpu:${vendor || 'unknown'}/${architecture || 'unknown'}/${description || model || 'unknown'}`,
    software: isSoftwareAdapter(adapter.info),
  };
}
