// This machine, read three ways: topolens's live reading against `lspci` (functions
// and parents, from config-space bus ranges and from the -tv tree) and against
// `lstopo` (NUMA nodes, CPU sets, PCI functions). Skipped, saying why, where the
// tools or a Linux sysfs are absent.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInput, type LoadResult } from '../../electron/topology/load';
import { parseCpuList } from '../../electron/topology/parse/cpulist';
import { readHwlocXml } from '../support/hwloc-ref';

function have(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const linux = process.platform === 'linux' && existsSync('/sys/bus/pci/devices');
const haveLspci = linux && have('lspci');
const haveLstopo = linux && have('lstopo-no-graphics');
if (!haveLspci) console.log('live.test: lspci or Linux sysfs missing: the lspci comparison was NOT run');
if (!haveLstopo) console.log('live.test: lstopo-no-graphics (hwloc) missing: the lstopo comparison was NOT run');

let live: LoadResult;
beforeAll(async () => {
  if (linux) live = await loadInput('live', { hostFacts: false });
});

/** Parents from lspci's own reading of bridge bus ranges in config space. */
function lspciParents(vvv: string): Map<string, string | null> {
  const devs: Array<{ addr: string; secondary: number | null }> = [];
  for (const block of vvv.split(/\n(?=[0-9a-f]{4,}:)/)) {
    const addr = /^([0-9a-f]{4,}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])/.exec(block)?.[1];
    if (!addr) continue;
    const bus = /Bus: primary=([0-9a-f]{2}), secondary=([0-9a-f]{2})/.exec(block);
    devs.push({ addr, secondary: bus ? parseInt(bus[2]!, 16) : null });
  }
  const out = new Map<string, string | null>();
  for (const d of devs) {
    const [dom, bus] = d.addr.split(':');
    const parent = devs.find((b) => b.secondary === parseInt(bus!, 16) && b.addr.startsWith(`${dom}:`));
    out.set(d.addr, parent?.addr ?? null);
  }
  return out;
}

describe.runIf(haveLspci)('live machine vs lspci', () => {
  it('has the same PCI functions as lspci -D', () => {
    const theirs = execFileSync('lspci', ['-D', '-n'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ')[0]!);
    expect(live.topology.pci.devices.map((d) => d.address).sort()).toEqual(theirs.sort());
  });
  it('has the parents lspci derives from bridge bus ranges', () => {
    const parents = lspciParents(execFileSync('lspci', ['-D', '-vvv'], { encoding: 'utf8' }));
    for (const d of live.topology.pci.devices) expect(d.parent, d.address).toBe(parents.get(d.address) ?? null);
  });
  it('has the drivers lspci -k reports', () => {
    const k = execFileSync('lspci', ['-D', '-k'], { encoding: 'utf8' });
    for (const block of k.split(/\n(?=[0-9a-f]{4,}:)/)) {
      const addr = block.split(' ')[0]!;
      const drv = /Kernel driver in use: (\S+)/.exec(block)?.[1] ?? null;
      const d = live.topology.pci.devices.find((x) => x.address === addr);
      if (d) expect(d.driver, addr).toBe(drv);
    }
  });
  it('has the tree lspci -tv draws', async () => {
    const { parseLspci } = await import('../../electron/topology/parse/lspci');
    const tv = execFileSync('lspci', ['-tv'], { encoding: 'utf8' });
    const parsed = parseLspci(tv, 'lspci -tv');
    expect(parsed.tree, 'lspci -tv parsed as a tree').not.toBeNull();
    const flat = new Map(parsed.tree!.map((e) => [e.address, e.parent] as const));
    expect([...flat.keys()].sort()).toEqual(live.topology.pci.devices.map((d) => d.address).sort());
    for (const d of live.topology.pci.devices) expect(d.parent, d.address).toBe(flat.get(d.address));
  });
});

describe.runIf(haveLstopo)('live machine vs lstopo', () => {
  it('has the NUMA nodes, CPU sets and PCI functions lstopo --whole-io has', () => {
    const xml = execFileSync('lstopo-no-graphics', ['--whole-io', '--of', 'xml'], { encoding: 'utf8', env: { ...process.env, HWLOC_COMPONENTS: 'linux' } });
    const x = readHwlocXml(xml);
    const nodes = new Map(live.topology.numaNodes.map((n) => [n.id, parseCpuList(n.cpus)]));
    expect([...nodes.keys()].sort()).toEqual([...x.numa.keys()].sort());
    for (const [id, n] of x.numa) expect(nodes.get(id)).toEqual(n.cpus);
    const mine = new Set(live.topology.pci.devices.map((d) => d.address));
    for (const busid of x.pci.keys()) expect(mine.has(busid), busid).toBe(true);
  });
});
