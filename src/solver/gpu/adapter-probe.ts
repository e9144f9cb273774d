import { execFile } from 'node:child_process';

/** What `SOLVER_DEVICE=auto` runs on, and why, for the start-up log line and every job's record. */
export interface DeviceChoice {
  device: 'gpu' | 'cpu';
  reason: string;
  /** Dawn's own start-up messages (limits it lowers, for instance), said once through the bridge's logger. */
  dawnMessages: string[];
}

/** Asks Dawn for its preferred adapter in a child process, whose stderr (where Dawn writes its warnings) we read. */
const PROBE = `
const { create, globals } = await import(process.argv[1]);
Object.assign(globalThis, globals);
const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
const info = adapter && adapter.info;
process.stdout.write(JSON.stringify(info && { vendor: info.vendor, architecture: info.architecture, description: info.description, device: info.device, isFallbackAdapter: info.isFallbackAdapter }));
`;

interface AdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  device: string;
  isFallbackAdapter: boolean;
}

/** A CPU implementation of Vulkan: the WebGPU path would be slower than the CPU annealers, not faster. */
export function isSoftwareAdapter(info: AdapterInfo): boolean {
  return info.isFallbackAdapter || /llvmpipe|lavapipe|swiftshader|software/i.test(`${info.description} ${info.device} ${info.architecture}`);
}

/**
 * `auto` takes a hardware adapter (a discrete or integrated GPU) and otherwise the CPU path: the bridge's own
 * benchmark measures a software adapter at a fraction of the CPU path's throughput.
 */
export function chooseDevice(info: AdapterInfo | null): Pick<DeviceChoice, 'device' | 'reason'> {
  if (info === null) return { device: 'cpu', reason: 'no WebGPU adapter' };
  const name = `${info.vendor || 'unknown'}/${info.description || info.device || 'unknown'}`;
  if (isSoftwareAdapter(info)) return { device: 'cpu', reason: `the only WebGPU adapter, ${name}, is a software one (slower than the CPU path)` };
  return { device: 'gpu', reason: `hardware WebGPU adapter ${name}` };
}

let probing: Promise<DeviceChoice> | undefined;

/** Once per process: every bridge in it sees the same machine. */
export function probeDevice(): Promise<DeviceChoice> {
  probing ??= new Promise((resolve) => {
    let dawn: string;
    try {
      dawn = import.meta.resolve('webgpu');
    } catch {
      resolve({ device: 'cpu', reason: 'the webgpu package is not installed', dawnMessages: [] });
      return;
    }
    execFile(process.execPath, ['--input-type=module', '-e', PROBE, dawn], { timeout: 30_000 }, (error, stdout, stderr) => {
      const dawnMessages = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '');
      if (error) {
        resolve({ device: 'cpu', reason: `WebGPU could not be probed (${error.message.split('\n')[0]})`, dawnMessages });
        return;
      }
      resolve({ ...chooseDevice(JSON.parse(stdout || 'null') as AdapterInfo | null), dawnMessages });
    });
  });
  return probing;
}
