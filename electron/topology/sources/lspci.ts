// Builds a snapshot from lspci text: tree from bridges' bus ranges (or the -t tree), locality,
// links, SR-IOV, arch hints. It reads no files and invents nothing lspci does not show
// (no CPUs, no memory, no netdevs).

import { annotateTopology } from '../annotate';
import type { Diagnostic, HostBridge, LinkInfo, NumaNode, PciDevice, PortKind, Snapshot, SriovInfo } from '../model';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from '../model';
import { parseLspci, type LspciRecord, type LspciTreeEntry } from '../parse/lspci';
import { lookupClassName, lookupPciNames } from '../pci-ids';
import { refinePortKinds } from '../annotate/ports';

/** lspci text carries no capture time. */
const UNKNOWN_TIME = '1970-01-01T00:00:00.000Z';

interface Fn {
  address: string;
  domain: string;
  bus: number;
  device: number;
  fn: number;
  rec: LspciRecord | null;
  tree: LspciTreeEntry | null;
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** A PciDevice while its last fields are added, in the order the snapshot lists them. */
type DeviceDraft = Omit<PciDevice, 'kernelModules' | 'capabilities' | 'roles' | 'roleReasons'> & {
  kernelModules?: readonly string[];
  capabilities?: readonly string[];
  roles?: PciDevice['roles'];
  roleReasons?: PciDevice['roleReasons'];
};

function splitAddress(address: string): { domain: string; bus: number; device: number; fn: number } {
  const m = /^([0-9a-f]+):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/.exec(address)!;
  return { domain: m[1]!, bus: parseInt(m[2]!, 16), device: parseInt(m[3]!, 16), fn: Number(m[4]) };
}

function safeLookup(vendorId: string, deviceId: string): { vendorName: string | null; deviceName: string | null } {
  try {
    return lookupPciNames(vendorId, deviceId);
  } catch {
    return { vendorName: null, deviceName: null };
  }
}

/** Vendor and device names from lspci's combined "Vendor Device" text, pci.ids filling gaps. */
function names(rec: LspciRecord | null, tree: LspciTreeEntry | null, vendorId: string | null, deviceId: string | null): {
  vendorName: string | null;
  deviceName: string | null;
} {
  const db = vendorId && deviceId ? safeLookup(`0x${vendorId}`, `0x${deviceId}`) : { vendorName: null, deviceName: null };
  if (rec && (rec.vendorName || rec.deviceName)) {
    // -vmm / -mm print them apart; "Device" alone means "not in that machine's pci.ids".
    const dev = rec.deviceName && rec.deviceName !== 'Device' ? rec.deviceName : db.deviceName;
    return { vendorName: rec.vendorName ?? db.vendorName, deviceName: dev };
  }
  const text = rec?.nameText ?? tree?.nameText ?? null;
  if (!text) return db;
  if (db.vendorName && text.startsWith(`${db.vendorName} `)) {
    const rest = text.slice(db.vendorName.length + 1).trim();
    return { vendorName: db.vendorName, deviceName: rest && rest !== 'Device' ? rest : db.deviceName };
  }
  if (text === 'Device') return db;
  if (text.endsWith(' Device')) return { vendorName: text.slice(0, -' Device'.length), deviceName: db.deviceName };
  // The capture's pci.ids spelled the vendor differently: keep its whole text as the device name.
  return { vendorName: db.vendorName, deviceName: text };
}

function expressKind(t: string | null): PortKind | null {
  if (!t) return null;
  switch (t) {
    case 'Root Port':
      return 'root-port';
    case 'Upstream Port':
      return 'switch-upstream';
    case 'Downstream Port':
      return 'switch-downstream';
    case 'Endpoint':
    case 'Legacy Endpoint':
      return 'endpoint';
    case 'Root Complex Integrated Endpoint':
      return 'rc-endpoint';
    case 'Root Complex Event Collector':
      return 'rc-event-collector';
    case 'PCI-Express to PCI/PCI-X Bridge':
    case 'PCI/PCI-X to PCI-Express Bridge':
      return 'pci-bridge';
    default:
      return null;
  }
}

const speedNum = (s: string | null): number | null => (s ? Number.parseFloat(s) : null);

/**
 * LnkCap / LnkSta → model link. An empty slot has no link: a root or downstream port
 * that reports Data Link Layer state (`LLActRep+`) and shows `DLActive-`, a slot whose
 * presence detect says empty with nothing listed below it, or any port at `Width x0`, prints a leftover LnkSta (often "2.5GT/s x1 (downgraded)") that says
 * nothing about a device. Such links get null speed/width and `downgraded: false`, so
 * an empty slot is never reported as a slow link.
 */
function buildLink(rec: LspciRecord, kind: PortKind, hasChildren: boolean): LinkInfo | null {
  const cap = rec.lnkCap;
  const sta = rec.lnkSta;
  if (!cap && !sta) return null;
  const maxSpeed = cap?.speed ?? null;
  // A capability of x0 (seen on emulated switch ports) means unknown, as sysfs reads it.
  const maxWidth = cap?.width ? cap.width : null;
  let speed = sta?.speed ?? null;
  let width = sta?.width ?? null;
  const isPort = kind === 'root-port' || kind === 'switch-downstream';
  const noLink =
    width === 0 ||
    (isPort && sta?.dlActive !== true &&
      ((cap?.llActRep === true && sta?.dlActive === false) ||
        // Presence detect alone is not trusted (Altra slots say PresDet- with a GPU in
        // them): only when nothing is listed below the port either.
        (rec.expressSlot === true && rec.presenceDetect === false && !hasChildren)));
  if (noLink) {
    speed = null;
    width = null;
  }
  let downgraded = false;
  if (!noLink) {
    const cs = speedNum(speed);
    const ms = speedNum(maxSpeed);
    if (cs !== null && ms !== null && cs < ms) downgraded = true;
    if (width !== null && maxWidth !== null && width < maxWidth) downgraded = true;
    if (sta?.speedTag === 'downgraded' || sta?.widthTag === 'downgraded') downgraded = true;
  }
  return { speed, width, maxSpeed, maxWidth, downgraded };
}

const ARCH_HINTS: ReadonlyArray<{ arch: string; test: (v: string, d: string, cls: string) => boolean; what: string }> = [
  { arch: 'aarch64', what: 'Ampere', test: (v, _d, cls) => v === '1def' && cls.startsWith('06') },
  { arch: 'aarch64', what: 'HiSilicon Kunpeng', test: (v, d, cls) => v === '19e5' && /^a1[0-9a-f]{2}$/.test(d) && cls.startsWith('06') },
  { arch: 'aarch64', what: 'Cavium/Marvell ThunderX2', test: (v, d, cls) => v === '177d' && /^af[0-9a-f]{2}$/.test(d) && cls.startsWith('06') },
  { arch: 'aarch64', what: 'NVIDIA Grace', test: (v, d, cls) => v === '10de' && /^22b[0-9a-f]$/.test(d) && cls.startsWith('06') },
  { arch: 'x86_64', what: 'Intel', test: (v, _d, cls) => v === '8086' && cls === '0600' },
  { arch: 'x86_64', what: 'AMD', test: (v, _d, cls) => (v === '1022' || v === '1d94') && cls === '0600' },
];

/** Arch from root complexes / host bridges / root ports that only exist on one arch. */
function inferArch(fns: readonly Fn[], rootOf: (f: Fn) => boolean): { arch: string; archSource?: string } {
  for (const pass of ['aarch64', 'x86_64']) {
    for (const f of fns) {
      const r = f.rec;
      const v = r?.vendorId ?? f.tree?.vendorId ?? null;
      const d = r?.deviceId ?? f.tree?.deviceId ?? null;
      const cls = r?.classId ?? '';
      if (!v || !d) continue;
      // Only functions on a root bus speak for the platform (an Intel NIC on an Altra does not).
      if (!rootOf(f)) continue;
      for (const h of ARCH_HINTS) {
        if (h.arch === pass && h.test(v, d, cls)) {
          return { arch: h.arch, archSource: `lspci: ${h.what} ${cls === '0600' ? 'host bridge' : 'root complex device'} ${f.address} [${v}:${d}]` };
        }
      }
    }
  }
  return { arch: 'unknown' };
}

export function snapshotFromLspci(text: string, name: string): { topology: Snapshot; diagnostics: Diagnostic[] } {
  const parsed = parseLspci(text, name);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const info = (message: string, address?: string): void => {
    diagnostics.push({ severity: 'info', path: name, ...(address ? { address } : {}), message });
  };
  const warn = (message: string, address?: string, line?: number): void => {
    diagnostics.push({ severity: 'warning', path: line ? `${name}:${line}` : name, ...(address ? { address } : {}), message });
  };

  // ---- functions: records first, then tree-only entries ----
  const fns = new Map<string, Fn>();
  for (const r of parsed.records) {
    fns.set(r.address, { address: r.address, domain: r.domain, bus: r.bus, device: r.device, fn: r.function, rec: r, tree: null });
  }
  const treeEntries = parsed.tree ?? [];
  let treeOnly = 0;
  for (const t of treeEntries) {
    const f = fns.get(t.address);
    if (f) f.tree = t;
    else {
      const a = splitAddress(t.address);
      fns.set(t.address, { address: t.address, domain: a.domain, bus: a.bus, device: a.device, fn: a.fn, rec: null, tree: t });
      treeOnly++;
    }
  }
  if (treeOnly > 0 && parsed.records.length > 0) {
    warn(`${treeOnly} function(s) appear only in the -t tree, not in the detailed listing`);
  }
  const all0 = [...fns.values()];
  const noIds = all0.filter((f) => !(f.rec?.vendorId ?? f.tree?.vendorId)).length;
  const noClass = all0.filter((f) => !f.rec?.classId).length;
  if (noIds > 0 || noClass > 0) {
    info(
      `lspci was run without -nn (or only -t): ${noIds} function(s) have unknown vendor/device IDs (0xffff), ` +
        `${noClass} an unknown class code (0x000000, or 0x060400 for bridges the tree shows); names are kept as printed`,
    );
  }
  if (parsed.records.length > 0 && treeEntries.length > 0) {
    const inRecords = new Set(parsed.records.map((r) => r.address));
    const inTree = new Set(treeEntries.map((t) => t.address));
    const missing = parsed.records.filter((r) => !inTree.has(r.address)).length;
    if (missing > 0 && inRecords.size > 0) warn(`${missing} function(s) of the detailed listing are missing from the -t tree`);
  }
  const all = [...fns.values()];

  // ---- bridges: (domain, secondary bus) → bridge ----
  const bySecondary = new Map<string, Fn>();
  const ranges: Array<{ f: Fn; sec: number; sub: number }> = [];
  let haveBusLines = false;
  for (const f of all) {
    const r = f.rec;
    const sec = r?.secondaryBus ?? null;
    if (r && sec !== null) haveBusLines = true;
    if (!r || sec === null) continue;
    const sub = r.subordinateBus ?? sec;
    if (sec <= f.bus || sub < sec) {
      // e.g. a virtual root port with secondary=00 on bus 00: claiming its own bus would make a cycle.
      warn(`bridge ${f.address} has an impossible bus range (primary ${hex2(r.primaryBus ?? f.bus)}, secondary ${hex2(sec)}, subordinate ${hex2(sub)}); ignored for the tree`, f.address, r.line);
      continue;
    }
    if (r.primaryBus !== null && r.primaryBus !== f.bus) {
      warn(`bridge ${f.address} says primary=${hex2(r.primaryBus)} but sits on bus ${hex2(f.bus)}`, f.address, r.line);
    }
    const key = `${f.domain}:${hex2(sec)}`;
    const prev = bySecondary.get(key);
    if (prev) {
      warn(`bridges ${prev.address} and ${f.address} both claim bus ${key}; keeping the first`, f.address, r.line);
      continue;
    }
    bySecondary.set(key, f);
    ranges.push({ f, sec, sub });
  }

  // ---- parents ----
  const rangesByDomain = new Map<string, Array<{ f: Fn; sec: number; sub: number }>>();
  for (const r of ranges) {
    const list = rangesByDomain.get(r.f.domain) ?? [];
    list.push(r);
    rangesByDomain.set(r.f.domain, list);
  }
  const narrowMemo = new Map<string, { f: Fn; sec: number; sub: number } | null>();
  const narrowest = (domain: string, bus: number): { f: Fn; sec: number; sub: number } | null => {
    const key = `${domain}:${bus}`;
    if (narrowMemo.has(key)) return narrowMemo.get(key) ?? null;
    let best: { f: Fn; sec: number; sub: number } | null = null;
    for (const r of rangesByDomain.get(domain) ?? []) {
      if (bus >= r.sec && bus <= r.sub && (!best || r.sub - r.sec < best.sub - best.sec)) best = r;
    }
    narrowMemo.set(key, best);
    return best;
  };
  const parentOf = new Map<string, string | null>();
  const treeParents = new Map(treeEntries.map((t) => [t.address, t.parent] as const));
  const useTree = treeEntries.length > 0;
  let inRangeOnly = 0;
  let disagreements = 0;
  for (const f of all) {
    let parent: string | null = null;
    let decided = false;
    if (haveBusLines) {
      const b = bySecondary.get(`${f.domain}:${hex2(f.bus)}`);
      if (b && b.address !== f.address) {
        parent = b.address;
        decided = true;
      } else {
        // Not a bridge's secondary bus, but inside some bridge's range: take the narrowest.
        const best = narrowest(f.domain, f.bus);
        if (best && best.f.address !== f.address) {
          parent = best.f.address;
          decided = true;
          inRangeOnly++;
        }
      }
    }
    if (useTree && treeParents.has(f.address)) {
      const tp = treeParents.get(f.address) ?? null;
      if (!haveBusLines || (!decided && tp !== null)) {
        parent = tp;
        decided = tp !== null;
      } else if (tp !== parent) {
        disagreements++;
        if (disagreements <= 5) warn(`-t tree puts ${f.address} under ${tp ?? 'a root bus'}, the bridges' bus ranges under ${parent ?? 'a root bus'}; using the bus ranges`, f.address);
      }
    }
    parentOf.set(f.address, parent && fns.has(parent) ? parent : null);
  }
  if (inRangeOnly > 0) warn(`${inRangeOnly} function(s) sit on a bus inside a bridge's range that no bridge has as its secondary bus; attached to the narrowest such bridge`);
  const bridgeClass = (f: Fn) => f.rec?.classId === '0604' || f.rec?.classId === '0609' || f.rec?.classId === '0607';
  if (!haveBusLines && !useTree && all.some(bridgeClass)) {
    info('no bridge bus ranges (Bus: primary=/secondary=) and no -t tree in the input: devices are kept flat under their own bus (parent null)');
  }
  if (all.some((f) => f.rec?.capsDenied)) {
    info('captured without root ("Capabilities: <access denied>"): no PCIe port types, link state, SR-IOV, ACS/AER or CXL capabilities');
  }


  // ---- root bus of each function (cycle-safe) ----
  const rootBus = new Map<string, string>();
  const rootOfFn = (f: Fn): string => {
    const hit = rootBus.get(f.address);
    if (hit) return hit;
    const seen = new Set<string>();
    let cur: Fn = f;
    for (;;) {
      seen.add(cur.address);
      const p = parentOf.get(cur.address) ?? null;
      const pf = p ? fns.get(p) : undefined;
      if (!pf || seen.has(pf.address)) {
        if (pf && seen.has(pf.address)) {
          warn(`parent cycle through ${cur.address}; cut`, cur.address);
          parentOf.set(cur.address, null);
        }
        break;
      }
      cur = pf;
    }
    const rb = `pci${cur.domain}:${hex2(cur.bus)}`;
    for (const a of seen) rootBus.set(a, rb);
    return rb;
  };
  for (const f of all) rootOfFn(f);
  const onRootBus = (f: Fn): boolean => parentOf.get(f.address) === null;

  // ---- SR-IOV: VF addresses from each PF's offset/stride, proven by the VF Device ID ----
  const vfOf = new Map<string, string>();
  const pfVfs = new Map<string, string[]>();
  for (const f of all) {
    const s = f.rec?.sriov;
    if (!s || !s.numVfs || s.vfOffset === null || s.vfStride === null || !s.vfDeviceId) continue;
    const rid = (f.bus << 8) | (f.device << 3) | f.fn;
    const list: string[] = [];
    for (let i = 0; i < s.numVfs && i < 4096; i++) {
      const v = rid + s.vfOffset + i * s.vfStride;
      if (v > 0xffff) break;
      const addr = `${f.domain}:${hex2(v >> 8)}:${hex2((v >> 3) & 0x1f)}.${v & 7}`;
      const vf = fns.get(addr);
      const vfDev = vf?.rec?.deviceId ?? vf?.tree?.deviceId ?? null;
      if (vf && vfDev === s.vfDeviceId) {
        list.push(addr);
        vfOf.set(addr, f.address);
      }
    }
    pfVfs.set(f.address, list);
    if (list.length < s.numVfs) info(`${f.address} has ${s.numVfs} VFs enabled; ${list.length} of them are in the listing`, f.address);
  }

  // ---- devices ----
  const hasChildren = new Set([...parentOf.values()].filter((p): p is string => p !== null));
  const devices: PciDevice[] = [];
  for (const f of all) {
    const r = f.rec;
    const t = f.tree;
    const vendorHex = r?.vendorId ?? t?.vendorId ?? null;
    const deviceHex = r?.deviceId ?? t?.deviceId ?? null;
    let classHex = r?.classId ?? null;
    if (!classHex && t?.secondaryBus !== null && t?.secondaryBus !== undefined) classHex = '0604';
    const progIf = r?.progIf ?? '00';
    const classCode = `0x${classHex ?? '0000'}${classHex ? progIf : '00'}`;
    const nm = names(r, t, vendorHex, deviceHex);
    const parent = parentOf.get(f.address) ?? null;
    const isBridge = (r?.secondaryBus ?? t?.secondaryBus ?? null) !== null || classHex === '0604' || classHex === '0609';

    let portKind: PortKind;
    let portKindSource: 'lspci' | 'shape';
    const ek = expressKind(r?.expressType ?? null);
    if (classHex === '0600' && parent === null && !(r?.secondaryBus != null)) {
      // A host bridge function (some print a Root Port capability for their DMI link).
      portKind = 'host-bridge';
      portKindSource = ek ? 'lspci' : 'shape';
    } else if (ek) {
      portKind = ek;
      portKindSource = 'lspci';
    } else {
      portKind = isBridge ? 'pci-bridge' : 'endpoint';
      portKindSource = 'shape';
    }

    const numaNode = r?.numaNode ?? null;
    let sriov: SriovInfo | null = null;
    if (r?.sriov) {
      sriov = { totalVfs: r.sriov.totalVfs, numVfs: r.sriov.numVfs, physfn: null, vfs: pfVfs.get(f.address) ?? [] };
    } else if (vfOf.has(f.address)) {
      sriov = { totalVfs: null, numVfs: null, physfn: vfOf.get(f.address)!, vfs: [] };
    }
    // Built field by field in the literal's key order (exports keep it); no object spreads,
    // which cost a runtime call each.
    const dev = {
      address: f.address,
      parent,
      hostBridge: rootBus.get(f.address) ?? `pci${f.domain}:${hex2(f.bus)}`,
      numaNode,
      localCpus: null,
      localityRule: numaNode !== null ? 'imported' : 'unknown',
      classCode,
      className: r?.className ?? lookupClassName(classCode),
      vendorId: vendorHex ? `0x${vendorHex}` : '0xffff',
      deviceId: deviceHex ? `0x${deviceHex}` : '0xffff',
      subsystemVendorId: r?.subsystemVendorId ? `0x${r.subsystemVendorId}` : null,
      subsystemDeviceId: r?.subsystemDeviceId ? `0x${r.subsystemDeviceId}` : null,
      revision: r?.revision ? `0x${r.revision}` : null,
      vendorName: nm.vendorName,
      deviceName: nm.deviceName,
      driver: r?.driver ?? null,
      iommuGroup: r?.iommuGroup ?? null,
      link: r ? buildLink(r, portKind, hasChildren.has(f.address)) : null,
      sriov,
      osDevices: [],
      portKind,
      portKindSource,
      secondaryBus: r?.secondaryBus ?? t?.secondaryBus ?? null,
      subordinateBus: r?.subordinateBus ?? t?.subordinateBus ?? null,
      slot: r?.physicalSlot ?? r?.label ?? null,
    } satisfies DeviceDraft as DeviceDraft;
    if (r?.modules.length) dev.kernelModules = r.modules;
    if (r) dev.capabilities = capabilityList(r);
    dev.roles = [];
    dev.roleReasons = [];
    devices.push(dev as PciDevice);
  }
  refinePortKinds(devices);
  // Address order (domain, bus, device, function), the numbers taken from each function once.
  const sortKeys = devices.map((d) => {
    const f = fns.get(d.address)!;
    return { d, domain: parseInt(f.domain, 16), bus: f.bus, device: f.device, fn: f.fn };
  });
  sortKeys.sort((a, b) => a.domain - b.domain || a.bus - b.bus || a.device - b.device || a.fn - b.fn);
  for (let i = 0; i < sortKeys.length; i++) devices[i] = sortKeys[i]!.d;

  // ---- host bridges, NUMA, machine ----
  const hbIds = [...new Set(devices.map((d) => d.hostBridge).filter((x): x is string => x !== null))].sort();
  const hostBridges: HostBridge[] = hbIds.map((id) => {
    const m = /^pci([0-9a-f]+):([0-9a-f]{2})$/.exec(id)!;
    return { id, domain: m[1]!, bus: m[2]!, numaNode: null, localCpus: null, behind: null };
  });
  const nodeIds = [...new Set(devices.map((d) => d.numaNode).filter((n): n is number => n !== null && n >= 0))].sort((a, b) => a - b);
  const numaNodes: NumaNode[] = nodeIds.map((id) => ({
    id,
    cpus: '',
    memoryBytes: null,
    distances: [],
    kind: 'dram',
    kindReason: 'seen in lspci "NUMA node:" lines; lspci shows no CPUs or memory',
  }));
  if (devices.length > 0) {
    info(
      'lspci text carries no CPUs, memory, NUMA distances, netdev/RDMA/block names or capture time: ' +
        (nodeIds.length ? `NUMA nodes ${nodeIds.join(', ')} are known only from devices' "NUMA node:" lines` : 'no NUMA node lines either'),
    );
  }
  const arch = inferArch(all, onRootBus);
  const machine = {
    hostname: null,
    arch: arch.arch,
    ...(arch.archSource ? { archSource: arch.archSource } : { archSource: 'lspci: no root complex device that only exists on one architecture' }),
    kernel: null,
    cpuModel: null,
    cpus: [],
  };

  const raw: Snapshot = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    capturedAt: UNKNOWN_TIME,
    source: { kind: 'lspci', name },
    machine,
    numaNodes,
    pci: { devices, hostBridges },
    cxl: { memdevs: [], regions: [] },
    diagnostics,
  };
  let topology: Snapshot;
  try {
    topology = annotateTopology(raw);
  } catch (e) {
    diagnostics.push({ severity: 'error', path: name, message: `annotation failed: ${(e as Error).message}` });
    topology = raw;
  }
  return { topology, diagnostics };
}


/** Capabilities the model records ('cxl' makes the cxl role). */
function capabilityList(r: LspciRecord): string[] {
  const out: string[] = [];
  if (r.aer) out.push('aer');
  if (r.acs) out.push('acs');
  if (r.cxlDvsecs.length) out.push('cxl');
  if (r.sriov) out.push('sriov');
  return out;
}
