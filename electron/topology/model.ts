// The topology model: snapshot contract v1 (see README "Snapshot format"), as plain
// serialisable data. Each field names the sysfs file it comes from. No logic here.

export type SourceKind = 'live' | 'sysfs-dir' | 'archive' | 'lspci' | 'hwloc-xml' | 'nccl-xml' | 'snapshot';

export type Severity = 'error' | 'warning' | 'info';

/** Something the reader noticed about the data; never an exception. */
export interface Diagnostic {
  readonly severity: Severity;
  /** File (relative to the input root) or `file:line` for text formats. */
  readonly path: string;
  /** PCI address or object id the problem concerns, when there is one. */
  readonly address?: string;
  readonly message: string;
}

export interface Cpu {
  /** Logical CPU number (`/sys/devices/system/cpu/cpuN`). */
  readonly id: number;
  /** NUMA node (`cpuN/nodeM` link or `node/nodeM/cpulist`); null when unknown. */
  readonly node: number | null;
  /** `cpuN/topology/physical_package_id`. */
  readonly package: number | null;
  /** `cpuN/topology/core_id`. */
  readonly core: number | null;
  /** `cpuN/topology/cluster_id` where the kernel exposes it. */
  readonly cluster?: number | null;
  /** `cpuN/topology/thread_siblings_list` (SMT siblings, itself included), where read. */
  readonly threadSiblings?: string | null;
  /** AArch64: MIDR_EL1 (`cpuN/regs/identification/midr_el1` or /proc/cpuinfo). */
  readonly midr?: string;
  /** Core micro-architecture name decoded from MIDR, e.g. "Neoverse-N1". */
  readonly uarch?: string;
  /** CPU vendor/implementer, e.g. "Arm", "HiSilicon", "GenuineIntel". */
  readonly vendor?: string;
}

export interface Machine {
  readonly hostname: string | null;
  /** `uname -m` spelling: x86_64, aarch64, ppc64le, riscv64, ... or "unknown". */
  readonly arch: string;
  /** How arch was decided (uname, cpuinfo fields, root-port vendor...). */
  readonly archSource?: string;
  readonly kernel: string | null;
  /** x86 "model name"; AArch64 the decoded core names, e.g. "HiSilicon TSV110". */
  readonly cpuModel: string | null;
  readonly os?: string | null;
  readonly totalMemoryBytes?: number | null;
  /** `/sys/class/dmi/id/{sys_vendor,product_name}` when present. */
  readonly vendor?: string | null;
  readonly product?: string | null;
  readonly cpus: readonly Cpu[];
  /** `/sys/devices/system/cpu/isolated` (kernel list; "" = none); absent when not read. */
  readonly isolatedCpus?: string | null;
  /** `/sys/devices/system/cpu/nohz_full` (kernel list; "" or "(null)" = none); absent when not read. */
  readonly nohzFullCpus?: string | null;
  /**
   * IOMMU state from `/sys/kernel/iommu_groups` (number of groups; 0 = no IOMMU on) and
   * `/sys/class/iommu` (the units, e.g. dmar0); absent when the input does not say.
   */
  readonly iommu?: IommuInfo | null;
  /** Platform note, e.g. "live mode on darwin: the PCIe tree needs Linux". */
  readonly note?: string;
  /** OS devices that belong to no PCI function and no single NUMA node; absent when none. */
  readonly osDevices?: readonly OsDevice[];
}

export interface IommuInfo {
  /** Entries of `/sys/kernel/iommu_groups`. */
  readonly groups: number;
  /** Entries of `/sys/class/iommu` (dmar0, ivhv0, smmu3.0x...), when listed. */
  readonly units?: readonly string[];
}

/** One hugepage pool of a NUMA node: `nodeN/hugepages/hugepages-<size>kB/`. */
export interface HugepagePool {
  /** Page size in KiB, from the folder name. */
  readonly sizeKb: number;
  /** `nr_hugepages`; null when unreadable. */
  readonly total: number | null;
  /** `free_hugepages`; null when unreadable. */
  readonly free: number | null;
}

export type NumaKind = 'dram' | 'cxl' | 'pmem' | 'hbm' | 'cpuless';

