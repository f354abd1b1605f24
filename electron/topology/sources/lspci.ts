// lspci text → records (records.ts): each function's facts, links, SR-IOV and what places
// it in the tree (bus lines, -t tree position). It reads no files, builds no tree
// (parents, root buses: build/bus-tree.ts), looks nothing up (names and port kinds from
// the tree's shape are build/'s) and invents nothing lspci does not show (no CPUs, no
// memory, no netdevs).

import { buildTopology, type BuildResult } from '../build';
import type { Diagnostic, LinkInfo, NumaNode, PortKind, SriovInfo } from '../model';
import { parseLspci, type LspciParseResult, type LspciRecord, type LspciTreeEntry } from '../parse/lspci';
import { parseNumactlHardware, type NumactlHardware } from '../parse/numactl';
import type { ParentEvidence, PciFunctionFacts, PciFunctionRecord, SourceRecords } from '../records';

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

/** Diagnostics of one lspci text, with its file name as the path. */
class Notes {
  readonly list: Diagnostic[];
  constructor(readonly name: string, first: readonly Diagnostic[]) {
    this.list = [...first];
  }
  info(message: string, address?: string): void {
    this.list.push({ severity: 'info', path: this.name, ...(address ? { address } : {}), message });
  }
  warn(message: string, address?: string): void {
    this.list.push({ severity: 'warning', path: this.name, ...(address ? { address } : {}), message });
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

/** SR-IOV pairs: each VF's PF, each PF's VFs found in the listing. */
interface VfLinks {
  readonly vfOf: ReadonlyMap<string, string>;
  readonly pfVfs: ReadonlyMap<string, string[]>;
}

/** What places a function in the tree: its own bus lines (a bridge's, from the listing) and its -t tree parent. */
function parentEvidence(r: LspciRecord | null, t: LspciTreeEntry | null): ParentEvidence {
  const sec = r?.secondaryBus ?? null;
  const busLines = sec !== null ? { primary: r!.primaryBus, secondary: sec, subordinate: r!.subordinateBus } : null;
  return t ? { busLines, treeParent: t.parent } : { busLines };
}

/** One function's record from its listing entry and tree entry. */
function functionRecord(f: Fn, tf: VfLinks, name: string): PciFunctionRecord {
  const r = f.rec;
  const t = f.tree;
  const vendorHex = r?.vendorId ?? t?.vendorId ?? null;
  const deviceHex = r?.deviceId ?? t?.deviceId ?? null;
  let classHex = r?.classId ?? null;
  if (!classHex && t?.secondaryBus !== null && t?.secondaryBus !== undefined) classHex = '0604';
  // lspci -v and more print the prog-if whenever it is non-zero or named (lspci.c
  // show_terse), so none printed there is 00; plain `lspci`/`-k` never print it.
  const progIf = r?.progIf ?? (r?.verbose ? '00' : null);
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
    // Both from the bus evidence below, by build/bus-tree.ts.
    parent: null,
    hostBridge: null,
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
    link: r ? buildLink(r, portKind, true) : null,
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
  const rec: { -readonly [K in keyof PciFunctionRecord]: PciFunctionRecord[K] } = { fn, from: `${name}:${r?.line ?? t?.line ?? 0}`, nameText: nm.nameText, parentEvidence: parentEvidence(r, t) };
  // A slot that says empty: its link is a leftover, if nothing turns out to be below it.
  if (r?.expressSlot === true && r.presenceDetect === false) rec.linkIfLeaf = buildLink(r, portKind, false);
  // Printed without IDs: what build/names.ts needs to recover them from the names.
  if (!classHex && r?.className) rec.printedProgIf = progIf;
  if (r?.subsystemName && !r.subsystemVendorId) rec.subsystemText = r.subsystemName;
  return rec;
}

/** Address order (domain, bus, device, function), the numbers taken from each function once. */
function byAddress(fns: readonly Fn[]): Fn[] {
  return [...fns].sort((a, b) => parseInt(a.domain, 16) - parseInt(b.domain, 16) || a.bus - b.bus || a.device - b.device || a.fn - b.fn);
}

/**
 * NUMA nodes from a `numactl --hardware` block pasted with the lspci text (every node
 * with its CPUs, memory and distances); a device's "NUMA node:" naming a node the block
 * lacks is a warning.
 */
function numaNodesFromNumactl(hw: NumactlHardware, records: readonly PciFunctionRecord[], n: Notes): NumaNode[] {
  const ids = new Set(hw.nodes.map((x) => x.id));
  for (const r of records) if (r.fn.numaNode !== null && !ids.has(r.fn.numaNode)) n.warn(`"NUMA node: ${r.fn.numaNode}" is not a node numactl --hardware lists (line ${hw.line})`, r.fn.address);
  n.info(`NUMA nodes, their CPUs, memory and distances from numactl --hardware (line ${hw.line}); lspci text carries no netdev/RDMA/block names or capture time`);
  return hw.nodes.map((x) => ({
    id: x.id, cpus: x.cpus, memoryBytes: x.memoryBytes, distances: x.distances,
    kind: x.cpus === '' ? 'cpuless' : 'dram', kindReason: x.cpus === '' ? 'numactl --hardware lists no CPUs for it' : 'numactl --hardware lists CPUs for it',
  }));
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

/** The parser's "unrecognised line" warnings, less those on lines another reader used (numactl's). */
function withoutLines(diags: readonly Diagnostic[], name: string, used: ReadonlySet<number>): Diagnostic[] {
  return diags.filter((d) => {
    const m = /:(\d+)$/.exec(d.path);
    return !(d.path.startsWith(`${name}:`) && m && used.has(Number(m[1])) && /^unrecognised line/.test(d.message));
  });
}

/** lspci text → records: functions with what places them in the tree (bus lines, -t tree), links, SR-IOV. */
export function readLspci(text: string, name: string): SourceRecords {
  const parsed = parseLspci(text, name);
  // A numactl --hardware block pasted beside the lspci text (cheap test first: most inputs have none).
  const numactl = /^available: \d+ node/m.test(text) ? parseNumactlHardware(text) : null;
  const n = new Notes(name, numactl ? withoutLines(parsed.diagnostics, name, numactl.lines) : parsed.diagnostics);
  const fns = collectFunctions(parsed, n);
  const all = [...fns.values()];
  if (all.some((f) => f.rec?.capsDenied)) {
    n.info('captured without root ("Capabilities: <access denied>"): no PCIe port types, link state, SR-IOV, ACS/AER or CXL capabilities');
  }
  const tf = linkVfs(fns, n);
  const functions = byAddress(all).map((f) => functionRecord(f, tf, name));
  const numaNodes = numactl ? numaNodesFromNumactl(numactl, functions, n) : numaNodesSeen(functions, n);
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
