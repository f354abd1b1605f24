// diff against mutations that mirror real events, made on copies of real captures
// (hwloc's test archives, the QEMU lab; also VFs never created): the diff reports exactly the mutated devices
// and fields, and nothing on untouched devices. Where pciutils is installed, the
// added/removed functions, NUMA nodes, drivers and link registers are also checked against lspci/setpci replaying the
// same two trees (-A linux-sysfs), an independent reader of the same files.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSnapshots, findMoved, isIdentical, type SnapshotDiff } from '../../../electron/topology/compare/diff';
import { formatDiffText } from '../../../electron/topology/compare/format';
import { loadInput } from '../../../electron/topology/load';
import type { PciDevice, Snapshot } from '../../../electron/topology/model';
import { copyTree, disableVfs, moveToNode, rebindDriver, removeFunction, removeTempTrees, setLink, unpack } from '../../support/mutate-sysfs';

const repo = join(__dirname, '../../..');
const HWLOC_137 = join(repo, 'fixtures/hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2');
const HWLOC_LINKS = join(repo, 'fixtures/hwloc/linux/40intel64-2g2n4c+pcilocality.tar.bz2');
const LAB_SWITCH = join(repo, 'fixtures/lab/x86-q35-2numa-switch/capture.tar.gz');

const load = async (dir: string): Promise<Snapshot> => (await loadInput(dir)).topology;
const changedSet = (d: SnapshotDiff) => d.changed.map((c) => `${c.address} ${c.field}`).sort();

