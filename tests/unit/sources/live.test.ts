// Live mode: host facts from systeminformation on Linux; on macOS/Windows the facts
// and a note that the PCIe tree needs Linux (captures still open everywhere).
import { afterEach, describe, expect, it } from 'vitest';
import { loadInput } from '../../../electron/topology/load';

const realPlatform = process.platform;
afterEach(() => {
  Object.defineProperty(process, 'platform', { value: realPlatform });
});

describe('live mode', () => {
  it.runIf(realPlatform === 'linux')('adds host facts from systeminformation on Linux', async () => {
    const r = await loadInput('live');
    expect(r.topology.source.kind).toBe('live');
    expect(r.topology.machine.hostname).toBeTruthy();
    expect(r.topology.machine.os).toMatch(/\w/);
    expect(r.topology.machine.archSource).toBe('uname -m (live)');
    expect(r.topology.machine.cpus.length).toBeGreaterThan(0);
  });
  it.each(['darwin', 'win32'])('on %s reports host facts and says the tree needs Linux', async (platform) => {
    Object.defineProperty(process, 'platform', { value: platform });
    const r = await loadInput('live');
    expect(r.topology.pci.devices).toEqual([]);
    expect(r.topology.machine.note).toMatch(new RegExp(`live mode on ${platform}: the PCIe/NUMA tree needs Linux`));
    expect(r.topology.machine.hostname).toBeTruthy();
    expect(r.topology.machine.totalMemoryBytes).toBeGreaterThan(0);
    expect(r.diagnostics[0]!.message).toMatch(/read from Linux sysfs/);
  });
});
