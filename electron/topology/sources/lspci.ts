// lspci text → records (records.ts): each function's parent from bridges' bus ranges
// (or the -t tree), links, SR-IOV, arch hints. It reads no files, looks nothing up
// (names and port kinds from the tree's shape are build/'s) and invents nothing lspci
// does not show (no CPUs, no memory, no netdevs).

import { buildTopology, type BuildResult } from '../build';
import type { Diagnostic, LinkInfo, NumaNode, PortKind, SriovInfo } from '../model';
import { parseLspci, type LspciParseResult, type LspciRecord, type LspciTreeEntry } from '../parse/lspci';
import type { PciFunctionFacts, PciFunctionRecord, SourceRecords } from '../records';

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

function splitAddress(address: string): { domain: string; bus: number; device: number; fn: number } {
  const m = /^([0-9a-f]+):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/.exec(address)!;
  return { domain: m[1]!, bus: parseInt(m[2]!, 16), device: parseInt(m[3]!, 16), fn: Number(m[4]) };
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

type Range = { f: Fn; sec: number; sub: number };

/** Diagnostics of one lspci text, with its file name (and line) as the path. */
class Notes {
  readonly list: Diagnostic[];
  constructor(readonly name: string, first: readonly Diagnostic[]) {
    this.list = [...first];
  }
  info(message: string, address?: string): void {
    this.list.push({ severity: 'info', path: this.name, ...(address ? { address } : {}), message });
  }
  warn(message: string, address?: string, line?: number): void {
    this.list.push({ severity: 'warning', path: line ? `${this.name}:${line}` : this.name, ...(address ? { address } : {}), message });
  }
}

/** Every function once: the detailed listing's records first, then tree-only entries. */
function collectFunctions(parsed: LspciParseResult, n: Notes): Map<string, Fn> {
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
    n.warn(`${treeOnly} function(s) appear only in the -t tree, not in the detailed listing`);
  }
  const all = [...fns.values()];
  const noIds = all.filter((f) => !(f.rec?.vendorId ?? f.tree?.vendorId)).length;
  const noClass = all.filter((f) => !f.rec?.classId).length;
  if (noIds > 0 || noClass > 0) {
    n.info(
      `lspci was run without -nn (or only -t): ${noIds} function(s) show no vendor/device IDs, ` +
        `${noClass} no class code (bridges the tree shows are taken as class 0x0604, prog-if unknown); ` +
        'the builder recovers what it can from the printed names through pci.ids',
    );
  }
  if (parsed.records.length > 0 && treeEntries.length > 0) {
    const inTree = new Set(treeEntries.map((t) => t.address));
    const missing = parsed.records.filter((r) => !inTree.has(r.address)).length;
    if (missing > 0) n.warn(`${missing} function(s) of the detailed listing are missing from the -t tree`);
  }
  return fns;
}

/** Bridges' bus ranges, (domain, secondary bus) → bridge; impossible or doubled ranges are warned about and left out. */
function bridgeRanges(all: readonly Fn[], n: Notes): { bySecondary: Map<string, Fn>; ranges: Range[]; haveBusLines: boolean } {
  const bySecondary = new Map<string, Fn>();
  const ranges: Range[] = [];
  let haveBusLines = false;
  for (const f of all) {
    const r = f.rec;
    const sec = r?.secondaryBus ?? null;
    if (!r || sec === null) continue;
    haveBusLines = true;
    const sub = r.subordinateBus ?? sec;
    if (sec <= f.bus || sub < sec) {
      // e.g. a virtual root port with secondary=00 on bus 00: claiming its own bus would make a cycle.
      n.warn(`bridge ${f.address} has an impossible bus range (primary ${hex2(r.primaryBus ?? f.bus)}, secondary ${hex2(sec)}, subordinate ${hex2(sub)}); ignored for the tree`, f.address, r.line);
      continue;
    }
    if (r.primaryBus !== null && r.primaryBus !== f.bus) {
      n.warn(`bridge ${f.address} says primary=${hex2(r.primaryBus)} but sits on bus ${hex2(f.bus)}`, f.address, r.line);
    }
    const key = `${f.domain}:${hex2(sec)}`;
    const prev = bySecondary.get(key);
    if (prev) {
      n.warn(`bridges ${prev.address} and ${f.address} both claim bus ${key}; keeping the first`, f.address, r.line);
      continue;
    }
    bySecondary.set(key, f);
    ranges.push({ f, sec, sub });
  }
  return { bySecondary, ranges, haveBusLines };
}

