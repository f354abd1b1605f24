// Issue 17 acceptance for `advise` and `check` on the QEMU lab machines, whose bindings
// are known (fixtures/lab/*/README.md: the QEMU command line and the guest's setup) and
// whose guest printed its own `lspci -vvv -nn -D -k` (IOMMU groups, drivers). Events the
// lab did not stage (AER errors, hugepage reservations, isolated CPUs, an IOMMU that is
// off) are written into an unpacked copy the way the kernel shows them.
import { appendFileSync, existsSync, mkdirSync, readFileSync as readText, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { advise } from '../../electron/topology/answers/advise';
import { checkTopology } from '../../electron/topology/answers/check';
import { selectDevices } from '../../electron/topology/answers/select';
import { loadInput } from '../../electron/topology/load';
import type { Snapshot } from '../../electron/topology/model';
import { functionDir, moveToNode, rebindDriver, removeTempTrees, setLink, unpack } from '../support/mutate-sysfs';

const lab = join(__dirname, '../../fixtures/lab');
const load = async (p: string): Promise<Snapshot> => (await loadInput(p, { hostFacts: false })).topology;
const pick = (t: Snapshot, sel: string) => selectDevices(t, sel).devices;

afterAll(removeTempTrees);

/** `IOMMU group: N` of every non-bridge function in the guest's lspci -vvv. */
function lspciGroups(text: string): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  let cur: { addr: string; bridge: boolean } | null = null;
  for (const line of text.split('\n')) {
    const h = /^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) (.*)$/.exec(line);
    if (h) cur = { addr: h[1]!, bridge: /\[060[04]\]/.test(h[2]!) };
    const g = /^\s+IOMMU group: (\d+)/.exec(line);
    if (g && cur && !cur.bridge) groups.set(Number(g[1]), [...(groups.get(Number(g[1])) ?? []), cur.addr]);
  }
  return groups;
}

