// hwloc XML text → records (records.ts): machine, CPUs, NUMA nodes, host bridges, PCI
// functions, OS devices, CXL memdevs. It looks nothing up (names and port kinds are
// build/'s) and does not invent what the XML lacks (drivers, IOMMU groups, link
// speed/width, SR-IOV links): those stay null and one diagnostic says so.
import { buildTopology, type BuildResult } from '../build';
import { InputError } from '../errors';
import type { Cpu, CxlMemdev, Diagnostic, HostBridge, NumaKind, NumaNode, OsDevice, OsDeviceKind } from '../model';
import { MAX_LIST_ID, formatCpuList } from '../parse/cpulist';
import { parseHwlocBitmap, parseHwlocXml, type HwlocDistances, type HwlocObject } from '../parse/hwloc-xml';
import { compareNatural } from '../parse/natural-order';
import type { MachineFacts, OsDeviceRecord, PciFunctionFacts, PciFunctionRecord, SourceRecords } from '../records';

/** NUMA node ids above this are nonsense (Linux allows 1024; the schema 65535). */
const MAX_NODE_ID = 65535;

export interface HwlocXmlOptions {
  /** hwloc XML carries no capture time; the caller may know one (file mtime). */
  readonly capturedAt?: string;
}

/** hwloc cpuset/nodeset → kernel list ("0-7,16-23"). An infinite `0xf...f` prefix is
 *  dropped (only explicit words are listed); malformed text gives "". */
export function hwlocCpusetToList(cpuset: string): string {
  const b = parseHwlocBitmap(cpuset);
  return b ? formatCpuList(b.ids) : '';
}

const IO_TYPES = new Set(['Bridge', 'PCIDev', 'OSDev', 'Misc', 'MemCache']);

// hwloc 3.x turned osdev_type into a bitmask (STORAGE=1, MEMORY=2, GPU=4, COPROC=8,
// NETWORK=16, OPENFABRICS=32, DMA=64); 1.x/2.x wrote an enum (BLOCK=0, GPU=1,
// NETWORK=2, OPENFABRICS=3, DMA=4, COPROC=5).
const GPU_SUBTYPES = new Set(['CUDA', 'NVML', 'RSMI', 'LevelZero']);
/** Co-processors that are not GPUs: Xeon Phi (MIC), NEC SX-Aurora (VectorEngine). */
const COPROC_SUBTYPES = new Set(['MIC', 'VectorEngine']);
const STORAGE_SUBTYPES = new Set(['Disk', 'Tape', 'Removable Media Device', 'NVM', 'SPM']);

function osDeviceKind(o: HwlocObject, major: number): OsDeviceKind {
  const name = o.name ?? '';
  // hwloc 1.x wrote a co-processor's kind as info CoProcType ("CUDA", "OpenCL", "MIC"),
  // 2.x as the subtype: one kind whichever version wrote it.
  const sub = o.subtype ?? o.info.CoProcType ?? '';
  // Namespaces (nvme0n1) are block devices, as sysfs lists them; only a controller (nvme0) is 'nvme'.
  const storage = (): OsDeviceKind => (/^nvme\d+$/.test(name) ? 'nvme' : 'block');
  const isDax = /^dax\d/.test(name) || o.info.DAXType !== undefined;
  if (sub === 'CXLMem') return 'cxl';
  if (isDax && (sub === 'NVM' || sub === 'SPM' || o.info.DAXType !== undefined)) return 'dax';
  if (GPU_SUBTYPES.has(sub)) return 'gpu';
  if (COPROC_SUBTYPES.has(sub)) return 'coproc';
  if (sub === 'OpenCL') return /GPU/i.test(o.info.OpenCLDeviceType ?? '') ? 'gpu' : 'other';
  if (sub === 'BXI') return 'rdma';
  if (STORAGE_SUBTYPES.has(sub)) return storage();
  const t = o.osdevType;
  if (t === null) return 'other';
  if (major >= 3) {
    if (t & 32) return 'rdma';
    if (t & 16) return 'net';
    if (t & 4) return 'gpu';
    if (t & 64) return 'dma';
    if (t & 8) return 'coproc';
    if (t & 2) return isDax ? 'dax' : 'other';
    if (t & 1) return isDax ? 'dax' : storage();
    return 'other';
  }
  switch (t) {
    case 0:
      return isDax ? 'dax' : storage();
    case 1:
      return 'gpu';
    case 2:
      return 'net';
    case 3:
      return 'rdma';
    case 4:
      return 'dma';
    case 5:
      return 'coproc';
    default:
      return 'other';
  }
}