/** The narrowest bridge range holding (domain, bus), memoised. */
function narrowestRange(ranges: readonly Range[]): (domain: string, bus: number) => Range | null {
  const byDomain = new Map<string, Range[]>();
  for (const r of ranges) {
    const list = byDomain.get(r.f.domain) ?? [];
    list.push(r);
    byDomain.set(r.f.domain, list);
  }
  const memo = new Map<string, Range | null>();
  return (domain, bus) => {
    const key = `${domain}:${bus}`;
    if (memo.has(key)) return memo.get(key) ?? null;
    let best: Range | null = null;
    for (const r of byDomain.get(domain) ?? []) {
      if (bus >= r.sec && bus <= r.sub && (!best || r.sub - r.sec < best.sub - best.sec)) best = r;
    }
    memo.set(key, best);
    return best;
  };
}

/**
 * Each function's parent: the bridge whose secondary bus it sits on, else the narrowest
 * range holding its bus; the -t tree decides where there are no bus lines (or they say
 * nothing) and is checked against them otherwise.
 */
function assignParents(fns: ReadonlyMap<string, Fn>, treeEntries: readonly LspciTreeEntry[], n: Notes): Map<string, string | null> {
  const all = [...fns.values()];
  const { bySecondary, ranges, haveBusLines } = bridgeRanges(all, n);
  const narrowest = narrowestRange(ranges);
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
      const best = b && b.address !== f.address ? null : narrowest(f.domain, f.bus);
      if (b && b.address !== f.address) {
        parent = b.address;
        decided = true;
      } else if (best && best.f.address !== f.address) {
        // Not a bridge's secondary bus, but inside some bridge's range: take the narrowest.
        parent = best.f.address;
        decided = true;
        inRangeOnly++;
      }
    }
    if (useTree && treeParents.has(f.address)) {
      const tp = treeParents.get(f.address) ?? null;
      if (!haveBusLines || (!decided && tp !== null)) {
        parent = tp;
      } else if (tp !== parent) {
        disagreements++;
        if (disagreements <= 5) n.warn(`-t tree puts ${f.address} under ${tp ?? 'a root bus'}, the bridges' bus ranges under ${parent ?? 'a root bus'}; using the bus ranges`, f.address);
      }
    }
    parentOf.set(f.address, parent && fns.has(parent) ? parent : null);
  }
  if (inRangeOnly > 0) n.warn(`${inRangeOnly} function(s) sit on a bus inside a bridge's range that no bridge has as its secondary bus; attached to the narrowest such bridge`);
  const bridgeClass = (f: Fn) => f.rec?.classId === '0604' || f.rec?.classId === '0609' || f.rec?.classId === '0607';
  if (!haveBusLines && !useTree && all.some(bridgeClass)) {
    n.info('no bridge bus ranges (Bus: primary=/secondary=) and no -t tree in the input: devices are kept flat under their own bus (parent null)');
  }
  return parentOf;
}

/** The root bus ("pci0000:00") each function descends from; a parent cycle is cut (and warned about). */
function rootBuses(fns: ReadonlyMap<string, Fn>, parentOf: Map<string, string | null>, n: Notes): Map<string, string> {
  const rootBus = new Map<string, string>();
  for (const f of fns.values()) {
    if (rootBus.has(f.address)) continue;
    const seen = new Set<string>();
    let cur: Fn = f;
    for (;;) {
      seen.add(cur.address);
      const p = parentOf.get(cur.address) ?? null;
      const pf = p ? fns.get(p) : undefined;
      if (!pf || seen.has(pf.address)) {
        if (pf && seen.has(pf.address)) {
          n.warn(`parent cycle through ${cur.address}; cut`, cur.address);
          parentOf.set(cur.address, null);
        }
        break;
      }
      cur = pf;
    }
    const rb = `pci${cur.domain}:${hex2(cur.bus)}`;
    for (const a of seen) rootBus.set(a, rb);
  }
  return rootBus;
}