describe('advise on x86-q35-dpdk-spdk (2 nodes; NIC and NVMe on vfio-pci behind the switch on node 0)', async () => {
  const t = await load(join(lab, 'x86-q35-dpdk-spdk/capture.tar.gz'));
  it('the switch devices: node 0, its only non-zero CPU, memory only on node 0, nothing to rebind, no IOMMU warning', () => {
    const a = advise(t, pick(t, '0000:24:00.0,0000:23:00.0'));
    expect(a.numaNode).toBe(0);
    expect(a.cores).toEqual([1]); // -numa node,nodeid=0,cpus=0-1: CPU 0 is avoided
    expect(a.warnings.some((w) => /only 1 of the 2 cores/.test(w))).toBe(true);
    expect(a.dpdk.socketMem).toBe('1024,0');
    expect(a.dpdk.allow).toEqual(['0000:23:00.0', '0000:24:00.0']);
    expect(a.spdk.cpumask).toBe('0x2');
    expect(a.commands.filter((c) => c.includes('dpdk-devbind'))).toEqual([]);
    expect(a.warnings.some((w) => /IOMMU/.test(w))).toBe(false); // intel-iommu: every function has a group
  });
  it('the node-1 NVMe on the kernel driver: node 1 cores 2-3, a vfio-pci bind command, the block device named', () => {
    const a = advise(t, pick(t, '0000:81:00.0'), { cores: 2 });
    expect(a.numaNode).toBe(1);
    expect(a.cores).toEqual([2, 3]); // cpus=2-3
    expect(a.dpdk.lcores).toBe('2-3');
    expect(a.dpdk.socketMem).toBe('0,1024');
    expect(a.spdk.cpumask).toBe('0xc');
    expect(a.commands).toContain('sudo dpdk-devbind.py -b vfio-pci 0000:81:00.0');
    expect(a.warnings.some((w) => w.includes('nvme0n1'))).toBe(true);
  });
  it('devices on both nodes: still an answer, with the cost of the split said', () => {
    const a = advise(t, pick(t, '0000:24:00.0,0000:82:00.0,0000:81:00.0'));
    expect(a.numaNode).toBe(1); // two of the three are on node 1
    expect(a.warnings.some((w) => w.startsWith('0000:24:00.0 is on node 0, not 1') && /socket interconnect/.test(w))).toBe(true);
  });
  it('check --for spdk: the NVMe controllers on the nvme driver, not the one on vfio-pci', () => {
    const r = checkTopology(t, { for: 'spdk' });
    const kd = r.findings.filter((f) => f.check === 'kernel-driver').map((f) => f.device).sort();
    expect(kd).toEqual(['0000:25:00.0', '0000:81:00.0']);
    expect(r.exitCode).toBe(1);
  });
  it('check --for dpdk: the NICs on kernel drivers (e1000e, virtio-pci), not those on vfio-pci / uio_pci_generic', () => {
    const kd = checkTopology(t, { for: 'dpdk' }).findings.filter((f) => f.check === 'kernel-driver').map((f) => f.device).sort();
    expect(kd).toEqual(['0000:01:00.0', '0000:82:00.0']);
  });
  it('shared IOMMU groups are exactly those the guest lspci prints with more than one non-bridge function', () => {
    const want = [...lspciGroups(readFileSync(join(lab, 'x86-q35-dpdk-spdk/lspci-vvv-nn-D-k.txt'), 'utf8')).values()].filter((g) => g.length > 1).map((g) => g.sort());
    const got = checkTopology(t).findings.filter((f) => f.check === 'iommu-group').map((f) => [...f.devices].sort());
    expect(want.length).toBeGreaterThan(0);
    expect(got).toEqual(want);
  });
  it('numa_node -1: the functions of pci0000:00 (no _PXM in QEMU\'s q35 host bridge), one finding', () => {
    const f = checkTopology(t).findings.filter((x) => x.check === 'numa-unknown');
    expect(f).toHaveLength(1);
    expect(f[0]!.devices).toContain('0000:01:00.0');
    expect(f[0]!.devices.every((a) => t.pci.devices.find((d) => d.address === a)!.hostBridge === 'pci0000:00')).toBe(true);
  });
});

describe('check on x86-q35-sriov-nvme (2 VFs enabled, left unbound by the setup)', async () => {
  const t = await load(join(lab, 'x86-q35-sriov-nvme/capture.tar.gz'));
  it('one SR-IOV finding naming both VFs, which the guest lspci shows without a driver', () => {
    const text = readFileSync(join(lab, 'x86-q35-sriov-nvme/lspci-vvv-nn-D-k.txt'), 'utf8');
    const block = (a: string) => text.split(/\n(?=[0-9a-f]{4}:)/).find((b) => b.startsWith(a))!;
    expect(block('0000:81:00.1')).not.toMatch(/Kernel driver in use/);
    expect(block('0000:81:00.2')).not.toMatch(/Kernel driver in use/);
    const f = checkTopology(t).findings.filter((x) => x.check === 'sriov');
    expect(f).toHaveLength(1);
    expect(f[0]!.device).toBe('0000:81:00.0');
    expect(f[0]!.devices).toEqual(['0000:81:00.0', '0000:81:00.1', '0000:81:00.2']);
  });
});