/** "262144KiB" / "1048575" (hwloc sizes are KiB) → bytes. */
function kibToBytes(v: string | undefined): number | null {
  if (v === undefined) return null;
  const m = /^\s*(\d+)\s*(KiB|kB|KB)?\s*$/.exec(v);
  if (!m) return null;
  const n = Number(m[1]) * 1024;
  return Number.isSafeInteger(n) ? n : null;
}

const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0');

function pciAddress(domain: number, bus: number, dev: number, fn: number): string {
  return `${hex(domain, 4)}:${hex(bus, 2)}:${hex(dev, 2)}.${fn}`;
}

function numaKindOf(n: HwlocObject, cpuCount: number): { kind: NumaKind; reason: string } {
  const sub = n.subtype ?? '';
  const dax = Object.entries(n.info).filter(([k]) => /^DAX/.test(k));
  if (/^CXL/i.test(sub)) return { kind: 'cxl', reason: `hwloc subtype ${sub}` };
  if (dax.some(([, v]) => /cxl/i.test(v))) return { kind: 'cxl', reason: `DAX info names CXL (${dax.map(([k, v]) => `${k}=${v}`).join(', ')})` };
  if (sub === 'NVM' || n.info.DAXType === 'NVM') return { kind: 'pmem', reason: sub === 'NVM' ? 'hwloc subtype NVM' : 'DAXType NVM' };
  if (sub === 'HBM' || sub === 'MCDRAM') return { kind: 'hbm', reason: `hwloc subtype ${sub}` };
  if (sub === 'GPUMemory') return { kind: 'hbm', reason: 'hwloc subtype GPUMemory (GPU memory exposed as a NUMA node)' };
  if (cpuCount === 0) return { kind: 'cpuless', reason: sub ? `no CPU belongs to it (hwloc subtype ${sub})` : 'no CPU belongs to it' };
  return { kind: 'dram', reason: sub ? `hwloc subtype ${sub}` : 'NUMA node with CPUs, no special memory subtype' };
}

interface Ctx {
  /** Nearest non-I/O ancestor (locality). */
  readonly locality: HwlocObject | null;
  readonly hostBridge: { id: string; obj: HwlocObject } | null;
  /** Nearest PCI function ancestor's address (a bridge, or a VMD-like endpoint). */
  readonly pciParent: string | null;
  readonly pciParentObj: HwlocObject | null;
  readonly packageObj: HwlocObject | null;
  readonly core: number | null;
  readonly cluster: number | null;
}

/** The objects of a document by kind, each PU and PCI function with its context. */
interface Collected {
  readonly pus: { obj: HwlocObject; ctx: Ctx }[];
  readonly numas: HwlocObject[];
  readonly packages: HwlocObject[];
  readonly hostBridges: Map<string, { obj: HwlocObject; locality: HwlocObject | null; behind: string | null }>;
  readonly pciObjs: { obj: HwlocObject; ctx: Ctx; address: string }[];
  /** OS devices below no PCI function (DAX of a NUMA node's memory, ...), with their locality object. */
  readonly looseOsDevs: { readonly obj: HwlocObject; readonly locality: HwlocObject | null }[];
  readonly osDevsOf: Map<HwlocObject, HwlocObject[]>;
  readonly machines: HwlocObject[];
}

/** What the readers of one document share: its name, version and diagnostics. */
class Doc {
  readonly diagnostics: Diagnostic[];
  constructor(
    readonly name: string,
    readonly major: number,
    first: readonly Diagnostic[],
  ) {
    this.diagnostics = [...first];
  }
  warn(o: HwlocObject, message: string, address?: string): void {
    this.diagnostics.push({ severity: 'warning', path: `${this.name}:${o.line}`, ...(address ? { address } : {}), message });
  }
  info(message: string): void {
    this.diagnostics.push({ severity: 'info', path: this.name, message });
  }
}