export interface NumaNode {
  /** `/sys/devices/system/node/nodeN`. */
  readonly id: number;
  /** `nodeN/cpulist`, kernel list syntax ("0-15,32-47"); "" when CPU-less. */
  readonly cpus: string;
  /** `nodeN/meminfo` MemTotal, in bytes; null when unknown. */
  readonly memoryBytes: number | null;
  /** `nodeN/distance`, indexed like `numaNodes` ids in order. */
  readonly distances: readonly number[];
  readonly kind: NumaKind;
  /** Why `kind` was chosen (e.g. "memory of CXL region region0"). */
  readonly kindReason?: string;
  /** `nodeN/hugepages/hugepages-*` pools; absent when the input does not have them. */
  readonly hugepages?: readonly HugepagePool[];
  /** OS devices that belong to this node and to no PCI function (a DAX device of its memory); absent when none. */
  readonly osDevices?: readonly OsDevice[];
}

export interface LinkInfo {
  /** `current_link_speed`, normalised ("8 GT/s"); null when Unknown or absent. */
  readonly speed: string | null;
  /** `current_link_width`; null when unknown. */
  readonly width: number | null;
  /** `max_link_speed`. */
  readonly maxSpeed: string | null;
  /** `max_link_width`. */
  readonly maxWidth: number | null;
  /** Trained below what both ends could do (speed or width lower than max). */
  readonly downgraded: boolean;
  /** Why `downgraded` is what it is, in words (set by annotate/link). */
  readonly note?: string;
}

export interface SriovInfo {
  /** `sriov_totalvfs` (PF only). */
  readonly totalVfs: number | null;
  /** `sriov_numvfs` (PF only). */
  readonly numVfs: number | null;
  /** `physfn` link target (VF only). */
  readonly physfn: string | null;
  /** `virtfnN` link targets (PF only), in N order. */
  readonly vfs: readonly string[];
}

/**
 * PCIe AER counters of a function: `aer_dev_correctable`, `aer_dev_nonfatal`,
 * `aer_dev_fatal` (lines "NAME COUNT"; the totals are the TOTAL_ERR_* lines).
 */
