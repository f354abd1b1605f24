// hwloc XML text → snapshot: machine, CPUs, NUMA nodes, host bridges, PCI functions,
// OS devices, CXL memdevs. It does not invent what the XML lacks (drivers, IOMMU groups,
// link speed/width, SR-IOV links): those stay null and one diagnostic says so.
import { annotateTopology } from '../annotate';
import { InputError } from '../errors';
import type {
  Cpu,
  CxlMemdev,
  Diagnostic,
  HostBridge,
  NumaKind,
  NumaNode,
  OsDevice,
  OsDeviceKind,
  PciDevice,
  PortKind,
  Snapshot,
} from '../model';
import { MAX_LIST_ID, formatCpuList } from '../parse/cpulist';
import { parseHwlocBitmap, parseHwlocXml, type HwlocDistances, type HwlocObject } from '../parse/hwloc-xml';
import { lookupClassName, lookupPciNames } from '../pci-ids';
import { refinePortKinds } from '../annotate/ports';

/** NUMA node ids above this are nonsense (Linux allows 1024; the schema 65535). */
const MAX_NODE_ID = 65535;

export interface HwlocXmlOptions {
  /** hwloc XML carries no capture time; the caller may know one (file mtime). */
  readonly capturedAt?: string;
}

/** Unknown capture time: the XML has none. */
const UNKNOWN_TIME = '1970-01-01T00:00:00.000Z';

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
const STORAGE_SUBTYPES = new Set(['Disk', 'Tape', 'Removable Media Device', 'NVM', 'SPM']);