// Contexts are written out in full rather than spread: a spread is a runtime call each.
function withCtx(c: Ctx, change: Partial<Ctx>): Ctx {
  return {
    locality: change.locality !== undefined ? change.locality : c.locality,
    hostBridge: change.hostBridge !== undefined ? change.hostBridge : c.hostBridge,
    pciParent: change.pciParent !== undefined ? change.pciParent : c.pciParent,
    pciParentObj: change.pciParentObj !== undefined ? change.pciParentObj : c.pciParentObj,
    packageObj: change.packageObj !== undefined ? change.packageObj : c.packageObj,
    core: change.core !== undefined ? change.core : c.core,
    cluster: change.cluster !== undefined ? change.cluster : c.cluster,
  };
}

/** The context an object's children see, after noting the object in `col`. */
function visitObject(o: HwlocObject, ctx: Ctx, col: Collected, doc: Doc): Ctx {
  let next = ctx;
  switch (o.type) {
    case 'Machine':
    case 'System':
      col.machines.push(o);
      break;
    case 'Package':
      col.packages.push(o);
      next = withCtx(next, { packageObj: o });
      break;
    case 'Core':
      next = withCtx(next, { core: o.osIndex });
      break;
    case 'Group':
      if (o.subtype === 'Cluster') next = withCtx(next, { cluster: o.osIndex });
      break;
    case 'PU':
      col.pus.push({ obj: o, ctx });
      break;
    case 'NUMANode':
      col.numas.push(o);
      break;
    case 'OSDev': {
      if (ctx.pciParentObj) {
        const list = col.osDevsOf.get(ctx.pciParentObj) ?? [];
        list.push(o);
        col.osDevsOf.set(ctx.pciParentObj, list);
      } else col.looseOsDevs.push({ obj: o, locality: ctx.locality });
      break;
    }
    default:
      break;
  }
  if (!IO_TYPES.has(o.type) && o.type !== 'topology' && o.cpuset !== null) next = withCtx(next, { locality: o });
  if (o.type === 'Bridge' && o.bridge && o.bridge.upstreamType === 0) {
    const b = o.bridge;
    if (b.domain === null || b.secondaryBus === null) {
      doc.warn(o, 'host bridge without a readable bridge_pci bus range');
      return next;
    }
    const id = `pci${hex(b.domain, 4)}:${hex(b.secondaryBus, 2)}`;
    if (col.hostBridges.has(id)) doc.warn(o, `host bridge ${id} appears twice`);
    else col.hostBridges.set(id, { obj: o, locality: next.locality, behind: ctx.pciParent });
    return withCtx(next, { hostBridge: { id, obj: o }, pciParent: null, pciParentObj: null });
  }
  if (o.pci && (o.type === 'PCIDev' || o.type === 'Bridge')) {
    const p = o.pci;
    const address = pciAddress(p.domain, p.bus, p.dev, p.func);
    col.pciObjs.push({ obj: o, ctx: next, address });
    return withCtx(next, { pciParent: address, pciParentObj: o });
  }
  return next;
}

/** Walks the document once, collecting machines, packages, PUs, NUMA nodes, host bridges, PCI functions, OS devices. */
function collect(root: HwlocObject, doc: Doc): Collected {
  const col: Collected = { pus: [], numas: [], packages: [], hostBridges: new Map(), pciObjs: [], looseOsDevs: [], osDevsOf: new Map(), machines: [] };
  const walk = (o: HwlocObject, ctx: Ctx): void => {
    const next = visitObject(o, ctx, col, doc);
    for (const c of o.children) walk(c, next);
  };
  walk(root, { locality: null, hostBridge: null, pciParent: null, pciParentObj: null, packageObj: null, core: null, cluster: null });
  return col;
}

