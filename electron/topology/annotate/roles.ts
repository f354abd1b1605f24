// Roles of a PCI function (dpdk, spdk, rdma, gpu, accelerator, ...), each with the reason
// that earned it, derived only from class, vendor, driver, the kernel modules the input
// lists, OS devices, SR-IOV and port kind. Nothing is typed in by hand per device, and a
// reason says what the input could not record (hwloc XML and NCCL files record no driver)
// rather than implying the device has none.
import { USERSPACE_DRIVERS } from '../drivers';
import type { PciDevice, RoleReason } from '../model';

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

/**
 * RDMA support of Ethernet drivers. Core drivers that are RDMA devices themselves
 * (mlx4/mlx5: the *_ib part loads with them) need nothing more; the others are RDMA-capable
 * when their RDMA driver (an auxiliary module, Linux drivers/infiniband/hw) is in the input.
 */
/**
 * `byPciId`: the RDMA module has its own PCI id table (MODULE_DEVICE_TABLE(pci, ...)), so
 * `lspci -k` lists it under exactly the functions it can drive: hns_roce_hw_v2 matches the
 * HNS3 RDMA ids (a222, a226, a228...), not the plain Ethernet ones (a221). Auxiliary
 * RDMA drivers (irdma, bnxt_re, mana_ib) have no PCI ids and never appear there.
 */
const RDMA_BY_DRIVER: Readonly<Record<string, { readonly module: string | null; readonly what: string; readonly byPciId?: boolean }>> = {
  mlx5_core: { module: null, what: 'ConnectX (mlx5_ib sits on mlx5_core)' },
  mlx4_core: { module: null, what: 'ConnectX-3 (mlx4_ib sits on mlx4_core)' },
  ice: { module: 'irdma', what: 'Intel E800 iWARP/RoCE (irdma)' },
  i40e: { module: 'irdma', what: 'Intel X722 iWARP (irdma)' },
  bnxt_en: { module: 'bnxt_re', what: 'Broadcom NetXtreme-E RoCE (bnxt_re)' },
  qede: { module: 'qedr', what: 'QLogic FastLinQ RoCE/iWARP (qedr)' },
  hns3: { module: 'hns_roce_hw_v2', what: 'HiSilicon RoCE (hns_roce_hw_v2)', byPciId: true },
  cxgb4: { module: 'iw_cxgb4', what: 'Chelsio iWARP (iw_cxgb4)' },
  mana: { module: 'mana_ib', what: 'Microsoft MANA (mana_ib)' },
  ionic: { module: 'ionic_rdma', what: 'AMD Pensando RoCE (ionic_rdma)' },
};

/** Drivers of InfiniBand/RDMA adapters that are RDMA devices themselves. */
const RDMA_HCA_DRIVERS: ReadonlySet<string> = new Set(['ib_qib', 'hfi1', 'efa', 'erdma', 'ib_mthca', 'qib']);

/** Compute-GPU drivers and vendors (a class 0x03 function they drive or make is a GPU). */
const GPU_DRIVERS: ReadonlySet<string> = new Set(['nvidia', 'nouveau', 'amdgpu', 'radeon', 'i915', 'xe', 'nvgrace_gpu_vfio_pci']);
const GPU_VENDORS: Readonly<Record<string, string>> = { '0x10de': 'NVIDIA', '0x1002': 'AMD/ATI', '0x8086': 'Intel' };
/** Display-only chips: BMC graphics (ASPEED, Matrox G200, Huawei Hi171x) and virtual VGA. */
const DISPLAY_DRIVERS: ReadonlySet<string> = new Set(['ast', 'mgag200', 'hibmc-drm', 'hibmc_drm', 'cirrus', 'cirrus-qemu', 'bochs-drm', 'bochs', 'qxl', 'vmwgfx', 'virtio-pci', 'vboxvideo', 'matroxfb_base']);
const DISPLAY_VENDORS: Readonly<Record<string, string>> = {
  '0x1a03': 'ASPEED (BMC graphics)', '0x102b': 'Matrox (BMC graphics)', '0x19e5': 'Huawei (BMC graphics)',
  '0x1234': 'QEMU/Bochs virtual VGA', '0x1b36': 'QEMU QXL virtual VGA', '0x15ad': 'VMware virtual SVGA', '0x80ee': 'VirtualBox virtual VGA', '0x1013': 'Cirrus Logic (emulated VGA)',
};