const hasLspci = spawnSync('lspci', ['--version']).status === 0;
/** lspci's view of a sysfs tree (-vmm -k): address → NUMA node and driver in use ("" when it prints none). */
function lspciView(root: string): Map<string, { numa: string; driver: string }> {
  // lspci 3.9 resolves each function's driver link with realpath(): the captures keep the
  // link, not bus/pci/drivers/NAME it points to, so make those (empty) directories first,
  // as fixtures/lspci-from-sysfs did. The topolens reader does not look there.
  for (const d of readdirSync(join(root, 'sys/bus/pci/devices'))) {
    let t = '';
    try {
      t = readlinkSync(join(root, 'sys/bus/pci/devices', d, 'driver'));
    } catch {
      // no driver link
    }
    if (t) mkdirSync(join(root, 'sys/bus/pci/drivers', t.split('/').pop()!), { recursive: true });
  }
  const out = execFileSync('lspci', ['-A', 'linux-sysfs', '-O', `sysfs.path=${root}/sys/bus/pci`, '-D', '-vmm', '-k', '-n'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const m = new Map<string, { numa: string; driver: string }>();
  for (const rec of out.split('\n\n')) {
    const slot = /^Slot:\s+(\S+)/m.exec(rec)?.[1];
    if (slot) m.set(slot, { numa: /^NUMANode:\s+(\S+)/m.exec(rec)?.[1] ?? '', driver: /^Driver:\s+(\S+)/m.exec(rec)?.[1] ?? '' });
  }
  return m;
}
// The unmutated trees' view is asked for by several tests: read once per tree.
const views = new Map<string, Map<string, { numa: string; driver: string }>>();
const lspciViewOnce = (root: string) => views.get(root) ?? views.set(root, lspciView(root)).get(root)!;
const lspciNuma = (root: string) => new Map([...lspciViewOnce(root)].map(([k, v]) => [k, v.numa]));

describe('diff of mutated real captures', () => {
  let base137: string;
  let before137: Snapshot;
  beforeAll(async () => {
    base137 = unpack(HWLOC_137);
    before137 = await load(base137);
  });
  afterAll(removeTempTrees);

  it('a capture compared with itself is identical', async () => {
    const d = diffSnapshots(before137, await load(copyTree(base137)));
    expect(isIdentical(d)).toBe(true);
    expect(d.notCompared).toEqual([]);
  });

  it('a card removed: that function, nothing else', async () => {
    const after = copyTree(base137);
    removeFunction(after, '0000:82:00.0'); // the ConnectX-3 with ib0 / mlx4_0
    const d = diffSnapshots(before137, await load(after));
    expect(d.removed).toEqual(['0000:82:00.0']);
    expect(d.added).toEqual([]);
    expect(d.changed).toEqual([]);
    expect(d.machine).toEqual([]);
    if (hasLspci) {
      const a = lspciNuma(base137);
      const b = lspciNuma(after);
      expect(a.size).toBe(before137.pci.devices.length);
      expect([...a.keys()].filter((k) => !b.has(k))).toEqual(d.removed);
      expect([...b.keys()].filter((k) => !a.has(k))).toEqual(d.added);
    } else console.log('lspci not installed: removal not cross-checked with lspci');
  });

  it("a device's numa_node changed (with its CPU mask): numaNode and localCpus of that device only", async () => {
    const after = copyTree(base137);
    moveToNode(after, '0000:02:00.0', 1);
    const d = diffSnapshots(before137, await load(after));
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.changed).toEqual([
      { address: '0000:02:00.0', field: 'numaNode', before: 0, after: 1 },
      { address: '0000:02:00.0', field: 'localCpus', before: '0-7', after: '8-15' },
    ]);
    if (hasLspci) {
      const a = lspciNuma(base137);
      const b = lspciNuma(after);
      const lspciChanged = [...a].filter(([k, v]) => b.get(k) !== v).map(([k, v]) => [k, v, b.get(k)]);
      expect(lspciChanged).toEqual([['0000:02:00.0', '0', '1']]);
    } else console.log('lspci not installed: numa_node change not cross-checked with lspci');
  });

  it('a driver rebound to vfio-pci: driver, its netdev gone, roles; nothing else', async () => {
    const after = copyTree(base137);
    rebindDriver(after, '0000:02:00.0', 'vfio-pci');
    const rebound = await load(after);
    const d = diffSnapshots(before137, rebound);
    expect(changedSet(d)).toEqual(['0000:02:00.0 driver', '0000:02:00.0 osDevices', '0000:02:00.0 roles']);
    if (hasLspci) {
      const a = lspciViewOnce(base137);
      const b = lspciView(after);
      expect(a.get('0000:02:00.0')!.driver).toBe('igb');
      const lspciChanged = [...a].filter(([k, v]) => b.get(k)!.driver !== v.driver).map(([k, v]) => [k, v.driver, b.get(k)!.driver]);
      expect(lspciChanged).toEqual([['0000:02:00.0', 'igb', 'vfio-pci']]);
    } else console.log('lspci not installed: the rebind is not cross-checked with lspci -k');
    const by = (f: string) => d.changed.find((c) => c.field === f)!;
    expect(by('driver')).toMatchObject({ before: 'igb', after: 'vfio-pci' });
    expect(by('osDevices')).toMatchObject({ before: [{ name: 'eth0', kind: 'net' }], after: [] });
    expect(by('roles')).toMatchObject({ before: ['dpdk-capable'], after: ['dpdk'] });
    expect(formatDiffText(d, before137, rebound)).toContain('0000:02:00.0  driver: igb → vfio-pci');
  });

  it('a link retrained, where the reader takes it from the sysfs files (hwloc capture, 64-byte config)', async () => {
    const base = unpack(HWLOC_LINKS);
    const after = copyTree(base);
    expect(setLink(after, '0000:43:00.0', { speed: 3, width: 2 })).toBe('files');
    const d = diffSnapshots(await load(base), await load(after));
    expect(d.changed).toEqual([
      {
        address: '0000:43:00.0',
        field: 'link',
        before: { speed: '8 GT/s', width: 4, maxSpeed: null, maxWidth: null },
        after: { speed: '8 GT/s', width: 2, maxSpeed: null, maxWidth: null },
      },
    ]);
    expect(d.added.length + d.removed.length + d.machine.length).toBe(0);
  });

  it('a link retrained at x1 2.5 GT/s instead of x4 5 GT/s, decoded from config space (QEMU lab): both ends of that link, nothing else', async () => {
    const base = unpack(LAB_SWITCH);
    // Before: a Gen2 x4 card (its capability is version 1, which has no LnkCap2: 5 GT/s
    // at most) trained at full speed and width behind root port 0000:20:01.0.
    const full = { speed: 2, width: 4, maxSpeed: 2, maxWidth: 4 };
    expect(setLink(base, '0000:26:00.0', full)).toBe('config');
    setLink(base, '0000:20:01.0', { speed: 2, width: 4 });
    const after = copyTree(base);
    setLink(after, '0000:26:00.0', { ...full, speed: 1, width: 1 });
    setLink(after, '0000:20:01.0', { speed: 1, width: 1 });
    if (hasLspci) {
      // pciutils walks the capability list itself (setpci CAP_EXP): LnkSta and LnkCap say
      // what we meant (width bits 9:4, speed bits 3:0).
      const reg = (root: string, r: string) => parseInt(execFileSync('setpci', ['-A', 'linux-sysfs', '-O', `sysfs.path=${root}/sys/bus/pci`, '-s', '0000:26:00.0', r], { encoding: 'utf8' }), 16);
      const decode = (v: number) => ({ width: (v >> 4) & 0x3f, speed: v & 0xf });
      expect(decode(reg(base, 'CAP_EXP+0x12.w'))).toEqual({ width: 4, speed: 2 });
      expect(decode(reg(after, 'CAP_EXP+0x12.w'))).toEqual({ width: 1, speed: 1 });
      expect(decode(reg(after, 'CAP_EXP+0x0c.l'))).toEqual({ width: 4, speed: 2 });
    } else console.log('pciutils not installed: the config-space mutation is not cross-checked with setpci');
    const a = await load(base);
    const b = await load(after);
    expect(a.pci.devices.find((x) => x.address === '0000:26:00.0')!.link).toMatchObject({ speed: '5 GT/s', width: 4, downgraded: false });
    expect(b.pci.devices.find((x) => x.address === '0000:26:00.0')!.link).toMatchObject({ speed: '2.5 GT/s', width: 1, downgraded: true });
    const d = diffSnapshots(a, b);
    expect(changedSet(d)).toEqual(['0000:20:01.0 link', '0000:26:00.0 link']);
    expect(d.changed.find((c) => c.address === '0000:26:00.0')).toMatchObject({
      before: { speed: '5 GT/s', width: 4, maxSpeed: '5 GT/s', maxWidth: 4 },
      after: { speed: '2.5 GT/s', width: 1, maxSpeed: '5 GT/s', maxWidth: 4 },
    });
  });

  it("VFs never created (sriov_numvfs 0): the VFs removed and the PF's VF count, nothing else", async () => {
    const base = unpack(join(repo, 'fixtures/lab/x86-q35-sriov-nvme/capture.tar.gz'));
    const after = copyTree(base);
    expect(disableVfs(after, '0000:81:00.0')).toEqual(['0000:81:00.1', '0000:81:00.2']);
    const d = diffSnapshots(await load(base), await load(after));
    expect(d.removed).toEqual(['0000:81:00.1', '0000:81:00.2']);
    expect(d.added).toEqual([]);
    expect(d.changed).toEqual([{ address: '0000:81:00.0', field: 'sriov', before: { totalVfs: 4, numVfs: 2 }, after: { totalVfs: 4, numVfs: 0 } }]);
    expect(d.machine).toEqual([]);
  });

  it('the same machine as hwloc XML: drivers, links and SR-IOV are not reported (the XML cannot carry them)', async () => {
    const xml = (await loadInput(join(repo, 'fixtures/hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.whole-io.xml'))).topology;
    const d = diffSnapshots(before137, xml);
    const fields = new Set(d.changed.map((c) => c.field));
    for (const f of ['driver', 'link', 'sriov', 'roles']) expect(fields.has(f as never)).toBe(false);
    expect(d.notCompared.map((n) => n.field).sort()).toEqual(['driver', 'link', 'roles', 'sriov']);
  });
});

describe('diff across formats of the same machine', () => {
  it('lspci text of the same sysfs tree: no id, class or NUMA-node CPU differences from what lspci does not print', async () => {
    const sys = (await loadInput(HWLOC_137)).topology;
    const lspci = (await loadInput(join(repo, 'fixtures/lspci-from-sysfs/32em64t-2n8c+dax+nvme+mic+dimms.vvv-nn-D-k.txt'))).topology;
    const d = diffSnapshots(sys, lspci);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.machine).toEqual([]);
    const ids = new Set(['vendorId', 'deviceId', 'subsystemVendorId', 'subsystemDeviceId', 'classCode']);
    expect(d.changed.filter((c) => ids.has(c.field))).toEqual([]);
    expect(d.notCompared.map((n) => n.field).sort()).toEqual(['link', 'localCpus', 'osDevices', 'roles', 'sriov']);
  });
});