/** NUMA nodes by os_index, and each one's CPU set (skipping absurd or repeated ones). */
function indexNumaNodes(numas: readonly HwlocObject[], doc: Doc): { numaById: Map<number, HwlocObject>; numaSets: Map<number, Set<number>> } {
  const numaById = new Map<number, HwlocObject>();
  const numaSets = new Map<number, Set<number>>();
  for (const n of numas) {
    if (n.osIndex === null) {
      doc.warn(n, 'NUMANode without os_index; skipped');
      continue;
    }
    if (n.osIndex > MAX_NODE_ID) {
      doc.warn(n, `NUMA node os_index ${n.osIndex} is beyond any real machine; skipped`);
      continue;
    }
    if (numaById.has(n.osIndex)) {
      doc.warn(n, `NUMA node ${n.osIndex} appears twice; the second is skipped`);
      continue;
    }
    numaById.set(n.osIndex, n);
    const b = n.cpuset !== null ? parseHwlocBitmap(n.cpuset) : null;
    if (n.cpuset !== null && !b) doc.warn(n, `unreadable cpuset "${n.cpuset}" on NUMA node ${n.osIndex}`);
    numaSets.set(n.osIndex, new Set(b ? b.ids : []));
  }
  return { numaById, numaSets };
}

/**
 * The node a CPU belongs to. v1: NUMA nodes are ancestors with disjoint cpusets. v2+:
 * memory children carry their parent's cpuset, so a package with DRAM + HBM lists the
 * CPUs twice; the kernel puts the CPUs in the ordinary (DRAM) node, the other one is CPU-less.
 */
function nodeOfCpuIn(numaById: ReadonlyMap<number, HwlocObject>, numaSets: ReadonlyMap<number, Set<number>>): (cpu: number) => number | null {
  const ordinary = (n: HwlocObject): boolean => n.subtype === null || n.subtype === 'DRAM';
  const rank = (n: HwlocObject, s: Set<number>): [number, number] => [ordinary(n) ? 0 : 1, s.size];
  return (cpu) => {
    let best: number | null = null;
    for (const [id, set] of numaSets) {
      if (!set.has(cpu)) continue;
      if (best === null) {
        best = id;
        continue;
      }
      const [ra, sa] = rank(numaById.get(best)!, numaSets.get(best)!);
      const [rb, sb] = rank(numaById.get(id)!, set);
      if (rb < ra || (rb === ra && sb < sa) || (rb === ra && sb === sa && id < best)) best = id;
    }
    return best;
  };
}

/** One CPU per PU (absurd or repeated os_index skipped), sorted; and the CPUs of each node. */
function readPus(col: Collected, doc: Doc, nodeOfCpu: (cpu: number) => number | null, infoOf: (k: string) => string | null): { cpus: Cpu[]; cpusOfNode: Map<number, number[]> } {
  const cpus: Cpu[] = [];
  const cpusOfNode = new Map<number, number[]>();
  const seenCpu = new Set<number>();
  for (const { obj, ctx } of col.pus) {
    if (obj.osIndex === null) {
      doc.warn(obj, 'PU without os_index; skipped');
      continue;
    }
    if (obj.osIndex > MAX_LIST_ID) {
      doc.warn(obj, `PU os_index ${obj.osIndex} is beyond any real machine; skipped`);
      continue;
    }
    if (seenCpu.has(obj.osIndex)) {
      doc.warn(obj, `PU ${obj.osIndex} appears twice; the second is skipped`);
      continue;
    }
    seenCpu.add(obj.osIndex);
    const node = nodeOfCpu(obj.osIndex);
    if (node !== null) cpusOfNode.set(node, [...(cpusOfNode.get(node) ?? []), obj.osIndex]);
    const pkg = ctx.packageObj;
    const vendor = pkg?.info.CPUVendor ?? infoOf('CPUVendor');
    const midr = midrOf(pkg ?? null) ?? midrOf(col.machines[0] ?? null);
    cpus.push({
      id: obj.osIndex,
      node,
      package: pkg ? pkg.osIndex : null,
      core: ctx.core,
      ...(ctx.cluster !== null ? { cluster: ctx.cluster } : {}),
      ...(midr ? { midr } : {}),
      ...(vendor ? { vendor } : {}),
    });
  }
  cpus.sort((a, b) => a.id - b.id);
  return { cpus, cpusOfNode };
}

