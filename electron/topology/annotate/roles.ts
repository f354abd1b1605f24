// Roles of a PCI function (dpdk, spdk, rdma, gpu, ...), each with the reason that
// earned it, derived only from class, driver, OS devices, SR-IOV and port kind.
// Nothing is typed in by hand per device.
import type { PciDevice, RoleReason } from '../model';

/** Drivers that hand a device to userspace (DPDK/SPDK/VFIO). */
export const USERSPACE_DRIVERS: ReadonlySet<string> = new Set(['vfio-pci', 'uio_pci_generic', 'igb_uio']);

/**
 * Kernel drivers of NICs that DPDK has a poll-mode driver for (doc.dpdk.org "Network
 * Interface Controller Drivers"). mlx4/mlx5 are bifurcated: the PMD runs beside the
 * kernel driver, no rebinding.
 */
export const DPDK_NIC_DRIVERS: Readonly<Record<string, string>> = {
  mlx5_core: 'mlx5 (bifurcated: DPDK runs beside the kernel driver, no rebind)',
  mlx4_core: 'mlx4 (bifurcated: DPDK runs beside the kernel driver, no rebind)',
  i40e: 'i40e', iavf: 'iavf', ice: 'ice', ixgbe: 'ixgbe', ixgbevf: 'ixgbevf', igb: 'e1000 (igb)', igbvf: 'e1000 (igbvf)',
  igc: 'igc', e1000e: 'e1000 (em)', e1000: 'e1000 (em)', idpf: 'idpf', cpfl: 'cpfl', fm10k: 'fm10k',
  bnxt_en: 'bnxt', bnx2x: 'bnx2x', qede: 'qede', ena: 'ena', gve: 'gve', mana: 'mana', virtio_net: 'virtio',
  'virtio-pci': 'virtio', vmxnet3: 'vmxnet3', nfp: 'nfp', hinic: 'hinic', hns3: 'hns3', cxgb4: 'cxgbe',
  enic: 'enic', sfc: 'sfc', ionic: 'ionic', thunder_nic: 'thunderx', octeontx2_nicpf: 'cnxk', rvu_nicpf: 'cnxk',
  rvu_nicvf: 'cnxk', txgbe: 'txgbe', ngbe: 'ngbe', atlantic: 'atlantic', liquidio: 'liquidio', axgbe: 'axgbe',
  be2net: 'no (not supported)',
};

const NVME_CLASS = '0x010802';

function isNetworkClass(classCode: string): boolean {
  return classCode.startsWith('0x02');
}

/** VF address → PF address, from every PF's virtfn list (built once per topology). */
export function vfParents(all: readonly PciDevice[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of all) for (const vf of p.sriov?.vfs ?? []) m.set(vf, p.address);
  return m;
}

export function deriveRoles(d: PciDevice, vfParent: ReadonlyMap<string, string>): RoleReason[] {
  const out: RoleReason[] = [];
  const add = (role: string, reason: string) => out.push({ role, reason });
  const cls = d.classCode.toLowerCase();
  const drv = d.driver;
  const userspace = drv !== null && USERSPACE_DRIVERS.has(drv);
  const isNvme = cls === NVME_CLASS;

  if (userspace && isNvme) add('spdk', `NVMe controller bound to ${drv} (userspace driver, e.g. SPDK)`);
  else if (userspace) {
    const what = isNetworkClass(cls) ? 'network controller' : d.className ?? `class ${cls}`;
    add('dpdk', `${what} bound to ${drv} (userspace driver, e.g. DPDK)`);
  } else if (drv === null && d.driverOverride && USERSPACE_DRIVERS.has(d.driverOverride)) {
    add(isNvme ? 'spdk' : 'dpdk', `driver_override is ${d.driverOverride} (not bound yet)`);
  }
  if (isNvme && !userspace) add('nvme', drv ? `NVMe controller on kernel driver ${drv}` : 'NVMe controller (no driver bound)');

  if (cls.startsWith('0x0200') && drv && !userspace) {
    const pmd = DPDK_NIC_DRIVERS[drv];
    if (pmd && !pmd.startsWith('no')) {
      const bifurcated = drv === 'mlx5_core' || drv === 'mlx4_core';
      add('dpdk-capable', bifurcated ? `Ethernet controller on ${drv}: DPDK PMD ${pmd}` : `Ethernet controller on ${drv}: DPDK has the ${pmd} PMD (bind to vfio-pci to use it)`);
    }
  }
  const rdma = d.osDevices.filter((o) => o.kind === 'rdma');
  if (rdma.length) {
    const desc = rdma.map((r) => (r.via ? `${r.name} (software, on ${r.via})` : r.name)).join(', ');
    add('rdma', `RDMA device${rdma.length > 1 ? 's' : ''} ${desc} in /sys/class/infiniband`);
  }
  if (cls.startsWith('0x0502')) add('cxl', 'class 0x0502: CXL memory device');
  else if (d.osDevices.some((o) => o.kind === 'cxl')) add('cxl', 'has a CXL memdev');
  else if (d.capabilities?.includes('cxl') && d.portKind === 'endpoint') add('cxl', 'CXL DVSEC (vendor 1e98) in config space');
  if (cls.startsWith('0x03')) add('gpu', `display controller (class ${cls}${d.className ? `, ${d.className}` : ''})`);
  else if (cls.startsWith('0x1200') && d.osDevices.some((o) => o.kind === 'gpu')) add('gpu', 'processing accelerator with a DRM device');
  if (d.portKind === 'root-port') add('root-port', 'PCIe root port (bridge on a root bus)');
  if (d.portKind === 'switch-upstream' || d.portKind === 'switch-downstream') {
    add('switch', `PCIe switch ${d.portKind === 'switch-upstream' ? 'upstream' : 'downstream'} port`);
  }
  if (d.sriov) {
    if (d.sriov.physfn) add('sriov-vf', `virtual function of ${d.sriov.physfn}`);
    else if ((d.sriov.totalVfs ?? 0) > 0) {
      const n = d.sriov.numVfs ?? d.sriov.vfs.length;
      add('sriov-pf', `SR-IOV physical function: ${n} of ${d.sriov.totalVfs} VFs enabled`);
    }
  } else {
    // lspci/hwloc imports may only know the relation from the VF's side.
    const pf = vfParent.get(d.address);
    if (pf) add('sriov-vf', `virtual function of ${pf}`);
  }
  return out;
}