describe('machine differences', () => {
  it('memory: a few MiB between boots is no difference, a missing DIMM is; CPUs and node CPU lists', async () => {
    const s = (await loadInput(HWLOC_137)).topology;
    const node0 = s.numaNodes[0]!;
    const withNode0 = (n: Partial<typeof node0>) => ({ ...s, numaNodes: s.numaNodes.map((x) => (x.id === 0 ? { ...x, ...n } : x)) });
    expect(diffSnapshots(s, withNode0({ memoryBytes: node0.memoryBytes! - 3 * 2 ** 20 })).machine).toEqual([]);
    expect(diffSnapshots(s, withNode0({ memoryBytes: node0.memoryBytes! - 8 * 2 ** 30 })).machine).toEqual([
      { field: 'numaNodes[0].memoryBytes', before: node0.memoryBytes, after: node0.memoryBytes! - 8 * 2 ** 30 },
    ]);
    const smtOff = { ...withNode0({ cpus: '0-3' }), machine: { ...s.machine, cpus: s.machine.cpus.filter((c) => c.id !== 4 && c.id !== 5 && c.id !== 6 && c.id !== 7) } };
    expect(diffSnapshots(s, smtOff).machine).toEqual([
      { field: 'cpus', before: 16, after: 12 },
      { field: 'numaNodes[0].cpus', before: '0-7', after: '0-3' },
    ]);
  });
});