const NVME_SUBCLASS = '0x0108';

/** What roles need to know about the whole input, not one function. */
export interface RoleContext {
  /** VF address → PF address, from every PF's virtfn list. */
  readonly vfParent: ReadonlyMap<string, string>;
  /** Kernel modules listed anywhere in the input (`lspci -k` "Kernel modules", drivers). */
  readonly modulesSeen: ReadonlySet<string>;
  /** Null when the input records drivers; otherwise why it does not ("hwloc XML records no driver"). */
  readonly noDrivers: string | null;
}

/** VF address → PF address, from every PF's virtfn list (built once per topology). */
export function vfParents(all: readonly PciDevice[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of all) for (const vf of p.sriov?.vfs ?? []) m.set(vf, p.address);
  return m;
}

/** Whether an input of this kind records each function's driver, in words when it does not. */
function driversRecordedBy(kind: string | undefined, all: readonly PciDevice[]): string | null {
  if (kind === 'hwloc-xml') return 'hwloc XML records no driver';
  if (kind === 'nccl-xml') return 'NCCL topology XML records no driver';
  if (kind === 'lspci' && !all.some((d) => d.driver !== null || (d.kernelModules?.length ?? 0) > 0)) {
    return 'lspci was run without -k: no drivers in the input';
  }
  return null;
}

/** The context for `deriveRoles`, built once per topology. */
export function roleContext(all: readonly PciDevice[], source?: { readonly kind: string }): RoleContext {
  const modulesSeen = new Set<string>();
  for (const d of all) {
    if (d.driver) modulesSeen.add(d.driver);
    for (const m of d.kernelModules ?? []) modulesSeen.add(m);
  }
  return { vfParent: vfParents(all), modulesSeen, noDrivers: driversRecordedBy(source?.kind, all) };
}

const asContext = (c: RoleContext | ReadonlyMap<string, string>): RoleContext =>
  c instanceof Map ? { vfParent: c, modulesSeen: new Set(), noDrivers: null } : (c as RoleContext);

/** The class code as "0x" + hex ("" when the input gave none): 6 digits, or 4 without prog-if. */
const classOf = (d: PciDevice): string => (d.classCode ?? '').toLowerCase();

/** Driver in use, else the modules the input says can drive it. */
const driversOf = (d: PciDevice): string[] => [...(d.driver ? [d.driver] : []), ...(d.kernelModules ?? [])];

export function deriveRoles(d: PciDevice, context: RoleContext | ReadonlyMap<string, string>): RoleReason[] {
  const ctx = asContext(context);
  const out: RoleReason[] = [];
  const add = (role: string, reason: string): void => void out.push({ role, reason });
  userspaceRoles(d, add);
  nvmeRole(d, ctx, add);
  networkRoles(d, ctx, add);
  cxlRole(d, add);
  gpuRoles(d, ctx, add);
  portRoles(d, add);
  sriovRoles(d, ctx, add);
  return out;
}

type Add = (role: string, reason: string) => void;

function userspaceRoles(d: PciDevice, add: Add): void {
  const cls = classOf(d);
  const drv = d.driver;
  const isNvme = cls.startsWith(NVME_SUBCLASS);
  if (drv !== null && USERSPACE_DRIVERS.has(drv)) {
    if (isNvme) add('spdk', `NVMe controller bound to ${drv} (userspace driver, e.g. SPDK)`);
    else {
      const what = cls.startsWith('0x02') ? 'network controller' : d.className ?? `class ${cls || 'unknown'}`;
      add('dpdk', `${what} bound to ${drv} (userspace driver, e.g. DPDK)`);
    }
  } else if (drv === null && d.driverOverride && USERSPACE_DRIVERS.has(d.driverOverride)) {
    add(isNvme ? 'spdk' : 'dpdk', `driver_override is ${d.driverOverride} (not bound yet)`);
  }
}