export interface AerCounters {
  readonly correctable: number | null;
  readonly nonfatal: number | null;
  readonly fatal: number | null;
  /** Every non-zero counter line, e.g. {"RxErr": 3, "TOTAL_ERR_COR": 3}, keyed by file. */
  readonly nonZero?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** `coproc`: a co-processor class device (Intel Xeon Phi `/sys/class/mic`, NEC Vector Engine `/sys/class/ve`, hwloc's COPROC). */
export type OsDeviceKind = 'net' | 'nvme' | 'block' | 'rdma' | 'gpu' | 'dax' | 'cxl' | 'dma' | 'coproc' | 'other';

export interface OsDevice {
  readonly name: string;
  readonly kind: OsDeviceKind;
  /** Extra facts: MAC address, RDMA port state / link layer, namespace size... */
  readonly attrs?: Readonly<Record<string, string>>;
  /** For rdma devices with no PCI function of their own (rxe, siw): the netdev they sit on. */
  readonly via?: string;
}

export type PortKind =
  | 'endpoint'
  | 'root-port'
  | 'switch-upstream'
  | 'switch-downstream'
  | 'pci-bridge'
  | 'host-bridge'
  | 'rc-endpoint'
  | 'rc-event-collector';

export type LocalityRule = 'numa_node' | 'local_cpulist' | 'parent' | 'root-complex' | 'unknown' | 'imported';

export interface RoleReason {
  readonly role: string;
  readonly reason: string;
}

export interface PciDevice {
  /** `domain:bus:dev.fn`, domain always present (4 or more hex digits). */
  readonly address: string;
  /** Upstream bridge from the device's real sysfs path; null on a root bus. */
  readonly parent: string | null;
  /** Root complex, e.g. "pci0000:3a" (last `pciDDDD:BB` component of the path). */
  readonly hostBridge: string | null;
  /** `numa_node`, or derived (see `localityRule`); null when unknown. */
  readonly numaNode: number | null;
  /** `local_cpulist` (or derived); null when unknown. */
  readonly localCpus: string | null;
  readonly localityRule: LocalityRule;
  /**
   * `class`, 6 hex digits: class, subclass, prog-if. Inputs that print less give less:
   * 4 digits (class + subclass: `lspci` without -v prints no prog-if), 2 (class only, as
   * NCCL writes "0x03"); null when the input gives no class at all.
   */
  readonly classCode: string | null;
  readonly className?: string | null;
  /** `vendor`/`device`; null when the input does not say and its names do not give one id (see build/names.ts). */
  readonly vendorId: string | null;
  readonly deviceId: string | null;
  readonly subsystemVendorId?: string | null;
  readonly subsystemDeviceId?: string | null;
  /** `revision`. */
  readonly revision?: string | null;
  readonly vendorName: string | null;
  readonly deviceName: string | null;
  /** Basename of the `driver` link; null when unbound. */
  readonly driver: string | null;
  /** `driver_override`; null when "(null)" or absent. */
  readonly driverOverride?: string | null;
  /** Basename of the `iommu_group` link. */
  readonly iommuGroup: number | null;
  readonly link: LinkInfo | null;
  readonly sriov: SriovInfo | null;
  readonly osDevices: readonly OsDevice[];
  /** PCIe port type (config space when readable, else from the tree's shape). */
  readonly portKind: PortKind;
  /** Where portKind came from: the PCIe capability in config space, or the tree's shape. */
  readonly portKindSource?: 'config' | 'shape' | 'lspci' | 'hwloc' | 'nccl';
  /** Bridges: secondary and subordinate bus (config space bytes 0x19/0x1a). */
  readonly secondaryBus?: number | null;
  readonly subordinateBus?: number | null;
  /** `../slots/N/address` match or `label`. */
  readonly slot?: string | null;
  /** Kernel modules that can drive it (`lspci -k` "Kernel modules"). */
  readonly kernelModules?: readonly string[];
  /** AER counters (`aer_dev_*`); absent when the files are not in the input. */
  readonly aer?: AerCounters | null;
  /** Capabilities seen in config space: 'aer', 'acs', 'cxl' (CXL DVSEC), 'sriov'. */
  readonly capabilities?: readonly string[];
  readonly roles: readonly string[];
  readonly roleReasons: readonly RoleReason[];
}

export interface HostBridge {
  /** "pci0000:3a" */
  readonly id: string;
  readonly domain: string;
  readonly bus: string;
  /** NUMA node / CPUs of its devices, when they all agree. */
  readonly numaNode: number | null;
  readonly localCpus: string | null;
  /** Set when the root complex hangs below a PCI device (Intel VMD). */
  readonly behind?: string | null;
}

export interface CxlMemdev {
  readonly name: string;
  /** PCI function the memdev is bound to, when any. */
  readonly pciAddress: string | null;
  readonly ramBytes: number | null;
  readonly pmemBytes: number | null;
  readonly numaNode: number | null;
  readonly serial?: string | null;
}

export interface CxlRegion {
  readonly name: string;
  readonly sizeBytes: number | null;
  readonly mode: string | null;
  readonly targets: readonly string[];
  /** Memdevs whose endpoint decoders are the region's targets. */
  readonly memdevs?: readonly string[];
  /** The NUMA node the region's memory became (dax/kmem), when known. */
  readonly numaNode: number | null;
  readonly daxDevices: readonly string[];
}

export interface CxlPort {
  readonly name: string;
  readonly kind: 'root' | 'port' | 'endpoint';
  readonly parent: string | null;
  readonly uport: string | null;
}

export interface CxlDecoder {
  readonly name: string;
  readonly port: string;
  readonly start: string | null;
  readonly sizeBytes: number | null;
  readonly interleaveWays: number | null;
  readonly region: string | null;
}

export interface CxlInfo {
  readonly memdevs: readonly CxlMemdev[];
  readonly regions: readonly CxlRegion[];
  readonly ports?: readonly CxlPort[];
  readonly decoders?: readonly CxlDecoder[];
}

export interface Snapshot {
  readonly format: 'topolens-snapshot';
  readonly version: 1;
  /** When the machine was captured (or read, for live and folders); null when the input does not say (lspci, hwloc and NCCL XML). */
  readonly capturedAt: string | null;
  readonly source: { readonly kind: SourceKind; readonly name: string };
  readonly machine: Machine;
  readonly numaNodes: readonly NumaNode[];
  readonly pci: { readonly devices: readonly PciDevice[]; readonly hostBridges?: readonly HostBridge[] };
  readonly cxl: CxlInfo;
  readonly diagnostics: readonly Diagnostic[];
}

export type Topology = Snapshot;

export const SNAPSHOT_FORMAT = 'topolens-snapshot' as const;
export const SNAPSHOT_VERSION = 1 as const;
