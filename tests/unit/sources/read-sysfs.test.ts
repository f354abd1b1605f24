// The sysfs reader on trees a kernel would write, and on trees with nonsense in
// them: malformed values become diagnostics naming the file and the device.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInput, snapshotFromRoot } from '../../../electron/topology/load';
import { openArchiveFile } from '../../../electron/topology/sources/archive';
import { DiskRoot } from '../../../electron/topology/sources/sysfs-root';
import { splitDevicePath } from '../../../electron/topology/sources/read-sysfs';

const fixtures = join(__dirname, '../../../fixtures/hwloc/linux');

/** Write a small tree the way the kernel lays it out (device dirs + bus/class links). */
function makeTree(root: string, files: Record<string, string>, links: Record<string, string>) {
  for (const [p, v] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), v);
  }
  for (const [p, t] of Object.entries(links)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    symlinkSync(t, join(root, p));
  }
}

const RP = 'sys/devices/pci0000:3a/0000:3a:00.0';
const NIC = `${RP}/0000:3b:00.0`;

function kernelLikeTree(overrides: Record<string, string> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'topolens-sysfs-'));
  makeTree(
    root,
    {
      [`${RP}/vendor`]: '0x8086\n', [`${RP}/device`]: '0x2030\n', [`${RP}/class`]: '0x060400\n', [`${RP}/numa_node`]: '1\n',
      [`${RP}/local_cpulist`]: '8-15\n', [`${RP}/max_link_speed`]: '8.0 GT/s PCIe\n', [`${RP}/max_link_width`]: '16\n',
      [`${RP}/current_link_speed`]: '8.0 GT/s PCIe\n', [`${RP}/current_link_width`]: '8\n',
      [`${NIC}/vendor`]: '0x15b3\n', [`${NIC}/device`]: '0x1017\n', [`${NIC}/class`]: '0x020000\n', [`${NIC}/numa_node`]: '-1\n',
      [`${NIC}/local_cpulist`]: '8-15\n', [`${NIC}/max_link_speed`]: '8.0 GT/s PCIe\n', [`${NIC}/max_link_width`]: '16\n',
      [`${NIC}/current_link_speed`]: '8.0 GT/s PCIe\n', [`${NIC}/current_link_width`]: '8\n', [`${NIC}/sriov_totalvfs`]: '8\n',
      [`${NIC}/sriov_numvfs`]: '0\n', [`${NIC}/net/ens1f0/address`]: '0c:42:a1:00:00:01\n', [`${NIC}/infiniband/mlx5_0/ports/1/state`]: '4: ACTIVE\n',
      [`${NIC}/infiniband/mlx5_0/ports/1/link_layer`]: 'Ethernet\n',
      'sys/devices/system/node/node0/cpulist': '0-7\n', 'sys/devices/system/node/node1/cpulist': '8-15\n',
      'sys/devices/system/node/node0/distance': '10 21\n', 'sys/devices/system/node/node1/distance': '21 10\n',
      'sys/devices/system/node/node0/meminfo': 'Node 0 MemTotal:       1024 kB\n', 'sys/devices/system/node/node1/meminfo': 'Node 1 MemTotal:       2048 kB\n',
      'sys/bus/pci/drivers/mlx5_core/bind': '', 'sys/bus/pci/drivers/pcieport/bind': '', 'sys/kernel/iommu_groups/12/type': 'DMA\n',
      ...overrides,
    },
    {
      'sys/bus/pci/devices/0000:3a:00.0': '../../../devices/pci0000:3a/0000:3a:00.0',
      'sys/bus/pci/devices/0000:3b:00.0': '../../../devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0',
      [`${NIC}/driver`]: '../../../../bus/pci/drivers/mlx5_core',
      [`${RP}/driver`]: '../../../bus/pci/drivers/pcieport',
      [`${NIC}/iommu_group`]: '../../../../kernel/iommu_groups/12',
      'sys/class/net/ens1f0': '../../devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/net/ens1f0',
      'sys/class/infiniband/mlx5_0': '../../devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/infiniband/mlx5_0',
    },
  );
  return root;
}