describe('events written into a copy of x86-q35-2numa-switch the way the kernel shows them', async () => {
  const root = unpack(join(lab, 'x86-q35-2numa-switch/capture.tar.gz'), 'topolens-h5-');
  // AER: the sample of Documentation/ABI/testing/sysfs-bus-pci-devices-aer_stats.
  const nic = functionDir(root, '0000:24:00.0');
  writeFileSync(join(nic, 'aer_dev_correctable'), 'Receiver Error 2\nBad TLP 0\nBad DLLP 0\nRELAY_NUM Rollover 0\nReplay Timer Timeout 0\nAdvisory Non-Fatal 0\nCorrected Internal Error 0\nHeader Log Overflow 0\nTOTAL_ERR_COR 2\n');
  writeFileSync(join(nic, 'aer_dev_nonfatal'), 'Undefined 0\nDLP 0\nTOTAL_ERR_NONFATAL 0\n');
  writeFileSync(join(nic, 'aer_dev_fatal'), 'Undefined 0\nDLP 0\nTOTAL_ERR_FATAL 0\n');
  // Hugepages: none on node 0, 512 (300 free) on node 1; CPU 3 isolated; an empty iommu_groups.
  for (const [node, nr, free] of [[0, 0, 0], [1, 512, 300]] as const) {
    const d = join(root, `sys/devices/system/node/node${node}/hugepages/hugepages-2048kB`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'nr_hugepages'), `${nr}\n`);
    writeFileSync(join(d, 'free_hugepages'), `${free}\n`);
  }
  writeFileSync(join(root, 'sys/devices/system/cpu/isolated'), '3\n');
  mkdirSync(join(root, 'sys/kernel/iommu_groups'), { recursive: true });
  // The node-1 NVMe retrains at x1 2.5 GT/s although it and its root port can do x4 8 GT/s.
  setLink(root, '0000:80:00.0', { speed: 3, width: 4, maxSpeed: 3, maxWidth: 4 });
  setLink(root, '0000:81:00.0', { speed: 1, width: 1, maxSpeed: 3, maxWidth: 4 });
  const t = await load(root);

  it('the reader keeps what was written: AER totals, pools per node, isolated CPUs, no IOMMU', () => {
    const d = t.pci.devices.find((x) => x.address === '0000:24:00.0')!;
    expect(d.aer).toEqual({ correctable: 2, nonfatal: 0, fatal: 0, nonZero: { aer_dev_correctable: { 'Receiver Error': 2, TOTAL_ERR_COR: 2 } } });
    expect(t.numaNodes.map((n) => n.hugepages)).toEqual([[{ sizeKb: 2048, total: 0, free: 0 }], [{ sizeKb: 2048, total: 512, free: 300 }]]);
    expect(t.machine.isolatedCpus).toBe('3');
    expect(t.machine.iommu).toEqual({ groups: 0 });
  });
  it('check: the AER counter with its file and value', () => {
    const f = checkTopology(t).findings.find((x) => x.check === 'aer')!;
    expect(f.device).toBe('0000:24:00.0');
    expect(f.evidence).toEqual([{ file: '/sys/bus/pci/devices/0000:24:00.0/aer_dev_correctable', value: 'Receiver Error 2 (total 2)' }]);
  });
  it('check: the retrained link, with the values written as evidence', () => {
    const f = checkTopology(t).findings.filter((x) => x.check === 'link');
    expect(f.map((x) => x.device)).toEqual(['0000:81:00.0']);
    expect(f[0]!.evidence.map((e) => e.value)).toEqual(['2.5 GT/s', '1', '8 GT/s', '4']);
  });
  it('check --for dpdk: no hugepages on node 0 where the NICs are; node 1 has some', () => {
    const f = checkTopology(t, { for: 'dpdk' }).findings.filter((x) => x.check === 'hugepages');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/node 0/);
    expect(f[0]!.devices).toContain('0000:24:00.0');
  });
  it('advise on node 1: the isolated CPU first, current counts, a top-up that counts what is in use, the IOMMU warning', () => {
    const a = advise(t, pick(t, '0000:81:00.0'), { cores: 1, memMb: 1024 });
    expect(a.numaNode).toBe(1);
    expect(a.cores).toEqual([3]);
    expect(a.hugepages).toEqual({ sizeKb: 2048, sizeAssumed: false, nodes: [{ node: 1, pages: 512, current: 512, free: 300 }] });
    // 212 of the 512 pages are in use: 512 + 212 keeps 512 free for this process.
    expect(a.commands).toContain('echo 724 | sudo tee /sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages');
    expect(a.warnings.some((w) => /vfio-pci needs an IOMMU and none is on/.test(w))).toBe(true);
  });
  it('advise for a device of unknown locality: memory on every node, the cost said', () => {
    const a = advise(t, pick(t, '0000:01:00.0'));
    expect(a.numaNode).toBeNull();
    expect(a.dpdk.socketMem).toBe('1024,1024');
    expect(a.warnings.some((w) => /NUMA node unknown/.test(w))).toBe(true);
    expect(a.cores).not.toContain(0);
  });
});