/**
 * NVMe: class 0x0108 with prog-if 02 (NVM Express); the subclass alone when the input
 * printed no prog-if, or the nvme driver/module when the class is unknown.
 */
function nvmeRole(d: PciDevice, ctx: RoleContext, add: Add): void {
  const cls = classOf(d);
  const drv = d.driver;
  if (drv !== null && USERSPACE_DRIVERS.has(drv)) return;
  const byClass = cls === '0x010802' || cls === NVME_SUBCLASS;
  const byModule = !byClass && cls === '' && driversOf(d).includes('nvme');
  if (!byClass && !byModule) return;
  const what = byModule
    ? 'NVMe controller (the nvme driver claims it; the input gives no class code)'
    : cls === NVME_SUBCLASS ? 'Non-Volatile memory controller (prog-if not in the input)' : 'NVMe controller';
  if (drv) add('nvme', `${what} on kernel driver ${drv}`);
  else if (ctx.noDrivers) add('nvme', `${what} (${ctx.noDrivers})`);
  else add('nvme', `${what} (no driver bound${d.kernelModules?.includes('nvme') ? '; module nvme can drive it' : ''})`);
}

function networkRoles(d: PciDevice, ctx: RoleContext, add: Add): void {
  const cls = classOf(d);
  const drv = d.driver;
  if (cls.startsWith('0x0200') && drv && !USERSPACE_DRIVERS.has(drv)) {
    const pmd = DPDK_NIC_DRIVERS[drv];
    if (pmd && !pmd.startsWith('no')) {
      const bifurcated = drv === 'mlx5_core' || drv === 'mlx4_core';
      add('dpdk-capable', bifurcated ? `Ethernet controller on ${drv}: DPDK PMD ${pmd}` : `Ethernet controller on ${drv}: DPDK has the ${pmd} PMD (bind to vfio-pci to use it)`);
    }
  }
  const rdma = d.osDevices.filter((o) => o.kind === 'rdma');
  if (rdma.length) {
    const desc = rdma.map((r) => (r.via ? `${r.name} (software, on ${r.via})` : r.name)).join(', ');
    add('rdma', `RDMA device${rdma.length > 1 ? 's' : ''} ${desc}${rdmaWhere(ctx)}`);
    return;
  }
  const capable = rdmaCapability(d, ctx);
  if (capable) add('rdma-capable', capable);
}

/** Where the input's RDMA devices were seen. */
function rdmaWhere(ctx: RoleContext): string {
  if (ctx.noDrivers?.startsWith('NCCL')) return ' (NCCL net device with a GUID)';
  if (ctx.noDrivers?.startsWith('hwloc')) return ' (hwloc OpenFabrics OS device)';
  return ' in /sys/class/infiniband';
}

/** Why a function with no RDMA device listed can do RDMA, or null. */
function rdmaCapability(d: PciDevice, ctx: RoleContext): string | null {
  const cls = classOf(d);
  if (cls.startsWith('0x0207')) return 'InfiniBand controller (class 0x0207); the input lists no RDMA device for it';
  if (cls.startsWith('0x0c06')) return 'InfiniBand (class 0x0c06); the input lists no RDMA device for it';
  for (const drv of driversOf(d)) {
    if (RDMA_HCA_DRIVERS.has(drv)) return `driver ${drv} is an RDMA adapter driver; the input lists no RDMA device for it`;
    const r = RDMA_BY_DRIVER[drv];
    if (!r) continue;
    if (r.module === null) return `${r.what}: RDMA-capable on ${drv}; the input lists no RDMA device for it`;
    if (!ctx.modulesSeen.has(r.module)) continue;
    if (r.byPciId && d.kernelModules?.length) {
      if (d.kernelModules.includes(r.module)) return `${r.what}: ${r.module} is among this function's kernel modules (it matches by PCI id)`;
      continue; // listed for other functions, not this one: its ids do not match
    }
    return `${r.what}: ${drv} with ${r.module} in the input's kernel modules`;
  }
  return null;
}