function osDeviceKind(o: HwlocObject, major: number): OsDeviceKind {
  const name = o.name ?? '';
  const sub = o.subtype ?? '';
  // Namespaces (nvme0n1) are block devices, as sysfs lists them; only a controller (nvme0) is 'nvme'.
  const storage = (): OsDeviceKind => (/^nvme\d+$/.test(name) ? 'nvme' : 'block');
  const isDax = /^dax\d/.test(name) || o.info.DAXType !== undefined;
  if (sub === 'CXLMem') return 'cxl';
  if (isDax && (sub === 'NVM' || sub === 'SPM' || o.info.DAXType !== undefined)) return 'dax';
  if (GPU_SUBTYPES.has(sub)) return 'gpu';
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
    if (t & 8) return 'other';
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

/** Build a snapshot from hwloc XML. Throws InputError when the text is not a usable
 *  hwloc topology (malformed, refused DOCTYPE, limits); every other problem is a diagnostic. */
export function snapshotFromHwlocXml(
  text: string,
  name: string,
  opts: HwlocXmlOptions = {},
): { topology: Snapshot; diagnostics: Diagnostic[] } {
  const parsed = parseHwlocXml(text, name);
  const fatal = parsed.diagnostics.find((d) => d.severity === 'error');
  if (fatal) throw new InputError(fatal.message, fatal.path);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const major = parsed.majorVersion;
  const at = (o: HwlocObject): string => `${name}:${o.line}`;
  const warn = (o: HwlocObject, message: string, address?: string): void => {
    diagnostics.push({ severity: 'warning', path: at(o), ...(address ? { address } : {}), message });
  };
  const root = parsed.objects;

  // -- collect
  const pus: { obj: HwlocObject; ctx: Ctx }[] = [];
  const numas: HwlocObject[] = [];
  const packages: HwlocObject[] = [];
  const hostBridges = new Map<string, { obj: HwlocObject; locality: HwlocObject | null; behind: string | null }>();
  const pciObjs: { obj: HwlocObject; ctx: Ctx; address: string }[] = [];
  const looseOsDevs: HwlocObject[] = [];
  const osDevsOf = new Map<HwlocObject, HwlocObject[]>();
  const machines: HwlocObject[] = [];

  // Contexts are written out in full rather than spread: a spread is a runtime call each.
  const withCtx = (c: Ctx, change: Partial<Ctx>): Ctx => ({
    locality: change.locality !== undefined ? change.locality : c.locality,
    hostBridge: change.hostBridge !== undefined ? change.hostBridge : c.hostBridge,
    pciParent: change.pciParent !== undefined ? change.pciParent : c.pciParent,
    pciParentObj: change.pciParentObj !== undefined ? change.pciParentObj : c.pciParentObj,
    packageObj: change.packageObj !== undefined ? change.packageObj : c.packageObj,
    core: change.core !== undefined ? change.core : c.core,
    cluster: change.cluster !== undefined ? change.cluster : c.cluster,
  });
  const walk = (o: HwlocObject, ctx: Ctx): void => {
    let next = ctx;
    switch (o.type) {
      case 'Machine':
      case 'System':
        machines.push(o);
        break;
      case 'Package':
        packages.push(o);
        next = withCtx(next, { packageObj: o });
        break;
      case 'Core':
        next = withCtx(next, { core: o.osIndex });
        break;
      case 'Group':
        if (o.subtype === 'Cluster') next = withCtx(next, { cluster: o.osIndex });
        break;
      case 'PU':
        pus.push({ obj: o, ctx });
        break;
      case 'NUMANode':
        numas.push(o);
        break;
      case 'OSDev': {
        if (ctx.pciParentObj) {
          const list = osDevsOf.get(ctx.pciParentObj) ?? [];
          list.push(o);
          osDevsOf.set(ctx.pciParentObj, list);
        } else looseOsDevs.push(o);
        break;
      }
      default:
        break;
    }
    if (!IO_TYPES.has(o.type) && o.type !== 'topology' && o.cpuset !== null) next = withCtx(next, { locality: o });
    if (o.type === 'Bridge' && o.bridge && o.bridge.upstreamType === 0) {
      const b = o.bridge;
      if (b.domain === null || b.secondaryBus === null) {
        warn(o, 'host bridge without a readable bridge_pci bus range');
      } else {
        const id = `pci${hex(b.domain, 4)}:${hex(b.secondaryBus, 2)}`;
        if (hostBridges.has(id)) warn(o, `host bridge ${id} appears twice`);
        else hostBridges.set(id, { obj: o, locality: next.locality, behind: ctx.pciParent });
        next = withCtx(next, { hostBridge: { id, obj: o }, pciParent: null, pciParentObj: null });
      }
    } else if (o.pci && (o.type === 'PCIDev' || o.type === 'Bridge')) {
      const p = o.pci;
      const address = pciAddress(p.domain, p.bus, p.dev, p.func);
      pciObjs.push({ obj: o, ctx: next, address });
      next = withCtx(next, { pciParent: address, pciParentObj: o });
    }
    for (const c of o.children) walk(c, next);
  };
  walk(root, { locality: null, hostBridge: null, pciParent: null, pciParentObj: null, packageObj: null, core: null, cluster: null });

  // -- top-level facts: v3 puts them on <topology>, v1/v2 on the Machine.
  const infoOf = (key: string): string | null => {
    for (const o of [root, ...machines]) {
      const v = o.info[key];
      if (v !== undefined && v.trim() !== '') return v.trim();
    }
    return null;
  };

  // -- NUMA nodes and which node each PU belongs to
  const numaById = new Map<number, HwlocObject>();
  const numaSets = new Map<number, Set<number>>();
  for (const n of numas) {
    if (n.osIndex === null) {
      warn(n, 'NUMANode without os_index; skipped');
      continue;
    }
    if (n.osIndex > MAX_NODE_ID) {
      warn(n, `NUMA node os_index ${n.osIndex} is beyond any real machine; skipped`);
      continue;
    }
    if (numaById.has(n.osIndex)) {
      warn(n, `NUMA node ${n.osIndex} appears twice; the second is skipped`);
      continue;
    }
    numaById.set(n.osIndex, n);
    const b = n.cpuset !== null ? parseHwlocBitmap(n.cpuset) : null;
    if (n.cpuset !== null && !b) warn(n, `unreadable cpuset "${n.cpuset}" on NUMA node ${n.osIndex}`);
    numaSets.set(n.osIndex, new Set(b ? b.ids : []));
  }
  const ordinary = (n: HwlocObject): boolean => n.subtype === null || n.subtype === 'DRAM';
  const nodeOfCpu = (cpu: number): number | null => {
    // v1: NUMA nodes are ancestors with disjoint cpusets. v2+: memory children carry
    // their parent's cpuset, so a package with DRAM + HBM lists the CPUs twice; the
    // kernel puts the CPUs in the ordinary (DRAM) node, the other one is CPU-less.
    let best: number | null = null;
    for (const [id, set] of numaSets) {
      if (!set.has(cpu)) continue;
      if (best === null) {
        best = id;
        continue;
      }
      const a = numaById.get(best)!;
      const b = numaById.get(id)!;
      const rank = (n: HwlocObject, s: Set<number>): [number, number] => [ordinary(n) ? 0 : 1, s.size];
      const [ra, sa] = rank(a, numaSets.get(best)!);
      const [rb, sb] = rank(b, set);
      if (rb < ra || (rb === ra && sb < sa) || (rb === ra && sb === sa && id < best)) best = id;
    }
    return best;
  };

  const cpus: Cpu[] = [];
  const cpusOfNode = new Map<number, number[]>();
  const seenCpu = new Set<number>();
  for (const { obj, ctx } of pus) {
    if (obj.osIndex === null) {
      warn(obj, 'PU without os_index; skipped');
      continue;
    }
    if (obj.osIndex > MAX_LIST_ID) {
      warn(obj, `PU os_index ${obj.osIndex} is beyond any real machine; skipped`);
      continue;
    }
    if (seenCpu.has(obj.osIndex)) {
      warn(obj, `PU ${obj.osIndex} appears twice; the second is skipped`);
      continue;
    }
    seenCpu.add(obj.osIndex);
    const node = nodeOfCpu(obj.osIndex);
    if (node !== null) cpusOfNode.set(node, [...(cpusOfNode.get(node) ?? []), obj.osIndex]);
    const pkg = ctx.packageObj;
    const vendor = pkg?.info.CPUVendor ?? infoOf('CPUVendor');
    const midr = midrOf(pkg ?? null) ?? midrOf(machines[0] ?? null);
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

  const nodeIds = [...numaById.keys()].sort((a, b) => a - b);
  const distanceRows = pickDistances(parsed.distances, numas, nodeIds, (d, msg) =>
    diagnostics.push({ severity: 'warning', path: `${name}:${d.line}`, message: msg }),
  );
  const numaNodes: NumaNode[] = nodeIds.map((id) => {
    const n = numaById.get(id)!;
    const mine = cpusOfNode.get(id) ?? [];
    const { kind, reason } = numaKindOf(n, mine.length);
    return {
      id,
      cpus: formatCpuList(mine),
      memoryBytes: n.localMemory,
      distances: distanceRows.get(id) ?? [],
      kind,
      kindReason: reason,
    };
  });

  // -- locality from the nearest non-I/O ancestor
  // Many functions share one locality object (their package or machine): decode it once.
  const localityMemo = new Map<HwlocObject, { numaNode: number | null; localCpus: string | null }>();
  const localityOf = (o: HwlocObject | null): { numaNode: number | null; localCpus: string | null } => {
    if (!o) return { numaNode: null, localCpus: null };
    const hit = localityMemo.get(o);
    if (hit) return hit;
    const ns = o.nodeset !== null ? parseHwlocBitmap(o.nodeset) : null;
    const cs = o.cpuset !== null ? parseHwlocBitmap(o.cpuset) : null;
    const loc = {
      numaNode: ns && ns.ids.length === 1 && !ns.infinite ? ns.ids[0]! : null,
      localCpus: cs ? formatCpuList(cs.ids) : null,
    };
    localityMemo.set(o, loc);
    return loc;
  };

  // -- PCI functions
  // Name lookups, once per vendor:device and per class (10k functions have a few dozen).
  const namesMemo = new Map<string, ReturnType<typeof lookupPciNames>>();
  const pciNames = (vendorId: string, deviceId: string): ReturnType<typeof lookupPciNames> => {
    const key = vendorId + deviceId;
    let hit = namesMemo.get(key);
    if (hit === undefined) {
      hit = lookupPciNames(vendorId, deviceId);
      namesMemo.set(key, hit);
    }
    return hit;
  };
  const classMemo = new Map<string, string | null>();
  const className = (classId: string): string | null => {
    let hit = classMemo.get(classId);
    if (hit === undefined) {
      hit = lookupClassName(`0x${classId}00`);
      classMemo.set(classId, hit);
    }
    return hit;
  };
  const devices: PciDevice[] = [];
  const byAddress = new Map<string, { dev: PciDevice; obj: HwlocObject }>();
  let bandwidthCount = 0;
  let sampleBandwidth = '';
  for (const { obj, ctx, address } of pciObjs) {
    const p = obj.pci!;
    if (byAddress.has(address)) {
      warn(obj, `PCI function ${address} appears twice (line ${byAddress.get(address)!.obj.line} and here); the second is skipped`, address);
      continue;
    }
    const isBridge = obj.type === 'Bridge' && obj.bridge !== null && obj.bridge.downstreamType === 1;
    // hwloc XML has no PCIe port types: bridges get theirs from the tree's shape
    // (annotate/ports, after all devices are known).
    const portKind: PortKind = isBridge ? 'pci-bridge' : 'endpoint';
    // bus-range sanity: hwloc nests by bus ranges, a mismatch means an edited file.
    const up = ctx.pciParentObj?.bridge ?? ctx.hostBridge?.obj.bridge ?? null;
    if (up && up.secondaryBus !== null && up.subordinateBus !== null && (p.bus < up.secondaryBus || p.bus > up.subordinateBus || (up.domain !== null && up.domain !== p.domain))) {
      warn(obj, `${address} sits below a bridge whose bus range is ${hex(up.domain ?? 0, 4)}:[${hex(up.secondaryBus, 2)}-${hex(up.subordinateBus, 2)}]`, address);
    }
    const osDevices: OsDevice[] = [];
    for (const o of osDevsOf.get(obj) ?? []) {
      if (o.name === null || o.name === '') continue;
      const attrs: Record<string, string> = { ...o.info };
      if (o.subtype) attrs.subtype = o.subtype;
      const kind = osDeviceKind(o, major);
      osDevices.push(Object.keys(attrs).length > 0 ? { name: o.name, kind, attrs } : { name: o.name, kind });
    }
    let progIf = p.progIf;
    // v1/v2 exports drop the prog-if; an NVMe block device below class 0108 pins it to 02.
    if (progIf === null && p.classId === '0108' && osDevices.some((d) => /^nvme/.test(d.name))) progIf = '02';
    const looked = obj.info.PCIVendor === undefined || obj.info.PCIDevice === undefined ? pciNames(p.vendorId, p.deviceId) : null;
    const loc = localityOf(ctx.locality);
    if (p.linkGBps !== null && p.linkGBps > 0) {
      bandwidthCount += 1;
      if (!sampleBandwidth) sampleBandwidth = `${address} = ${p.linkGBps} GB/s`;
    }
    // Built field by field in the snapshot's key order, without object spreads.
    const dev = {
      address,
      parent: ctx.pciParent,
      hostBridge: ctx.hostBridge ? ctx.hostBridge.id : null,
      numaNode: loc.numaNode,
      localCpus: loc.localCpus,
      localityRule: 'imported',
      classCode: `0x${p.classId}${progIf ?? '00'}`,
      className: className(p.classId),
      vendorId: `0x${p.vendorId}`,
      deviceId: `0x${p.deviceId}`,
      subsystemVendorId: `0x${p.subVendorId}`,
      subsystemDeviceId: `0x${p.subDeviceId}`,
      revision: `0x${p.revision}`,
      vendorName: obj.info.PCIVendor ?? looked?.vendorName ?? null,
      deviceName: obj.info.PCIDevice ?? looked?.deviceName ?? null,
      driver: null,
      iommuGroup: null,
      link: null,
      sriov: null,
      osDevices,
      portKind,
      portKindSource: 'shape',
    } satisfies Partial<PciDevice> as { -readonly [K in keyof PciDevice]?: PciDevice[K] };
    if (isBridge) {
      dev.secondaryBus = obj.bridge!.secondaryBus;
      dev.subordinateBus = obj.bridge!.subordinateBus;
    }
    dev.slot = obj.info.PCISlot ?? null;
    dev.roles = [];
    dev.roleReasons = [];
    if (!ctx.hostBridge) warn(obj, `${address} is not below any host bridge`, address);
    byAddress.set(address, { dev: dev as PciDevice, obj });
    devices.push(dev as PciDevice);
  }
  refinePortKinds(devices);

  const hostBridgeList: HostBridge[] = [...hostBridges.entries()].map(([id, h]) => {
    const loc = localityOf(h.locality);
    return {
      id,
      domain: hex(h.obj.bridge!.domain!, 4),
      bus: hex(h.obj.bridge!.secondaryBus!, 2),
      numaNode: loc.numaNode,
      localCpus: loc.localCpus,
      behind: h.behind,
    };
  });

  // -- CXL memory devices (hwloc 2.10+ "CXLMem" OS devices below their PCI function)
  const memdevs: CxlMemdev[] = [];
  for (const { dev, obj } of byAddress.values()) {
    for (const o of osDevsOf.get(obj) ?? []) {
      if (o.subtype !== 'CXLMem' || !o.name) continue;
      memdevs.push({
        name: o.name,
        pciAddress: dev.address,
        ramBytes: kibToBytes(o.info.CXLRAMSize),
        pmemBytes: kibToBytes(o.info.CXLPMEMSize),
        numaNode: null,
        serial: o.info.CXLSerialNumber ?? null,
      });
    }
  }
  memdevs.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));

  // -- what the format cannot say
  if (devices.length > 0) {
    diagnostics.push({
      severity: 'info',
      path: name,
      message:
        `hwloc XML carries only a link bandwidth estimate (pci_link_speed, GB/s), not the link speed and width: ` +
        `link left null for all ${devices.length} PCI functions` +
        (bandwidthCount > 0 ? ` (${bandwidthCount} have a bandwidth, e.g. ${sampleBandwidth})` : '') +
        `; drivers, IOMMU groups and SR-IOV PF/VF links are not in the format either`,
    });
  }
  if (looseOsDevs.length > 0) {
    const names = looseOsDevs.map((o) => `${o.name ?? '?'} (${osDeviceKind(o, major)})`);
    diagnostics.push({
      severity: 'info',
      path: name,
      message: `${looseOsDevs.length} OS device(s) are not below a PCI function and have no place in the snapshot: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''}`,
    });
  }
  if (numaNodes.length === 0 && cpus.length > 0) {
    diagnostics.push({ severity: 'info', path: name, message: 'the XML lists no NUMA node' });
  }

  const cpuModels = [...new Set(packages.map((p) => p.info.CPUModel?.trim()).filter((m): m is string => !!m))];
  const machineModel = cpuModels.length > 0 ? cpuModels.join(' + ') : infoOf('CPUModel');
  const totalMemory = numas.reduce((s, n) => s + (n.localMemory ?? 0), 0);
  const arch = infoOf('Architecture');
  const dmi = (k: string): string | null => infoOf(k);

  const topology: Snapshot = {
    format: 'topolens-snapshot',
    version: 1,
    capturedAt: opts.capturedAt ?? UNKNOWN_TIME,
    source: { kind: 'hwloc-xml', name },
    machine: {
      hostname: infoOf('HostName'),
      arch: arch ?? 'unknown',
      archSource: arch ? 'hwloc Architecture info' : 'not in the XML',
      kernel: infoOf('OSRelease'),
      cpuModel: machineModel,
      os: infoOf('OSName'),
      totalMemoryBytes: numas.length > 0 ? totalMemory : (machines[0]?.localMemory ?? null),
      vendor: dmi('DMISysVendor'),
      product: dmi('DMIProductName'),
      cpus,
    },
    numaNodes,
    pci: { devices, hostBridges: hostBridgeList },
    cxl: { memdevs, regions: [] },
    diagnostics,
  };
  const annotated = annotateTopology(topology);
  return { topology: annotated, diagnostics: [...annotated.diagnostics] };
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