/** NUMA nodes with their CPUs, memory, distances and kind. */
function readNumaNodes(col: Collected, doc: Doc, distances: readonly HwlocDistances[], infoOf: (k: string) => string | null): { numaNodes: NumaNode[]; cpus: Cpu[] } {
  const { numaById, numaSets } = indexNumaNodes(col.numas, doc);
  const { cpus, cpusOfNode } = readPus(col, doc, nodeOfCpuIn(numaById, numaSets), infoOf);
  const nodeIds = [...numaById.keys()].sort((a, b) => a - b);
  const distanceRows = pickDistances(distances, col.numas, nodeIds, (d, msg) =>
    doc.diagnostics.push({ severity: 'warning', path: `${doc.name}:${d.line}`, message: msg }),
  );
  const numaNodes: NumaNode[] = nodeIds.map((id) => {
    const n = numaById.get(id)!;
    const mine = cpusOfNode.get(id) ?? [];
    const { kind, reason } = numaKindOf(n, mine.length);
    return { id, cpus: formatCpuList(mine), memoryBytes: n.localMemory, distances: distanceRows.get(id) ?? [], kind, kindReason: reason };
  });
  return { numaNodes, cpus };
}

/** Top-level facts: v3 puts them on <topology>, v1/v2 on the Machine. */
function topLevelInfo(col: Collected, root: HwlocObject): (key: string) => string | null {
  const holders = [root, ...col.machines];
  return (key) => {
    for (const o of holders) {
      const v = o.info[key];
      if (v !== undefined && v.trim() !== '') return v.trim();
    }
    return null;
  };
}

type Locality = { numaNode: number | null; localCpus: string | null };

/** Locality from the nearest non-I/O ancestor; many functions share one (their package or machine): decoded once each. */
function localityDecoder(): (o: HwlocObject | null) => Locality {
  const memo = new Map<HwlocObject, Locality>();
  return (o) => {
    if (!o) return { numaNode: null, localCpus: null };
    const hit = memo.get(o);
    if (hit) return hit;
    const ns = o.nodeset !== null ? parseHwlocBitmap(o.nodeset) : null;
    const cs = o.cpuset !== null ? parseHwlocBitmap(o.cpuset) : null;
    const loc = { numaNode: ns && ns.ids.length === 1 && !ns.infinite ? ns.ids[0]! : null, localCpus: cs ? formatCpuList(cs.ids) : null };
    memo.set(o, loc);
    return loc;
  };
}

/** One OSDev object as an OS device; null when unnamed (it has no place). */
function osDeviceOf(o: HwlocObject, major: number): OsDevice | null {
  if (o.name === null || o.name === '') return null;
  const attrs: Record<string, string> = { ...o.info };
  if (o.subtype) attrs.subtype = o.subtype;
  const kind = osDeviceKind(o, major);
  return Object.keys(attrs).length > 0 ? { name: o.name, kind, attrs } : { name: o.name, kind };
}

/** The OS devices below one PCI function (unnamed ones have no place). */
function osDevicesBelow(obj: HwlocObject, col: Collected, major: number): OsDevice[] {
  const out: OsDevice[] = [];
  for (const o of col.osDevsOf.get(obj) ?? []) {
    const dev = osDeviceOf(o, major);
    if (dev) out.push(dev);
  }
  return out;
}

/**
 * OS devices below no PCI function (hwloc puts a DAX device of a NUMA node's memory under
 * that node's parent, with the node's locality): onto the one NUMA node their locality
 * names, else onto the machine.
 */
function placeLooseOsDevices(col: Collected, doc: Doc, localityOf: (o: HwlocObject | null) => Locality, nodes: readonly NumaNode[]): { numaNodes: NumaNode[]; machine: OsDevice[] } {
  const byNode = new Map<number, OsDevice[]>();
  const machine: OsDevice[] = [];
  const ids = new Set(nodes.map((n) => n.id));
  for (const { obj, locality } of col.looseOsDevs) {
    const dev = osDeviceOf(obj, doc.major);
    if (!dev) continue;
    const node = localityOf(locality).numaNode;
    if (node !== null && ids.has(node)) byNode.set(node, [...(byNode.get(node) ?? []), dev]);
    else machine.push(dev);
  }
  const numaNodes = nodes.map((n) => (byNode.has(n.id) ? { ...n, osDevices: byNode.get(n.id)! } : n));
  return { numaNodes, machine };
}

