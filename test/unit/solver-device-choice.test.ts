import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseDevice, probeDevice } from '../../src/solver/gpu/adapter-probe.js';

const adapter = (overrides: Partial<Parameters<typeof chooseDevice>[0] & object>) => ({
  vendor: 'nvidia',
  architecture: 'hopper',
  description: 'NVIDIA H200',
  device: '',
  isFallbackAdapter: false,
  ...overrides,
});

describe('SOLVER_DEVICE=auto', () => {
  it('takes a hardware adapter', () => {
    assert.equal(chooseDevice(adapter({})).device, 'gpu');
    assert.equal(chooseDevice(adapter({ vendor: 'intel', architecture: 'gen-12lp', description: 'Intel(R) UHD Graphics 770' })).device, 'gpu');
  });

  it('never takes a software or fallback adapter, and says why', () => {
    for (const software of [
      adapter({ vendor: 'mesa', architecture: '', description: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)' }),
      adapter({ vendor: 'google', description: 'SwiftShader Device (Subzero)' }),
      adapter({ isFallbackAdapter: true }),
    ]) {
      const choice = chooseDevice(software);
      assert.equal(choice.device, 'cpu', software.description);
      assert.match(choice.reason, /software/);
    }
    assert.deepEqual(chooseDevice(null), { device: 'cpu', reason: 'no WebGPU adapter' });
  });

  it("probes this machine's adapter in a child process, so Dawn's start-up warnings come back as text, not stderr noise", async () => {
    const choice = await probeDevice();
    assert.ok(choice.device === 'gpu' || choice.device === 'cpu');
    assert.ok(choice.reason.length > 0);
    assert.ok(Array.isArray(choice.dawnMessages));
  });
});