function cxlRole(d: PciDevice, add: Add): void {
  const cls = classOf(d);
  if (cls.startsWith('0x0502')) add('cxl', 'class 0x0502: CXL memory device');
  else if (d.osDevices.some((o) => o.kind === 'cxl')) add('cxl', 'has a CXL memdev');
  else if (d.capabilities?.includes('cxl') && d.portKind === 'endpoint') add('cxl', 'CXL DVSEC (vendor 1e98) in config space');
}

/**
 * Class 0x03 is a compute GPU or a display-only chip; class 0x12 (processing accelerators:
 * NPUs, GCUs, Gaudi, Instinct MI300) is an accelerator, and a GPU too when it has a DRM device.
 */
function gpuRoles(d: PciDevice, ctx: RoleContext, add: Add): void {
  const cls = classOf(d);
  if (cls.startsWith('0x12')) {
    add('accelerator', `processing accelerator (class ${cls}${d.className ? `, ${d.className}` : ''})`);
    if (d.osDevices.some((o) => o.kind === 'gpu')) add('gpu', 'processing accelerator with a DRM device');
    return;
  }
  const coproc = d.osDevices.filter((o) => o.kind === 'coproc');
  if (coproc.length) add('accelerator', `co-processor ${coproc.map((o) => o.name).join(', ')} (Xeon Phi / Vector Engine class device)`);
  if (!cls.startsWith('0x03')) return;
  const verdict = displayOrGpu(d, ctx);
  add(verdict.role, verdict.reason);
}

function displayOrGpu(d: PciDevice, ctx: RoleContext): RoleReason {
  const cls = classOf(d);
  const what = `class ${cls}${d.className ? `, ${d.className}` : ''}`;
  const drivers = driversOf(d);
  const displayDrv = drivers.find((x) => DISPLAY_DRIVERS.has(x));
  const gpuDrv = drivers.find((x) => GPU_DRIVERS.has(x));
  const vendor = (d.vendorId ?? '').toLowerCase();
  if (gpuDrv) return { role: 'gpu', reason: `${what} driven by ${gpuDrv}` };
  if (displayDrv) return { role: 'display', reason: `${what} driven by ${displayDrv}: a display chip, not a compute GPU` };
  if (DISPLAY_VENDORS[vendor]) return { role: 'display', reason: `${what} from ${DISPLAY_VENDORS[vendor]}: a display chip, not a compute GPU` };
  // A compute runtime's device (NCCL/RCCL <gpu>, hwloc CUDA/NVML/RSMI/OpenCL OS devices), not a DRM card.
  const compute = d.osDevices.find((o) => o.kind === 'gpu' && !/^(card|renderD|controlD)\d+$/.test(o.name));
  if (compute) return { role: 'gpu', reason: `${what} with compute device ${compute.name}` };
  if (cls.startsWith('0x0302')) return { role: 'gpu', reason: `3D controller (${what}): a GPU without display outputs` };
  if (GPU_VENDORS[vendor]) return { role: 'gpu', reason: `${what} from ${GPU_VENDORS[vendor]}` };
  const why = ctx.noDrivers ? ` (${ctx.noDrivers})` : '';
  return { role: 'display', reason: `${what}: no compute-GPU vendor or driver${why}` };
}

function portRoles(d: PciDevice, add: Add): void {
  if (d.portKind === 'root-port') add('root-port', 'PCIe root port (bridge on a root bus)');
  if (d.portKind === 'switch-upstream' || d.portKind === 'switch-downstream') {
    add('switch', `PCIe switch ${d.portKind === 'switch-upstream' ? 'upstream' : 'downstream'} port`);
  }
}

function sriovRoles(d: PciDevice, ctx: RoleContext, add: Add): void {
  if (d.sriov) {
    if (d.sriov.physfn) add('sriov-vf', `virtual function of ${d.sriov.physfn}`);
    else if ((d.sriov.totalVfs ?? 0) > 0) {
      const n = d.sriov.numVfs ?? d.sriov.vfs.length;
      add('sriov-pf', `SR-IOV physical function: ${n} of ${d.sriov.totalVfs} VFs enabled`);
    }
    return;
  }
  // lspci/hwloc imports may only know the relation from the VF's side.
  const pf = ctx.vfParent.get(d.address);
  if (pf) add('sriov-vf', `virtual function of ${pf}`);
}