/** One PCI function's record, in the snapshot's key order, without object spreads. */
function pciFunctionRecord(obj: HwlocObject, ctx: Ctx, address: string, osDevices: readonly OsDevice[], loc: Locality, doc: Doc): PciFunctionRecord {
  const p = obj.pci!;
  const isBridge = obj.type === 'Bridge' && obj.bridge !== null && obj.bridge.downstreamType === 1;
  // bus-range sanity: hwloc nests by bus ranges, a mismatch means an edited file.
  const up = ctx.pciParentObj?.bridge ?? ctx.hostBridge?.obj.bridge ?? null;
  if (up && up.secondaryBus !== null && up.subordinateBus !== null && (p.bus < up.secondaryBus || p.bus > up.subordinateBus || (up.domain !== null && up.domain !== p.domain))) {
    doc.warn(obj, `${address} sits below a bridge whose bus range is ${hex(up.domain ?? 0, 4)}:[${hex(up.secondaryBus, 2)}-${hex(up.subordinateBus, 2)}]`, address);
  }
  let progIf = p.progIf;
  // v1/v2 exports drop the prog-if; an NVMe block device below class 0108 pins it to 02.
  if (progIf === null && p.classId === '0108' && osDevices.some((d) => /^nvme/.test(d.name))) progIf = '02';
  const fn = {
    address,
    parent: ctx.pciParent,
    hostBridge: ctx.hostBridge ? ctx.hostBridge.id : null,
    numaNode: loc.numaNode,
    localCpus: loc.localCpus,
    localityRule: 'imported',
    classCode: `0x${p.classId}${progIf ?? '00'}`,
    className: null,
    vendorId: `0x${p.vendorId}`,
    deviceId: `0x${p.deviceId}`,
    subsystemVendorId: `0x${p.subVendorId}`,
    subsystemDeviceId: `0x${p.subDeviceId}`,
    revision: `0x${p.revision}`,
    vendorName: obj.info.PCIVendor ?? null,
    deviceName: obj.info.PCIDevice ?? null,
    driver: null,
    iommuGroup: null,
    link: null,
    sriov: null,
    osDevices: [],
    // hwloc XML has no PCIe port types: bridges get theirs from the tree's shape (build/).
    portKind: isBridge ? 'pci-bridge' : 'endpoint',
    portKindSource: 'shape',
  } satisfies Partial<PciFunctionFacts> as { -readonly [K in keyof PciFunctionFacts]: PciFunctionFacts[K] };
  if (isBridge) {
    fn.secondaryBus = obj.bridge!.secondaryBus;
    fn.subordinateBus = obj.bridge!.subordinateBus;
  }
  fn.slot = obj.info.PCISlot ?? null;
  fn.roles = [];
  fn.roleReasons = [];
  if (!ctx.hostBridge) doc.warn(obj, `${address} is not below any host bridge`, address);
  return { fn, from: `${doc.name}:${obj.line}` };
}

/** CXL memory devices: hwloc 2.10+ "CXLMem" OS devices below their PCI function. */
function cxlMemdevOf(o: HwlocObject, address: string): CxlMemdev | null {
  if (o.subtype !== 'CXLMem' || !o.name) return null;
  return {
    name: o.name,
    pciAddress: address,
    ramBytes: kibToBytes(o.info.CXLRAMSize),
    pmemBytes: kibToBytes(o.info.CXLPMEMSize),
    numaNode: null,
    serial: o.info.CXLSerialNumber ?? null,
  };
}

interface PciRead {
  readonly functions: PciFunctionRecord[];
  readonly osDevices: OsDeviceRecord[];
  readonly memdevs: CxlMemdev[];
  /** How many functions carry a bandwidth estimate, and one example. */
  readonly bandwidth: { count: number; sample: string };
}

