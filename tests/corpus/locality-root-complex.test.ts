// Acceptance for the 'root-complex' locality rule on sysfs captures where the truth is
// known: every function whose numa_node file names a node. A subset of those is made to
// say nothing (numa_node -1, no local_cpulist, as a partial paste does), locality is
// derived again, and every node the rule gives must be the one the kernel wrote.
// The captures are hwloc's (fixtures/hwloc/linux) and the QEMU lab's (fixtures/lab).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localCpusFromNodes, locateByRootComplex, locateDevices } from '../../electron/topology/build/locality';
import { loadInput } from '../../electron/topology/load';
import type { PciDevice, Snapshot } from '../../electron/topology/model';
import { parseCpuList } from '../../electron/topology/parse/cpulist';

const FIX = join(__dirname, '..', '..', 'fixtures');
const HWLOC = readdirSync(join(FIX, 'hwloc', 'linux')).filter((f) => f.endsWith('.tar.bz2')).map((f) => join(FIX, 'hwloc', 'linux', f));
const LAB = readdirSync(join(FIX, 'lab'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(FIX, 'lab', e.name, 'capture.tar.gz')))
  .map((e) => join(FIX, 'lab', e.name, 'capture.tar.gz'));
const CAPTURES = [...HWLOC, ...LAB].sort();

const expandAll = (list: string) => (parseCpuList(list) ?? []).sort((a, b) => a - b).join();

const hide = (d: PciDevice): PciDevice => ({ ...d, numaNode: null, localCpus: null, localityRule: 'unknown' });

/** Truth: the node read from each function's own numa_node file. */
function truthOf(t: Snapshot): Map<string, number> {
  return new Map(t.pci.devices.filter((d) => d.localityRule === 'numa_node').map((d) => [d.address, d.numaNode!] as const));
}

/** Rebuild locality with the functions `hidden` picks made silent; every derived node checked against the truth. */
function rederive(t: Snapshot, hidden: (d: PciDevice, i: number) => boolean, parentsFirst: boolean) {
  const truth = truthOf(t);
  const input = t.pci.devices.map((d, i) => (hidden(d, i) ? hide(d) : d));
  const first = parentsFirst ? locateDevices(input, t.numaNodes) : input;
  const { devices } = locateByRootComplex(first, 'test');
  const wrong: string[] = [];
  let placed = 0;
  for (const d of devices) {
    if (d.localityRule !== 'root-complex') continue;
    placed++;
    const want = truth.get(d.address);
    if (want !== undefined && want !== d.numaNode) wrong.push(`${d.address}: root-complex gave ${d.numaNode}, numa_node says ${want}`);
  }
  return { wrong, placed, devices, checked: devices.filter((d) => d.localityRule === 'root-complex' && truth.has(d.address)).length };
}

describe('root-complex locality agrees with numa_node on every sysfs capture', () => {
  it.each(CAPTURES.map((c) => [c.slice(FIX.length + 1), c]))('%s', async (_name, file) => {
    const { topology: t } = await loadInput(file, { hostFacts: false });
    const truth = truthOf(t);
    // The kernel's invariant itself, on the raw capture: one node per host bridge.
    const perBridge = new Map<string, Set<number>>();
    for (const d of t.pci.devices) if (truth.has(d.address) && d.hostBridge) perBridge.set(d.hostBridge, (perBridge.get(d.hostBridge) ?? new Set()).add(truth.get(d.address)!));
    // Three ways to go silent: every other function; all but the last function of each
    // root complex; every bridge (the shape of an lspci paste giving only endpoints' nodes).
    const lastOf = new Map<string, string>();
    for (const d of t.pci.devices) if (d.hostBridge && truth.has(d.address)) lastOf.set(d.hostBridge, d.address);
    const cases = [
      rederive(t, (_d, i) => i % 2 === 1, false),
      rederive(t, (d) => d.hostBridge !== null && lastOf.get(d.hostBridge) !== d.address, false),
      rederive(t, (d) => d.secondaryBus != null || d.portKind === 'root-port' || d.portKind === 'host-bridge', true),
    ];
    for (const c of cases) expect(c.wrong).toEqual([]);
    // Where a root complex has two functions with known nodes, hiding all but one of
    // them must have given the rule work that the truth can check.
    const known = new Map<string, number>();
    for (const d of t.pci.devices) if (d.hostBridge && truth.has(d.address)) known.set(d.hostBridge, (known.get(d.hostBridge) ?? 0) + 1);
    if ([...known.values()].some((n) => n >= 2)) expect(cases[1]!.checked).toBeGreaterThan(0);
    // Where one root complex's functions disagree, the rule must stay out of it.
    const split = new Set([...perBridge].filter(([, nodes]) => nodes.size > 1).map(([hb]) => hb));
    for (const c of cases) expect(c.devices.filter((d) => d.localityRule === 'root-complex' && split.has(d.hostBridge!)).map((d) => d.address)).toEqual([]);
  });
});