/** SR-IOV: VF addresses from each PF's offset/stride, proven by the VF Device ID. */
function linkVfs(fns: ReadonlyMap<string, Fn>, n: Notes): { vfOf: Map<string, string>; pfVfs: Map<string, string[]> } {
  const vfOf = new Map<string, string>();
  const pfVfs = new Map<string, string[]>();
  for (const f of fns.values()) {
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
    if (list.length < s.numVfs) n.info(`${f.address} has ${s.numVfs} VFs enabled; ${list.length} of them are in the listing`, f.address);
  }
  return { vfOf, pfVfs };
}

/** The port kind lspci shows: the Express capability's type, else bridge or endpoint (host bridges: build/port-kinds.ts). */
function lspciPortKind(f: Fn, classHex: string | null): { portKind: PortKind; portKindSource: 'lspci' | 'shape' } {
  const r = f.rec;
  const ek = expressKind(r?.expressType ?? null);
  if (ek) return { portKind: ek, portKindSource: 'lspci' };
  const isBridge = (r?.secondaryBus ?? f.tree?.secondaryBus ?? null) !== null || classHex === '0604' || classHex === '0609';
  return { portKind: isBridge ? 'pci-bridge' : 'endpoint', portKindSource: 'shape' };
}

/** The names lspci printed: apart (-mm), or as one "Vendor Device" text for build/names.ts to split. */
function printedNames(r: LspciRecord | null, t: LspciTreeEntry | null): { vendorName: string | null; deviceName: string | null; nameText: string | null } {
  if (r && (r.vendorName || r.deviceName)) {
    // "Device" alone means "not in that machine's pci.ids".
    return { vendorName: r.vendorName, deviceName: r.deviceName && r.deviceName !== 'Device' ? r.deviceName : null, nameText: null };
  }
  return { vendorName: null, deviceName: null, nameText: r?.nameText ?? t?.nameText ?? null };
}

interface TreeFacts {
  readonly parentOf: ReadonlyMap<string, string | null>;
  readonly rootBus: ReadonlyMap<string, string>;
  readonly hasChildren: ReadonlySet<string>;
  readonly vfOf: ReadonlyMap<string, string>;
  readonly pfVfs: ReadonlyMap<string, string[]>;
}

/** One function's record from its listing entry and tree entry. */
function functionRecord(f: Fn, tf: TreeFacts, name: string): PciFunctionRecord {
  const r = f.rec;
  const t = f.tree;
  const vendorHex = r?.vendorId ?? t?.vendorId ?? null;
  const deviceHex = r?.deviceId ?? t?.deviceId ?? null;
  let classHex = r?.classId ?? null;
  if (!classHex && t?.secondaryBus !== null && t?.secondaryBus !== undefined) classHex = '0604';
  // lspci -v and more print the prog-if whenever it is non-zero or named (lspci.c
  // show_terse), so none printed there is 00; plain `lspci`/`-k` never print it.
  const progIf = r?.progIf ?? (r?.verbose ? '00' : null);
  const parent = tf.parentOf.get(f.address) ?? null;
  const { portKind, portKindSource } = lspciPortKind(f, classHex);
  const numaNode = r?.numaNode ?? null;
  let sriov: SriovInfo | null = null;
  if (r?.sriov) sriov = { totalVfs: r.sriov.totalVfs, numVfs: r.sriov.numVfs, physfn: null, vfs: tf.pfVfs.get(f.address) ?? [] };
  else if (tf.vfOf.has(f.address)) sriov = { totalVfs: null, numVfs: null, physfn: tf.vfOf.get(f.address)!, vfs: [] };
  const nm = printedNames(r, t);
  // Built field by field in the literal's key order (exports keep it); no object spreads,
  // which cost a runtime call each.
  const fn: { -readonly [K in keyof PciFunctionFacts]: PciFunctionFacts[K] } = {
    address: f.address,
    parent,
    hostBridge: tf.rootBus.get(f.address) ?? `pci${f.domain}:${hex2(f.bus)}`,
    numaNode,
    localCpus: null,
    localityRule: numaNode !== null ? 'imported' : 'unknown',
    classCode: classHex ? `0x${classHex}${progIf ?? ''}` : null,
    className: r?.className ?? null,
    vendorId: vendorHex ? `0x${vendorHex}` : null,
    deviceId: deviceHex ? `0x${deviceHex}` : null,
    subsystemVendorId: r?.subsystemVendorId ? `0x${r.subsystemVendorId}` : null,
    subsystemDeviceId: r?.subsystemDeviceId ? `0x${r.subsystemDeviceId}` : null,
    revision: r?.revision ? `0x${r.revision}` : null,
    vendorName: nm.vendorName,
    deviceName: nm.deviceName,
    driver: r?.driver ?? null,
    iommuGroup: r?.iommuGroup ?? null,
    link: r ? buildLink(r, portKind, tf.hasChildren.has(f.address)) : null,
    sriov,
    osDevices: [],
    portKind,
    portKindSource,
    secondaryBus: r?.secondaryBus ?? t?.secondaryBus ?? null,
    subordinateBus: r?.subordinateBus ?? t?.subordinateBus ?? null,
    slot: r?.physicalSlot ?? r?.label ?? null,
  };
  if (r?.modules.length) fn.kernelModules = r.modules;
  if (r) fn.capabilities = capabilityList(r);
  fn.roles = [];
  fn.roleReasons = [];
  const rec: { -readonly [K in keyof PciFunctionRecord]: PciFunctionRecord[K] } = { fn, from: `${name}:${r?.line ?? t?.line ?? 0}`, nameText: nm.nameText };
  // Printed without IDs: what build/names.ts needs to recover them from the names.
  if (!classHex && r?.className) rec.printedProgIf = progIf;
  if (r?.subsystemName && !r.subsystemVendorId) rec.subsystemText = r.subsystemName;
  return rec;
}

