// Small hand-made snapshots for view tests: a device factory and a replicator that
// multiplies a real fixture's devices under new addresses (bench does the same in JS).
import type { PciDevice, Snapshot } from '../../../electron/topology/model';

export function dev(address: string, over: Partial<PciDevice> = {}): PciDevice {
  return {
    address,
    parent: null,
    hostBridge: `pci${address.slice(0, 4)}:${address.slice(5, 7)}`,
    numaNode: 0,
    localCpus: '0-3',
    localityRule: 'numa_node',
    classCode: '0x020000',
    className: 'Ethernet controller',
    vendorId: '0x8086',
    deviceId: '0x1521',
    vendorName: 'Intel Corporation',
    deviceName: 'I350 Gigabit Network Connection',
    driver: 'igb',
    iommuGroup: 1,
    link: null,
    sriov: null,
    osDevices: [],
    portKind: 'endpoint',
    roles: [],
    roleReasons: [],
    ...over,
  };
}

export function snap(devices: PciDevice[], over: Partial<Snapshot> = {}): Snapshot {
  return {
    format: 'topolens-snapshot',
    version: 1,
    capturedAt: '2026-01-01T00:00:00.000Z',
    source: { kind: 'snapshot', name: 'synthetic' },
    machine: { hostname: 'synth', arch: 'x86_64', kernel: null, cpuModel: 'Test CPU', cpus: [0, 1, 2, 3].map((id) => ({ id, node: id < 2 ? 0 : 1, package: 0, core: id })) },
    numaNodes: [
      { id: 0, cpus: '0-1', memoryBytes: 1 << 30, distances: [10, 20], kind: 'dram' },
      { id: 1, cpus: '2-3', memoryBytes: 1 << 30, distances: [20, 10], kind: 'dram' },
    ],
    pci: { devices },
    cxl: { memdevs: [], regions: [] },
    diagnostics: [],
    ...over,
  };
}

/** A machine with `n` devices: one PCI domain per host bridge, 8 root ports each with a NIC PF (3 VFs) and an NVMe drive. */
export function bigSnapshot(n: number): Snapshot {
  const devices: PciDevice[] = [];
  for (let hb = 0; devices.length < n; hb += 1) {
    const dom = hb.toString(16).padStart(4, '0');
    const hbId = `pci${dom}:00`;
    const numa = hb % 2;
    const base = { hostBridge: hbId, numaNode: numa, localCpus: numa ? '2-3' : '0-1' };
    for (let p = 0; p < 8; p += 1) {
      const rp = `${dom}:00:${(p + 1).toString(16).padStart(2, '0')}.0`;
      const bb = (p + 1).toString(16).padStart(2, '0');
      const pf = `${dom}:${bb}:00.0`;
      const vfs = [2, 3, 4].map((i) => `${dom}:${bb}:00.${i}`);
      devices.push(dev(rp, { ...base, portKind: 'root-port', classCode: '0x060400', className: 'PCI bridge', driver: 'pcieport', roles: ['root-port'] }));
      devices.push(dev(pf, { ...base, parent: rp, osDevices: [{ name: `eth${hb}_${p}`, kind: 'net' }], roles: ['dpdk-capable', 'sriov-pf'], sriov: { totalVfs: 8, numVfs: 3, physfn: null, vfs } }));
      for (const v of vfs) devices.push(dev(v, { ...base, parent: rp, driver: 'vfio-pci', roles: ['dpdk', 'sriov-vf'], sriov: { totalVfs: null, numVfs: null, physfn: pf, vfs: [] } }));
      devices.push(dev(`${dom}:${bb}:00.1`, { ...base, parent: rp, classCode: '0x010802', className: 'Non-Volatile memory controller', driver: 'nvme', osDevices: [{ name: `nvme${hb}_${p}n1`, kind: 'block' }], roles: ['nvme'] }));
    }
  }
  const kept = devices.slice(0, n);
  const have = new Set(kept.map((d) => d.address));
  // Cut at n: drop dangling parent/VF references so the model stays consistent.
  return snap(
    kept.map((d) => ({
      ...d,
      parent: d.parent && have.has(d.parent) ? d.parent : null,
      sriov: d.sriov ? { ...d.sriov, vfs: d.sriov.vfs.filter((v) => have.has(v)), physfn: d.sriov.physfn && have.has(d.sriov.physfn) ? d.sriov.physfn : null } : null,
    })),
  );
}
