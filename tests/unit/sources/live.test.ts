// Live mode: on Linux, the live reading agrees with what the kernel says when asked
// independently (uname, /proc/sys/kernel, /sys read here with plain fs calls, not the
// engine's reader); on macOS/Windows the host facts and a note that the PCIe tree needs
// Linux (captures still open everywhere). This is the one test that reads the real /sys.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadInput } from '../../../electron/topology/load';

const realPlatform = process.platform;
afterEach(() => {
  Object.defineProperty(process, 'platform', { value: realPlatform });
});

/** "0-3,8,10-11" → [0,1,2,3,8,10,11], written here rather than taken from the engine. */
function expandList(s: string): number[] {
  return s.trim().split(',').filter(Boolean).flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return Array.from({ length: (b ?? a!) - a! + 1 }, (_, i) => a! + i);
  });
}

const PCI = '/sys/bus/pci/devices';
const runLive = realPlatform === 'linux' && !process.env['TOPOLENS_FS_ROOT'];

describe('live mode', () => {
  it.runIf(runLive)('machine facts agree with uname, /proc/sys/kernel and the CPU and NUMA lists in /sys', async () => {
    const r = await loadInput('live');
    const m = r.topology.machine;
    expect(r.topology.source.kind).toBe('live');
    expect(m.hostname).toBe(hostname());
    expect(m.hostname).toBe(readFileSync('/proc/sys/kernel/hostname', 'utf8').trim());
    expect(m.kernel).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
    expect(m.arch).toBe(spawnSync('uname', ['-m'], { encoding: 'utf8' }).stdout.trim());
    expect(m.archSource).toBe('uname -m (live)');
    expect(m.os).toMatch(/\w/);
    expect(m.cpus.map((c) => c.id).sort((a, b) => a - b)).toEqual(expandList(readFileSync('/sys/devices/system/cpu/online', 'utf8')));
    const nodeDir = '/sys/devices/system/node';
    if (existsSync(nodeDir)) {
      const nodes = readdirSync(nodeDir).filter((n) => /^node\d+$/.test(n)).map((n) => Number(n.slice(4))).sort((a, b) => a - b);
      expect(r.topology.numaNodes.map((n) => n.id).sort((a, b) => a - b)).toEqual(nodes);
      for (const n of r.topology.numaNodes) expect(expandList(n.cpus)).toEqual(expandList(readFileSync(join(nodeDir, `node${n.id}`, 'cpulist'), 'utf8')));
    }
  });
  it.runIf(runLive && existsSync(PCI))('every PCI function in /sys/bus/pci/devices, with its driver link and numa_node', async () => {
    const r = await loadInput('live', { hostFacts: false });
    const want = readdirSync(PCI).sort();
    expect(want.length).toBeGreaterThan(0);
    expect(r.topology.pci.devices.map((d) => d.address).sort()).toEqual(want);
    for (const d of r.topology.pci.devices) {
      let driver: string | null = null;
      try {
        driver = basename(readlinkSync(join(PCI, d.address, 'driver')));
      } catch {
        /* no driver bound */
      }
      expect(d.driver, d.address).toBe(driver);
      const node = Number(readFileSync(join(PCI, d.address, 'numa_node'), 'utf8'));
      if (node >= 0) expect(d.numaNode, d.address).toBe(node);
    }
  });
  it.each(['darwin', 'win32'])('on %s reports host facts and says the tree needs Linux', async (platform) => {
    Object.defineProperty(process, 'platform', { value: platform });
    const r = await loadInput('live');
    expect(r.topology.pci.devices).toEqual([]);
    expect(r.topology.machine.note).toMatch(new RegExp(`live mode on ${platform}: the PCIe/NUMA tree needs Linux`));
    expect(r.topology.machine.hostname).toBe(hostname());
    expect(r.topology.machine.totalMemoryBytes).toBeGreaterThan(0);
    expect(r.diagnostics[0]!.message).toMatch(/read from Linux sysfs/);
  });
});