/** Address order (domain, bus, device, function), the numbers taken from each function once. */
function byAddress(fns: readonly Fn[]): Fn[] {
  return [...fns].sort((a, b) => parseInt(a.domain, 16) - parseInt(b.domain, 16) || a.bus - b.bus || a.device - b.device || a.fn - b.fn);
}

/** NUMA nodes lspci names ("NUMA node:" lines): ids only, no CPUs or memory. */
function numaNodesSeen(records: readonly PciFunctionRecord[], n: Notes): NumaNode[] {
  const nodeIds = [...new Set(records.map((r) => r.fn.numaNode).filter((x): x is number => x !== null && x >= 0))].sort((a, b) => a - b);
  if (records.length > 0) {
    n.info(
      'lspci text carries no CPUs, memory, NUMA distances, netdev/RDMA/block names or capture time: ' +
        (nodeIds.length ? `NUMA nodes ${nodeIds.join(', ')} are known only from devices' "NUMA node:" lines` : 'no NUMA node lines either'),
    );
  }
  return nodeIds.map((id) => ({ id, cpus: '', memoryBytes: null, distances: [], kind: 'dram', kindReason: 'seen in lspci "NUMA node:" lines; lspci shows no CPUs or memory' }));
}

/** lspci text → records: functions with their parents (bus ranges or the -t tree), links, SR-IOV, arch hints. */
export function readLspci(text: string, name: string): SourceRecords {
  const parsed = parseLspci(text, name);
  const n = new Notes(name, parsed.diagnostics);
  const fns = collectFunctions(parsed, n);
  const parentOf = assignParents(fns, parsed.tree ?? [], n);
  const all = [...fns.values()];
  if (all.some((f) => f.rec?.capsDenied)) {
    n.info('captured without root ("Capabilities: <access denied>"): no PCIe port types, link state, SR-IOV, ACS/AER or CXL capabilities');
  }
  const rootBus = rootBuses(fns, parentOf, n);
  const { vfOf, pfVfs } = linkVfs(fns, n);
  const hasChildren = new Set([...parentOf.values()].filter((p): p is string => p !== null));
  const tf: TreeFacts = { parentOf, rootBus, hasChildren, vfOf, pfVfs };
  const functions = byAddress(all).map((f) => functionRecord(f, tf, name));
  const numaNodes = numaNodesSeen(functions, n);
  return {
    source: { kind: 'lspci', name },
    path: name,
    capturedAt: null,
    machine: {
      hostname: null,
      // build/arch.ts decides from the root complexes' ids (printed or recovered from names).
      arch: 'unknown',
      archSource: 'lspci: no root complex device that only exists on one architecture',
      kernel: null,
      cpuModel: null,
    },
    cpus: [],
    numaNodes,
    functions,
    osDevices: [],
    hostBridges: [],
    cxl: { memdevs: [], regions: [] },
    diagnostics: n.list,
  };
}

export function snapshotFromLspci(text: string, name: string): BuildResult {
  return buildTopology(readLspci(text, name));
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