/** PCI functions (a repeated address is skipped), their OS devices and CXL memdevs. */
function readPciFunctions(col: Collected, doc: Doc, localityOf: (o: HwlocObject | null) => Locality): PciRead {
  const out: PciRead = { functions: [], osDevices: [], memdevs: [], bandwidth: { count: 0, sample: '' } };
  const first = new Map<string, HwlocObject>();
  for (const { obj, ctx, address } of col.pciObjs) {
    if (first.has(address)) {
      doc.warn(obj, `PCI function ${address} appears twice (line ${first.get(address)!.line} and here); the second is skipped`, address);
      continue;
    }
    first.set(address, obj);
    const osDevices = osDevicesBelow(obj, col, doc.major);
    const p = obj.pci!;
    if (p.linkGBps !== null && p.linkGBps > 0) {
      out.bandwidth.count += 1;
      if (!out.bandwidth.sample) out.bandwidth.sample = `${address} = ${p.linkGBps} GB/s`;
    }
    out.functions.push(pciFunctionRecord(obj, ctx, address, osDevices, localityOf(ctx.locality), doc));
    for (const device of osDevices) out.osDevices.push({ address, device, from: `${doc.name}:${obj.line}` });
  }
  for (const [address, obj] of first) {
    for (const o of col.osDevsOf.get(obj) ?? []) {
      const m = cxlMemdevOf(o, address);
      if (m) out.memdevs.push(m);
    }
  }
  out.memdevs.sort((a, b) => compareNatural(a.name, b.name));
  return out;
}

/** What the format cannot say, as info diagnostics. */
function noteGaps(doc: Doc, col: Collected, pci: PciRead, numaNodes: number, cpus: number): void {
  const n = pci.functions.length;
  if (n > 0) {
    doc.info(
      `hwloc XML carries only a link bandwidth estimate (pci_link_speed, GB/s), not the link speed and width: ` +
        `link left null for all ${n} PCI functions` +
        (pci.bandwidth.count > 0 ? ` (${pci.bandwidth.count} have a bandwidth, e.g. ${pci.bandwidth.sample})` : '') +
        `; drivers, IOMMU groups and SR-IOV PF/VF links are not in the format either`,
    );
  }
  const unnamed = col.looseOsDevs.filter(({ obj }) => obj.name === null || obj.name === '').length;
  if (unnamed > 0) doc.info(`${unnamed} unnamed OS device(s) below no PCI function are left out`);
  if (numaNodes === 0 && cpus > 0) doc.info('the XML lists no NUMA node');
}

/** Machine facts from the top-level infos and the packages' CPU models. */
function readMachine(col: Collected, root: HwlocObject): MachineFacts {
  const infoOf = topLevelInfo(col, root);
  const cpuModels = [...new Set(col.packages.map((p) => p.info.CPUModel?.trim()).filter((m): m is string => !!m))];
  const totalMemory = col.numas.reduce((s, n) => s + (n.localMemory ?? 0), 0);
  const arch = infoOf('Architecture');
  return {
    hostname: infoOf('HostName'),
    arch: arch ?? 'unknown',
    archSource: arch ? 'hwloc Architecture info' : 'not in the XML',
    kernel: infoOf('OSRelease'),
    cpuModel: cpuModels.length > 0 ? cpuModels.join(' + ') : infoOf('CPUModel'),
    os: infoOf('OSName'),
    totalMemoryBytes: col.numas.length > 0 ? totalMemory : (col.machines[0]?.localMemory ?? null),
    vendor: infoOf('DMISysVendor'),
    product: infoOf('DMIProductName'),
  };
}

/** hwloc XML text → records. Throws InputError when the text is not a usable hwloc
 *  topology (malformed, refused DOCTYPE, limits); every other problem is a diagnostic. */