describe('x86-q35-cxl: the NVMe reported on node 2, the CXL memory node without CPUs', async () => {
  const root = unpack(join(lab, 'x86-q35-cxl/capture.tar.gz'), 'topolens-h5-');
  moveToNode(root, '0000:01:00.0', 2);
  const t = await load(root);
  it('the capture\'s node 2 has no CPUs and is nearer to nodes 0 and 1 at equal distance', () => {
    const n2 = t.numaNodes.find((n) => n.id === 2)!;
    expect(n2.cpus).toBe('');
    expect(n2.kind).toBe('cxl');
    expect(n2.distances).toEqual([20, 20, 10]);
  });
  it('check: the NVMe is on a CPU-less node, with both files as evidence', () => {
    const f = checkTopology(t).findings.filter((x) => x.check === 'cpuless-node');
    // The other endpoints of its root complex (numa_node -1) are on node 2 by the
    // root-complex rule, and their evidence says so rather than quoting a 2 they lack.
    const others = f.filter((x) => x.device !== '0000:01:00.0');
    expect(others.length).toBeGreaterThan(0);
    for (const o of others) {
      expect(t.pci.devices.find((d) => d.address === o.device)).toMatchObject({ localityRule: 'root-complex', hostBridge: 'pci0000:00' });
      expect(o.evidence[0]!.value).toMatch(/^-1 \(node taken from the other functions of its root complex\)$/);
    }
    expect(f.find((x) => x.device === '0000:01:00.0')!.evidence).toEqual([
      { file: '/sys/bus/pci/devices/0000:01:00.0/numa_node', value: '2' },
      { file: '/sys/devices/system/node/node2/cpulist', value: '(empty)' },
    ]);
  });
  it('advise: memory on node 2, cores from the nearest node with CPUs (distance 20: node 0 first)', () => {
    const a = advise(t, pick(t, '0000:01:00.0'));
    expect(a.numaNode).toBe(2);
    expect(a.dpdk.socketMem).toBe('0,0,1024');
    expect(a.cores).toEqual([1]);
    expect(a.warnings.some((w) => /node 2 has no CPUs \(cxl\); cores are taken from the nearest node with CPUs, node 0/.test(w))).toBe(true);
  });
});

describe('x86-q35-sriov-nvme with its two VFs bound to different drivers', async () => {
  const root = unpack(join(lab, 'x86-q35-sriov-nvme/capture.tar.gz'), 'topolens-h5-');
  // Bound as the kernel shows it: the driver link, and DRIVER= in uevent where the capture has one.
  for (const [vf, drv] of [['0000:81:00.1', 'vfio-pci'], ['0000:81:00.2', 'nvme']] as const) {
    rebindDriver(root, vf, drv);
    const ue = join(functionDir(root, vf), 'uevent');
    if (existsSync(ue) && !/^DRIVER=/m.test(readText(ue, 'utf8'))) appendFileSync(ue, `DRIVER=${drv}\n`);
  }
  const t = await load(root);
  it('one SR-IOV finding: a mix of drivers, none unbound', () => {
    const f = checkTopology(t).findings.filter((x) => x.check === 'sriov');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toBe('its VFs are bound to a mix of drivers: vfio-pci ×1, nvme ×1');
    expect(f[0]!.evidence).toEqual([
      { file: '/sys/bus/pci/devices/0000:81:00.1/driver', value: 'vfio-pci' },
      { file: '/sys/bus/pci/devices/0000:81:00.2/driver', value: 'nvme' },
    ]);
  });
});