describe('sysfs reader', () => {
  it('splits device paths into root complex and PCI chain, VMD domains included', () => {
    expect(splitDevicePath('sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0')).toEqual({ hostBridge: 'pci0000:3a', chain: ['0000:3a:00.0', '0000:3b:00.0'], behind: null });
    expect(splitDevicePath('sys/devices/pci0000:00/0000:00:0e.0/pci10000:00/10000:00:02.0/10000:01:00.0')).toEqual({
      hostBridge: 'pci10000:00', chain: ['10000:00:02.0', '10000:01:00.0'], behind: '0000:00:0e.0',
    });
    expect(splitDevicePath('sys/devices/platform/4010000000.pcie/pci0000:00/0000:00:01.0').hostBridge).toBe('pci0000:00');
  });
  it('reads a kernel-shaped tree: parent, driver, IOMMU group, OS devices, roles, locality', () => {
    const t = snapshotFromRoot(new DiskRoot(kernelLikeTree()), 'sysfs-dir', 't').topology;
    const nic = t.pci.devices.find((d) => d.address === '0000:3b:00.0')!;
    expect(nic.parent).toBe('0000:3a:00.0');
    expect(nic.hostBridge).toBe('pci0000:3a');
    expect(nic.driver).toBe('mlx5_core');
    expect(nic.iommuGroup).toBe(12);
    expect(nic.vendorName).toBe('Mellanox Technologies');
    expect(nic.numaNode).toBe(1);
    expect(nic.localityRule).toBe('local_cpulist');
    expect(nic.osDevices.map((o) => `${o.kind}:${o.name}`)).toEqual(['net:ens1f0', 'rdma:mlx5_0']);
    expect(nic.osDevices[1]!.attrs).toMatchObject({ 'port1.state': 'ACTIVE', 'port1.linkLayer': 'Ethernet' });
    expect(nic.roles).toEqual(expect.arrayContaining(['rdma', 'dpdk-capable', 'sriov-pf']));
    expect(nic.roleReasons.find((r) => r.role === 'dpdk-capable')!.reason).toMatch(/bifurcated/);
    // x8 of a x16 device behind an x16 port: downgraded.
    expect(nic.link).toMatchObject({ width: 8, maxWidth: 16, downgraded: true });
    const rp = t.pci.devices.find((d) => d.address === '0000:3a:00.0')!;
    expect(rp.portKind).toBe('root-port');
    expect(rp.roles).toContain('root-port');
    expect(t.numaNodes.map((n) => [n.id, n.cpus, n.memoryBytes, n.distances])).toEqual([
      [0, '0-7', 1024 * 1024, [10, 21]],
      [1, '8-15', 2048 * 1024, [21, 10]],
    ]);
  });
  it('turns nonsense into diagnostics naming the file and device, and never throws', () => {
    const root = kernelLikeTree({
      [`${NIC}/vendor`]: 'banana\n',
      [`${NIC}/numa_node`]: '99999999\n',
      [`${NIC}/local_cpulist`]: 'zz\n',
      [`${NIC}/current_link_speed`]: 'warp 9\n',
      [`${NIC}/class`]: '\u0000\u0001',
      'sys/devices/system/node/node1/distance': 'far away\n',
      'sys/devices/system/node/node1/cpulist': '7-3\n',
    });
    const { topology, diagnostics } = snapshotFromRoot(new DiskRoot(root), 'sysfs-dir', 't');
    const msgs = diagnostics.map((d) => `${d.path} [${d.address ?? ''}] ${d.message}`);
    const has = (re: RegExp) => expect(msgs.some((m) => re.test(m)), `${re}\n${msgs.join('\n')}`).toBe(true);
    has(/0000:3b:00.0\/vendor \[0000:3b:00.0\] unrecognised value "banana"/);
    has(/numa_node \[0000:3b:00.0\] impossible NUMA node 99999999/);
    has(/local_cpulist \[0000:3b:00.0\] unrecognised CPU list "zz"/);
    has(/current_link_speed \[0000:3b:00.0\] unrecognised value "warp 9"/);
    has(/node1\/distance .*unrecognised distances/);
    has(/node1\/cpulist .*unrecognised CPU list/);
    const nic = topology.pci.devices.find((d) => d.address === '0000:3b:00.0')!;
    expect(nic.numaNode).toBe(1); // from the parent root port
    expect(nic.localityRule).toBe('parent');
  });
  it('ignores links that leave the root', () => {
    const root = kernelLikeTree();
    symlinkSync('../../../../../../../../../etc', join(root, 'sys/bus/pci/devices/0000:00:00.0'));
    const { diagnostics, topology } = snapshotFromRoot(new DiskRoot(root), 'sysfs-dir', 't');
    expect(topology.pci.devices.map((d) => d.address)).not.toContain('0000:00:00.0');
    expect(diagnostics.some((d) => /outside the capture/.test(d.message))).toBe(true);
  });
  it('an empty folder is not a capture; nor is a folder whose sys/ holds no PCI function, CPU or NUMA node', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'topolens-empty-'));
    await expect(loadInput(empty)).rejects.toThrow(/not a sysfs capture/);
    mkdirSync(join(empty, 'sys'));
    await expect(loadInput(empty)).rejects.toThrow(/sysfs folder with no PCI functions, CPUs or NUMA nodes/);
    // One CPU is enough to be a (small) topology.
    mkdirSync(join(empty, 'sys/devices/system/cpu/cpu0'), { recursive: true });
    const r = await loadInput(empty);
    expect(r.topology.machine.cpus.map((c) => c.id)).toEqual([0]);
  });
  it('one reader, many roots: an unpacked folder and the in-memory archive read the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-unpack-'));
    const file = join(fixtures, '32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2');
    execFileSync('tar', ['-xjf', file, '-C', dir]);
    const now = new Date(0);
    const fromDisk = snapshotFromRoot(new DiskRoot(join(dir, '32em64t-2n8c+1mic')), 'sysfs-dir', 'x', now).topology;
    const fromMem = snapshotFromRoot(openArchiveFile(file).root, 'sysfs-dir', 'x', now).topology;
    expect(fromMem).toEqual(fromDisk);
    expect(fromDisk.pci.devices.length).toBe(137);
  });
  it('reads all of a big /proc/cpuinfo (a 192-CPU x86 box writes ~300 KiB)', () => {
    const flags = 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx lm '.repeat(12);
    const block = (i: number) => `processor\t: ${i}\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8480+\nphysical id\t: ${i >> 6}\ncore id\t\t: ${i % 64}\nflags\t\t: ${flags}\n\n`;
    const text = Array.from({ length: 192 }, (_, i) => block(i)).join('');
    expect(text.length).toBeGreaterThan(256 * 1024);
    const root = kernelLikeTree({ 'proc/cpuinfo': text });
    const t = snapshotFromRoot(new DiskRoot(root), 'sysfs-dir', 't').topology;
    expect(t.machine.cpus).toHaveLength(192);
    expect(t.machine.cpus[191]).toMatchObject({ id: 191, package: 2, core: 63 });
    expect(t.machine.arch).toBe('x86_64');
  });
});