describe('root-complex rule, by construction', () => {
  const dev = (address: string, hostBridge: string | null, numaNode: number | null, rule: PciDevice['localityRule'] = numaNode === null ? 'unknown' : 'imported'): PciDevice => ({
    address, parent: null, hostBridge, numaNode, localCpus: numaNode === null ? null : numaNode === 0 ? '0-7' : '8-15', localityRule: rule,
    classCode: null, vendorId: null, deviceId: null, vendorName: null, deviceName: null, driver: null, iommuGroup: null,
    link: null, sriov: null, osDevices: [], roles: [], roleReasons: [],
  } as unknown as PciDevice);

  it('places silent functions on the one node their root complex agrees on, naming the sources', () => {
    const r = locateByRootComplex([dev('0000:00:01.0', 'pci0000:00', null), dev('0000:01:00.0', 'pci0000:00', 1), dev('0000:02:00.0', 'pci0000:00', 1, 'numa_node')], 'x.txt');
    expect(r.devices[0]).toMatchObject({ numaNode: 1, localCpus: '8-15', localityRule: 'root-complex' });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.message).toContain('0000:01:00.0, 0000:02:00.0');
    expect(r.diagnostics[0]!.message).toContain('0000:00:01.0');
  });

  it('leaves them unknown when the root complex disagrees, has no known function, or is not recorded', () => {
    const r = locateByRootComplex([
      dev('0000:00:01.0', 'pci0000:00', null), dev('0000:01:00.0', 'pci0000:00', 0), dev('0000:02:00.0', 'pci0000:00', 1),
      dev('0000:40:01.0', 'pci0000:40', null), dev('0000:41:00.0', 'pci0000:40', null),
      dev('0000:81:00.0', null, null), dev('0000:82:00.0', null, 1),
    ], 'x.txt');
    expect(r.devices.filter((d) => d.localityRule === 'root-complex')).toEqual([]);
    expect(r.diagnostics).toEqual([]);
  });

  it('does not count nodes derived from other functions, nor overwrite an imported silence', () => {
    const r = locateByRootComplex([dev('0000:00:01.0', 'pci0000:00', null), dev('0000:01:00.0', 'pci0000:00', 1, 'parent'), dev('0000:02:00.0', 'pci0000:00', null, 'imported')], 'x.txt');
    expect(r.devices.map((d) => d.localityRule)).toEqual(['unknown', 'parent', 'imported']);
  });
});

describe('local CPUs from the node, where the input printed none', () => {
  it('on every sysfs capture, a function with numa_node and local_cpulist read from files: its node\'s CPUs are its local_cpulist', async () => {
    let checked = 0;
    for (const file of CAPTURES) {
      const { topology: t } = await loadInput(file, { hostFacts: false });
      // The kernel's local_cpulist is the *bus's* node mask (every CPU when the bus has
      // none); a numa_node written by hand (sysfs allows it) can differ from the bus's, as
      // 40intel64's 0000:43:00.0 (numa_node 2, local_cpulist 0-39) does. Those are left out.
      const all = t.machine.cpus.map((c) => c.id).sort((a, b) => a - b).join();
      const own = t.pci.devices.filter((d) => d.localityRule === 'numa_node' && d.localCpus !== null && !(t.numaNodes.length > 1 && expandAll(d.localCpus) === all));
      const derived = localCpusFromNodes(own.map((d) => ({ ...d, localCpus: null })), t.numaNodes);
      derived.forEach((d, i) => expect(d.localCpus, `${file} ${d.address}`).toBe(own[i]!.localCpus));
      checked += own.length;
    }
    expect(checked).toBeGreaterThan(50);
  });
});