describe('NCCL topology XML', () => {
  it('compared with itself, then with a GPU moved to the other socket: numaNode only; what NCCL lacks is listed as not compared', async () => {
    const sys = (await loadInput(HWLOC_137)).topology;
    const nccl = (await loadInput(join(repo, 'fixtures/nccl/aws-p4d-24xl-static.xml'))).topology;
    expect(isIdentical(diffSnapshots(nccl, nccl))).toBe(true);
    const gpu = nccl.pci.devices.find((d) => d.numaNode !== null && d.classCode?.startsWith('0x03'))!;
    const other = nccl.numaNodes.find((n) => n.id !== gpu.numaNode)!.id;
    const moved = { ...nccl, pci: { ...nccl.pci, devices: nccl.pci.devices.map((d) => (d === gpu ? { ...d, numaNode: other } : d)) } };
    expect(diffSnapshots(nccl, moved).changed).toEqual([{ address: gpu.address, field: 'numaNode', before: gpu.numaNode, after: other }]);
    expect(diffSnapshots(sys, nccl).notCompared.map((n) => n.field).sort()).toEqual(['driver', 'link', 'localCpus', 'osDevices', 'parent', 'roles', 'sriov']);
  });
});

describe('moved devices', () => {
  it('a card at a new address with the same ids and MAC is reported as moved', async () => {
    const s = (await loadInput(HWLOC_137)).topology;
    const moved = s.pci.devices.find((d) => d.address === '0000:82:00.0')!;
    const elsewhere: PciDevice = { ...moved, address: '0000:8f:00.0' };
    const d = diffSnapshots(s, { ...s, pci: { ...s.pci, devices: [...s.pci.devices.filter((x) => x !== moved), elsewhere] } });
    expect(d.removed).toEqual(['0000:82:00.0']);
    expect(d.added).toEqual(['0000:8f:00.0']);
    expect(d.moved).toHaveLength(1);
    expect(d.moved[0]).toMatchObject({ from: '0000:82:00.0', to: '0000:8f:00.0' });
  });
  it('two identical cards swapping in and out without a serial are not guessed', async () => {
    const s = (await loadInput(HWLOC_137)).topology;
    const nic = s.pci.devices.filter((d) => d.deviceId === '0x1521').map((d) => ({ ...d, osDevices: [] }));
    expect(nic.length).toBe(2);
    const added = nic.map((d, i) => ({ ...d, address: `0000:0${5 + i}:00.0` }));
    expect(findMoved(nic, added)).toEqual([]);
  });
});