export function readHwlocXml(text: string, name: string, opts: HwlocXmlOptions = {}): SourceRecords {
  const parsed = parseHwlocXml(text, name);
  const fatal = parsed.diagnostics.find((d) => d.severity === 'error');
  if (fatal) throw new InputError(fatal.message, fatal.path);
  const doc = new Doc(name, parsed.majorVersion, parsed.diagnostics);
  const root = parsed.objects;
  const col = collect(root, doc);
  const read = readNumaNodes(col, doc, parsed.distances, topLevelInfo(col, root));
  const cpus = read.cpus;
  const localityOf = localityDecoder();
  const loose = placeLooseOsDevices(col, doc, localityOf, read.numaNodes);
  const numaNodes = loose.numaNodes;
  const pci = readPciFunctions(col, doc, localityOf);
  const hostBridges: HostBridge[] = [...col.hostBridges.entries()].map(([id, h]) => {
    const loc = localityOf(h.locality);
    return { id, domain: hex(h.obj.bridge!.domain!, 4), bus: hex(h.obj.bridge!.secondaryBus!, 2), numaNode: loc.numaNode, localCpus: loc.localCpus, behind: h.behind };
  });
  noteGaps(doc, col, pci, numaNodes.length, cpus.length);
  return {
    source: { kind: 'hwloc-xml', name },
    path: name,
    capturedAt: opts.capturedAt ?? null,
    machine: loose.machine.length ? { ...readMachine(col, root), osDevices: loose.machine } : readMachine(col, root),
    cpus,
    numaNodes,
    functions: pci.functions,
    osDevices: pci.osDevices,
    hostBridges,
    cxl: { memdevs: pci.memdevs, regions: [] },
    diagnostics: doc.diagnostics,
  };
}

/** Build a snapshot from hwloc XML (see readHwlocXml). */
export function snapshotFromHwlocXml(text: string, name: string, opts: HwlocXmlOptions = {}): BuildResult {
  return buildTopology(readHwlocXml(text, name, opts));
}

/** MIDR_EL1 from hwloc's ARM infos (CPUImplementer, CPUVariant, CPUPart, CPURevision);
 *  the architecture field is 0xf on every ARMv7/v8+ core. */
function midrOf(o: HwlocObject | null): string | null {
  if (!o) return null;
  const num = (k: string): number | null => {
    const v = o.info[k];
    if (v === undefined) return null;
    const n = Number(v.trim());
    return Number.isInteger(n) && n >= 0 ? n : null;
  };
  const impl = num('CPUImplementer');
  const variant = num('CPUVariant');
  const part = num('CPUPart');
  const rev = num('CPURevision');
  if (impl === null || variant === null || part === null || rev === null) return null;
  if (impl > 0xff || variant > 0xf || part > 0xfff || rev > 0xf) return null;
  return `0x${hex(impl, 2)}${hex(variant, 1)}f${hex(part, 3)}${hex(rev, 1)}`;
}

/** NUMA distance rows keyed by node id, columns in ascending id order. Prefers a
 *  latency matrix (kind bit 4, or name NUMALatency) over bandwidth ones. */
function pickDistances(
  all: readonly HwlocDistances[],
  numas: readonly HwlocObject[],
  nodeIds: readonly number[],
  warn: (d: HwlocDistances, msg: string) => void,
): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const candidates = all.filter((d) => d.type === 'NUMANode');
  const latency = candidates.find((d) => d.name === 'NUMALatency' || (d.kind & 4) !== 0 || d.indexes === null);
  const d = latency ?? null;
  if (!d || nodeIds.length === 0) return out;
  let ids: number[];
  if (d.indexes === null) {
    // v1: matrix over NUMA nodes in document (logical) order.
    ids = numas.map((n) => n.osIndex ?? -1);
  } else if (d.indexing === 'gp') {
    const byGp = new Map<number, number>();
    for (const n of numas) {
      const gp = Number(n.attributes.gp_index);
      if (Number.isFinite(gp) && n.osIndex !== null) byGp.set(gp, n.osIndex);
    }
    ids = d.indexes.map((g) => byGp.get(g) ?? -1);
  } else ids = [...d.indexes];
  if (ids.length !== d.nbobjs) {
    warn(d, `distance matrix covers ${d.nbobjs} objects but the XML has ${ids.length} NUMA nodes; distances left empty`);
    return out;
  }
  const pos = new Map<number, number>();
  ids.forEach((id, i) => pos.set(id, i));
  if (!nodeIds.every((id) => pos.has(id))) {
    warn(d, 'distance matrix does not cover every NUMA node; distances left empty');
    return out;
  }
  for (const a of nodeIds) {
    const i = pos.get(a)!;
    out.set(
      a,
      nodeIds.map((b) => d.values[i * d.nbobjs + pos.get(b)!]!),
    );
  }
  return out;
}
