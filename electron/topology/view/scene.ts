// The picture's content, before positions: which nodes are drawn (NUMA boxes with their
// CPU strip, root-complex frames, devices, folded VF and platform groups), their label
// lines, classes and edges, after the view options (folding, hidden bridges,
// interesting-only, role filter). Every function is placed in the box of its own NUMA
// node (a subtree whose locality differs from its parent's is drawn in its own box,
// joined by a cross-box edge). Pure; positions are layout.ts's job, drawing is the
// renderer's / svg.ts's.
import type { Machine, NumaNode, PciDevice, Snapshot } from '../model';
import { cpuCount, describeLink, driversRecorded, formatBytes, linkLabel, PORT_KIND_LABEL, shortClass } from '../export/describe';
import { buildTree, type TreeNode } from '../export/tree';
import { FONT, primaryRole, viewRoles, type ViewRole } from './style';

export type SceneKind = 'numa' | 'cpus' | 'complex' | 'device' | 'vf-group' | 'fold';

export interface SceneOptions {
  /** Fold SR-IOV VFs into one group node under their PF (default true). */
  readonly collapseVfs?: boolean;
  /** PFs whose VFs are shown even when collapsing. */
  readonly expandedPfs?: Iterable<string>;
  /** Fold plain platform functions (chipset, uncore, DMA engines, empty ports) into one group per parent (default true). */
  readonly foldPlatform?: boolean;
  /**
   * Fold runs of RUN_MIN+ identical siblings (same ids, driver, roles, link; a leaf, or a
   * port with one such leaf below) into one group, like lstopo's "N× PCI" (default false;
   * 'auto' is for fitScene in fit.ts: folded only when the picture would be too small).
   */
  readonly foldRuns?: boolean | 'auto';
  /** Platform groups (by id) shown opened. */
  readonly expandedGroups?: Iterable<string>;
  /** Hide PCI(-to-PCI) bridges with exactly one child and nothing of their own (default false). */
  readonly hideBridges?: boolean;
  /** Only devices hwloc would show by default: with a driver-visible OS device, a role, or network/storage class; and the bridges above them (default false). */
  readonly interestingOnly?: boolean;
  /** Show only devices with this role, with their path to the root as context. */
  readonly role?: string | null;
}

export interface SceneNode {
  readonly id: string;
  readonly kind: SceneKind;
  /** The NUMA box the node is drawn in ('numa:N' / 'numa:unknown'); null for the boxes themselves. */
  readonly group: string | null;
  /** Tree parent (a device, or the complex frame for a unit root); the edge into this node comes from it when it is a device. */
  readonly parent: string | null;
  /** Tree children in drawing order (ids); may lie in another box. */
  readonly children: string[];
  /** Complex frames: the subtrees drawn inside the frame, in order. */
  readonly units?: string[];
  readonly lines: readonly string[];
  readonly classes: readonly string[];
  readonly role: ViewRole | null;
  readonly address: string | null;
  readonly numaNode: number | null;
  /** vf-group: the folded VFs (same as members). */
  readonly vfs?: readonly string[];
  /** Folded groups (VFs, platform functions): the addresses they stand for. */
  readonly members?: readonly string[];
  /** Full title (labels are clipped; details and tooltips show this). */
  readonly title?: string;
  /** vf-group: the PF. */
  readonly pf?: string;
  /** Hidden single-child bridges between this node and its tree parent. */
  readonly via?: readonly string[];
  /** NUMA boxes: the package their CPUs belong to, when known. */
  readonly package?: number | null;
  /** Box size in px (label lines + padding). */
  readonly w: number;
  readonly h: number;
}

export interface SceneEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly classes: readonly string[];
  /** The link into the target: "x16 · 16 GT/s ≈ 31.5 GB/s"; downgraded ones say current of capable. */
  readonly label?: string;
  /** Line width in px: grows with the lane count. */
  readonly width?: number;
}

export interface Scene {
  readonly nodes: readonly SceneNode[];
  readonly edges: readonly SceneEdge[];
  /** Devices not drawn as nodes, by reason (every model device is drawn or in exactly one list). */
  readonly hidden: {
    readonly collapsedVfs: readonly string[];
    /** Functions folded into a group node: plain platform functions, runs of identical siblings. */
    readonly folded: readonly string[];
    readonly bridges: readonly string[];
    readonly plain: readonly string[];
    readonly filtered: readonly string[];
  };
}

/** Label lines are clipped here (the full text is in the node's title, tooltip and details). */
export const MAX_LINE = 30;
const PAD_X = 16;
const PAD_Y = 10;

export function clip(s: string, n = MAX_LINE): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** Size of a box holding these lines in the shared monospace font. */
export function boxSize(lines: readonly string[], minW = 96): { w: number; h: number } {
  const chars = Math.max(0, ...lines.map((l) => [...l].length));
  return { w: Math.max(minW, Math.ceil(chars * FONT.charWidth + PAD_X)), h: lines.length * FONT.lineHeight + PAD_Y };
}

/** "3b:00.0" for domain 0000, else the full address. */
export function shortAddress(a: string): string {
  return a.startsWith('0000:') ? a.slice(5) : a;
}

/** Per-uarch CPU counts: "Neoverse-N1 ×64", "Cortex-A76 ×4 + Cortex-A55 ×4"; null when no uarch is known. */
export function uarchSummary(cpus: Machine['cpus']): string | null {
  const m = new Map<string, number>();
  for (const c of cpus) if (c.uarch) m.set(c.uarch, (m.get(c.uarch) ?? 0) + 1);
  if (m.size === 0) return null;
  return [...m].map(([u, n]) => `${u} ×${n}`).join(' + ');
}

/** "aarch64 · Neoverse-N1 ×64" for AArch64, the arch otherwise. */
export function archLine(m: Machine): string {
  if (m.arch !== 'aarch64') return m.arch;
  const cores = uarchSummary(m.cpus) ?? m.cpuModel ?? 'cores not identified';
  return `aarch64 · ${cores}`;
}

/** Port kinds as short as a node label can afford (the details panel spells them out). */
const SHORT_PORT_KIND: Readonly<Partial<Record<PciDevice['portKind'], string>>> = {
  'root-port': 'root port',
  'switch-upstream': 'switch up',
  'switch-downstream': 'switch down',
  'pci-bridge': 'PCI bridge',
  'host-bridge': 'host bridge',
  'rc-endpoint': 'RC endpoint',
  'rc-event-collector': 'RC event coll.',
};

/** "8086:1521" from whatever ids are known; null when neither is. */
function idPair(d: PciDevice): string | null {
  const v = d.vendorId ? (d.vendorId ?? '?').replace(/^0x/, '') : null;
  const x = d.deviceId ? (d.deviceId ?? '?').replace(/^0x/, '') : null;
  return v || x ? `${v ?? '?'}:${x ?? '?'}` : null;
}

/** The device's name for a label: device name, else vendor name, else its ids, else its class. */
export function deviceName(d: PciDevice): string {
  if (d.deviceName) return d.deviceName;
  const ids = idPair(d);
  if (d.vendorName) return ids ? `${d.vendorName} [${ids}]` : d.vendorName;
  return ids ? `unknown device [${ids}]` : shortClass(d);
}

const PORT_KINDS = new Set(['root-port', 'switch-upstream', 'switch-downstream', 'pci-bridge', 'host-bridge']);
/** Ports and bridges repeat long names ("Xeon E5/Core i7 IIO PCI Express Root Port 1b"): their labels are kept narrower. */
const PORT_LINE = 24;

export function deviceLines(d: PciDevice, driversRecorded = true): string[] {
  const port = PORT_KINDS.has(d.portKind);
  const kind = SHORT_PORT_KIND[d.portKind] ?? (PORT_KIND_LABEL[d.portKind] || shortClass(d));
  const lines = [clip(`${shortAddress(d.address)} ${kind}`)];
  lines.push(clip(deviceName(d), port ? PORT_LINE : MAX_LINE));
  const os = d.osDevices.map((o) => o.name);
  // A port without a driver says nothing by it (lspci/XML inputs often have no drivers at all).
  const drv = d.driver ?? (d.driverOverride ? `override ${d.driverOverride}` : driversRecorded ? 'no driver' : null);
  if ((!port || d.driver || d.driverOverride || os.length) && (drv || os.length)) lines.push(clip([...(drv ? [drv] : []), ...os].join(' · ')));
  if (d.link?.downgraded) lines.push(clip(`⚠ ${shortLink(d.link)}`));
  else if (d.link && d.portKind === 'endpoint' && linkLabel(d.link)) lines.push(clip(linkLabel(d.link)));
  if (d.sriov && !d.sriov.physfn && (d.sriov.totalVfs ?? 0) > 0) lines.push(clip(d.sriov.numVfs === null && !d.sriov.vfs.length ? `SR-IOV up to ${d.sriov.totalVfs} VFs` : `SR-IOV ${d.sriov.numVfs ?? d.sriov.vfs.length}/${d.sriov.totalVfs} VFs`));
  return lines;
}

/** "x4/x16 · 2.5 of 8 GT/s": current of max, only where they differ (the ⚠ says downgraded). */
export function shortLink(l: NonNullable<PciDevice['link']>): string {
  const w = l.width === null ? '' : l.maxWidth !== null && l.width < l.maxWidth ? `x${l.width}/x${l.maxWidth}` : `x${l.width}`;
  const slower = l.speed && l.maxSpeed && Number.parseFloat(l.speed) < Number.parseFloat(l.maxSpeed);
  const sp = !l.speed ? '' : slower ? `${l.speed.replace(/ GT\/s$/, '')} of ${l.maxSpeed}` : l.speed;
  return [w, sp].filter(Boolean).join(' · ') || describeLink(l);
}

export function deviceClasses(d: PciDevice, driversRecorded = true): string[] {
  const c = ['device', `prim-${primaryRole(d)}`, ...viewRoles(d).map((r) => `role-${r}`), `port-${d.portKind}`];
  c.push(d.numaNode === null ? 'numa-unknown' : `numa-${d.numaNode}`);
  if (d.link?.downgraded) c.push('link-downgraded');
  if (d.numaNode === null || d.localityRule === 'unknown') c.push('locality-unknown');
  if (!d.driver && driversRecorded) c.push('unbound');
  return c;
}

/** Devices hwloc shows by default (endpoints), see export/text. */
function interestingEndpoint(d: PciDevice): boolean {
  return d.osDevices.length > 0 || d.roles.length > 0 || (d.classCode ?? '').startsWith('0x02') || (d.classCode ?? '').startsWith('0x01');
}

const PLAIN_BRIDGE_KINDS = new Set(['pci-bridge', 'host-bridge']);
/** Roles that make a function worth its own box. */
const NOTABLE_ROLES = new Set(['dpdk', 'dpdk-capable', 'spdk', 'nvme', 'rdma', 'rdma-capable', 'cxl', 'gpu', 'accelerator', 'display', 'sriov-pf', 'sriov-vf', 'switch']);
/** OS devices that do not make a function notable (DMA channels of uncore engines). */
const PLATFORM_OSDEV_KINDS = new Set(['dma']);
/**
 * PCI base classes of platform functions: bridges (host/ISA/other), system peripherals
 * (DMA, IOMMU, PIC, RTC), serial-bus controllers other than InfiniBand and Fibre Channel
 * (USB, SMBus), communication controllers (MEI, UART), memory controllers, encryption
 * controllers (AMD CCP/PSP; QAT is a co-processor, 0x0b, and stays), signal processing
 * (uncore counters), non-essential instrumentation (AMD dummy functions) and
 * unassigned (0xff: Intel uncore).
 */
const PLATFORM_CLASSES = new Set(['0x05', '0x06', '0x07', '0x08', '0x0c', '0x10', '0x11', '0x13', '0xff']);
const NOTABLE_SUBCLASSES = new Set(['0x0c04', '0x0c06']);

/** A leaf function that is part of the platform: folded into its parent's platform group. */
export function isPlatformFunction(d: PciDevice): boolean {
  if (d.roles.some((r) => NOTABLE_ROLES.has(r))) return false;
  if (d.osDevices.some((o) => !PLATFORM_OSDEV_KINDS.has(o.kind))) return false;
  if (d.portKind === 'root-port' || d.portKind === 'pci-bridge' || d.portKind === 'host-bridge' || d.portKind.startsWith('switch')) return true; // leaves here: empty ports
  const cls = (d.classCode ?? '').toLowerCase();
  return PLATFORM_CLASSES.has(cls.slice(0, 4)) && !NOTABLE_SUBCLASSES.has(cls.slice(0, 6));
}

export function numaGroupId(node: number | null): string {
  return node === null ? 'numa:unknown' : `numa:${node}`;
}

/** "iavf ×48 · vfio-pci ×16": drivers of a set of functions, most common first; "" when the input records none. */
export function driverSummary(devs: readonly PciDevice[], driversRecorded = true): string {
  return driversRecorded ? countSummary(devs.map((d) => d.driver ?? 'no driver')) : '';
}

function countSummary(items: readonly string[]): string {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => `${k} ×${n}`).join(' · ');
}

/** Roles of a group's members, as counts ("dpdk ×16"); "" when none. */
function roleSummary(devs: readonly PciDevice[]): string {
  return countSummary(devs.flatMap((d) => viewRoles(d).filter((r) => r !== 'sriov-vf' && r !== 'bridge')));
}

/** Why a set of functions has no known NUMA node, from the rules that answered for them. */
export function unknownReason(devs: readonly PciDevice[]): string {
  if (devs.length && devs.every((d) => d.localityRule === 'imported')) return 'the input records no NUMA node for them';
  return 'numa_node -1, and neither local_cpulist, a parent nor its root complex names one node';
}

/** The box label (short: it sets the box's minimum width) and its full title. */
function numaLines(n: NumaNode | undefined, id: number | null, pkg: number | null, devs: readonly PciDevice[]): { lines: string[]; title: string } {
  if (id === null) {
    const imported = devs.length > 0 && devs.every((d) => d.localityRule === 'imported');
    return { lines: [`Locality unknown: ${imported ? 'not in the input' : 'numa_node -1'}`], title: `Locality unknown: ${unknownReason(devs)}` };
  }
  if (!n) return { lines: [`NUMA node ${id}`], title: `NUMA node ${id} (not described by the input)` };
  const parts = [`NUMA node ${id}`];
  if (pkg !== null) parts.push(`package ${pkg}`);
  if (n.memoryBytes !== null) parts.push(`${formatBytes(n.memoryBytes)} ${n.kind}`);
  else if (n.kind !== 'dram') parts.push(n.kind);
  const title = [parts.join(' · '), n.distances.length ? `distances ${n.distances.join(' ')}` : '', n.kindReason ?? ''].filter(Boolean).join('\n');
  return { lines: [parts.join(' · ')], title };
}

/** "Xeon E5-2680 0 @ 2.70GHz" from "Intel(R) Xeon(R) CPU E5-2680 0 @ 2.70GHz": trademarks and filler dropped. */
export function shortCpuModel(m: string): string {
  return m.replace(/\((R|TM|tm|r)\)/g, '').replace(/\b(CPU|Processor)\b/g, '').replace(/^(Intel|AMD)\s+/, '').replace(/\s+/g, ' ').trim();
}

/** "8 cores × 2 SMT": from core ids per package; null when the input has no core ids. */
function coreShape(cpus: Machine['cpus']): string | null {
  if (!cpus.length || cpus.some((c) => c.core === null)) return null;
  const cores = new Map<string, number>();
  for (const c of cpus) {
    const k = `${c.package ?? '?'}:${c.cluster ?? ''}:${c.core}`;
    cores.set(k, (cores.get(k) ?? 0) + 1);
  }
  const smt = new Set(cores.values());
  const per = smt.size === 1 ? [...smt][0]! : null;
  return per && per > 1 ? `${cores.size} cores × ${per} SMT` : `${cores.size} cores`;
}

/** The CPU strip of a NUMA box: CPU list and count, cores × SMT, core name; memory-only nodes say so. */
function cpuLines(t: Snapshot, n: NumaNode | undefined): { lines: string[]; title: string } {
  if (!n) return { lines: ['CPUs not reported'], title: 'CPUs not reported' };
  const count = cpuCount(n.cpus);
  const cpus = t.machine.cpus.filter((c) => c.node === n.id);
  // lspci-only inputs know the node ids from numa_node but nothing about CPUs or memory.
  if (!count) {
    const line = t.machine.cpus.length === 0 ? 'CPUs not reported' : `no CPUs (${n.kind} memory${n.memoryBytes !== null ? ` ${formatBytes(n.memoryBytes)}` : ''})`;
    return { lines: [line, ...(n.kindReason && n.kind !== 'dram' ? [clip(n.kindReason)] : [])], title: [line, n.kindReason ?? ''].filter(Boolean).join('\n') };
  }
  const first = `CPUs ${n.cpus} (${count})`;
  const shape = coreShape(cpus);
  const core = uarchSummary(cpus) ?? (t.machine.cpuModel && t.machine.arch !== 'aarch64' ? shortCpuModel(t.machine.cpuModel) : null);
  const second = [shape, core].filter(Boolean).join(' · ');
  const lines = [clip(first, 48)];
  if (second) lines.push(clip(second, 48));
  return { lines, title: [first, second, n.kindReason && n.kind !== 'dram' ? n.kindReason : ''].filter(Boolean).join('\n') };
}

/** Width of a link line: grows with lanes (x1 1 px … x16 3.8 px); unknown widths get 1.2 px. */
export function laneWidth(lanes: number | null | undefined): number {
  return lanes && lanes > 0 ? Math.round((1 + Math.log2(lanes) * 0.7) * 10) / 10 : 1.2;
}

/** Label and classes of the link into a device (its own upstream link). */
function linkEdge(d: PciDevice): { label?: string; width: number; classes: string[] } {
  const l = d.link;
  if (!l) return { width: laneWidth(null), classes: [] };
  const label = l.downgraded ? `⚠ ${shortLink(l)}` : linkLabel(l);
  return { ...(label ? { label } : {}), width: laneWidth(l.width), classes: l.downgraded ? ['link-downgraded'] : [] };
}

/** The package a NUMA node's CPUs sit in (null when unknown or spread over several). */
function packageOf(t: Snapshot, node: number | null): number | null {
  if (node === null) return null;
  const p = new Set(t.machine.cpus.filter((c) => c.node === node).map((c) => c.package));
  return p.size === 1 ? ([...p][0] ?? null) : null;
}

/** A device's drawable subtree before emission. */
interface Pending {
  readonly d: PciDevice;
  readonly kids: Pending[];
  readonly vfGroup: string[];
  readonly via: string[];
  readonly context: boolean;
}

type Hidden = { collapsedVfs: string[]; folded: string[]; bridges: string[]; plain: string[]; filtered: string[] };

/** Builds one scene; one instance per buildScene call (holds the model indexes and the output). */
class SceneBuilder {
  readonly nodes: SceneNode[] = [];
  readonly edges: SceneEdge[] = [];
  readonly hidden: Hidden = { collapsedVfs: [], folded: [], bridges: [], plain: [], filtered: [] };
  readonly byAddr: Map<string, PciDevice>;
  private readonly pfOf = new Map<string, string>();
  private readonly vfsOf = new Map<string, string[]>();
  private readonly frames = new Map<string, SceneNode>();
  /** Root complexes the input does not record, by tree id: why (see export/tree.ts). */
  readonly unrecorded = new Map<string, string>();
  private readonly collapse: boolean;
  private readonly expanded: Set<string>;
  private readonly expandedGroups: Set<string>;
  private readonly fold: boolean;
  private readonly foldRuns: boolean;
  private readonly role: string | null;
  /** False when the input records no drivers (see driversNotRecorded). */
  private readonly drivers: boolean;

  constructor(
    private readonly t: Snapshot,
    private readonly opts: SceneOptions,
  ) {
    this.collapse = opts.collapseVfs ?? true;
    this.expanded = new Set(opts.expandedPfs ?? []);
    this.expandedGroups = new Set(opts.expandedGroups ?? []);
    // Under a role filter the matching functions are what the user asked to see: nothing folds.
    this.role = opts.role ?? null;
    this.fold = (opts.foldPlatform ?? true) && this.role === null;
    this.foldRuns = this.fold && opts.foldRuns === true;
    this.byAddr = new Map(t.pci.devices.map((d) => [d.address, d] as const));
    this.drivers = driversRecorded(t);
    // VF → PF, from either side of the relation; only PFs that exist in the model count.
    for (const d of t.pci.devices) {
      for (const vf of d.sriov?.vfs ?? []) if (this.byAddr.has(vf)) this.pfOf.set(vf, d.address);
      if (d.sriov?.physfn && this.byAddr.has(d.sriov.physfn)) this.pfOf.set(d.address, d.sriov.physfn);
    }
    for (const [vf, pf] of [...this.pfOf]) if (vf === pf || this.pfOf.has(pf)) this.pfOf.delete(vf);
    for (const [vf, pf] of this.pfOf) this.vfsOf.set(pf, [...(this.vfsOf.get(pf) ?? []), vf]);
    for (const l of this.vfsOf.values()) l.sort(cmpAddr);
  }

  /** True for a VF drawn under its PF (not where the tree puts it). */
  isVf(address: string): boolean {
    return this.pfOf.has(address);
  }

  private matchesRole(d: PciDevice): boolean {
    return this.role === null || d.roles.includes(this.role) || viewRoles(d).includes(this.role as ViewRole);
  }

  /** A device's drawable subtree, or null when nothing of it is drawn (its addresses go to `hidden`). */
  visit(n: TreeNode): Pending | null {
    const d = n.device;
    const kids: Pending[] = [];
    for (const c of n.children) {
      if (this.pfOf.has(c.device.address)) continue; // drawn under its PF
      const p = this.visit(c);
      if (p) kids.push(p);
    }
    const vfGroup: string[] = [];
    for (const vfAddr of this.vfsOf.get(d.address) ?? []) {
      const vf = this.byAddr.get(vfAddr)!;
      if (!this.matchesRole(vf)) this.hidden.filtered.push(vfAddr);
      else if (this.collapse && !this.expanded.has(d.address)) vfGroup.push(vfAddr);
      else kids.push({ d: vf, kids: [], vfGroup: [], via: [], context: false });
    }
    const endpoint = d.portKind === 'endpoint' || d.portKind === 'rc-endpoint' || d.portKind === 'rc-event-collector';
    const self = this.matchesRole(d);
    if (kids.length === 0 && vfGroup.length === 0) {
      if (!self) {
        this.hidden.filtered.push(d.address);
        return null;
      }
      if (this.opts.interestingOnly && (endpoint ? !interestingEndpoint(d) : true)) {
        this.hidden.plain.push(d.address);
        return null;
      }
    }
    if (this.opts.hideBridges && PLAIN_BRIDGE_KINDS.has(d.portKind) && kids.length === 1 && vfGroup.length === 0 && d.osDevices.length === 0 && d.roles.length === 0) {
      this.hidden.bridges.push(d.address);
      const only = kids[0]!;
      return { ...only, via: [d.address, ...only.via] };
    }
    return { d, kids, vfGroup, via: [], context: !self };
  }

  /** The frame of root complex `cid` in NUMA box `box` (created on first use). */
  private frame(cid: string, box: string, home: string): SceneNode {
    const key = `${cid}|${box}`;
    let f = this.frames.get(key);
    if (f) return f;
    const hb = (this.t.pci.hostBridges ?? []).find((x) => x.id === cid);
    const id = box === home ? `rc:${cid}` : `rc:${cid}@${box}`;
    const why = this.unrecorded.get(cid);
    const lines = [clip(`${why ? 'root complex not recorded' : cid}${box === home ? '' : ' (part)'}${hb?.behind ? ` behind ${shortAddress(hb.behind)}` : ''}`, 48)];
    const numa = box === 'numa:unknown' ? null : Number(box.slice(5));
    f = { id, kind: 'complex', group: box, parent: null, children: [], units: [], lines, classes: ['complex', box === 'numa:unknown' ? 'numa-unknown' : `numa-${numa}`], role: null, address: null, numaNode: numa, title: why ? `Root complex not recorded: ${why}` : `Root complex ${cid}`, ...boxSize(lines, 60) };
    this.frames.set(key, f);
    this.nodes.push(f);
    return f;
  }

  /** Emit a device's node and everything below it. `parent` is its drawn tree parent (null: it hangs from the root complex). */
  emit(p: Pending, parent: SceneNode | null, cid: string, home: string): void {
    const d = p.d;
    const box = numaGroupId(d.numaNode);
    const classes = deviceClasses(d, this.drivers);
    if (p.context) classes.push('context');
    if (p.via.length) classes.push('via-hidden');
    const unitRoot = !parent || parent.group !== box;
    const frame = unitRoot ? this.frame(cid, box, home) : null;
    const lines = deviceLines(d, this.drivers);
    const n: SceneNode = { id: d.address, kind: 'device', group: box, parent: parent?.id ?? frame!.id, children: [], lines, classes, role: primaryRole(d), address: d.address, numaNode: d.numaNode, via: p.via, title: `${d.address} ${deviceName(d)}`, ...boxSize(lines) };
    this.nodes.push(n);
    if (frame) frame.units!.push(n.id);
    if (parent) {
      parent.children.push(n.id);
      const le = linkEdge(d);
      const ec = ['tree-edge', ...le.classes];
      if (p.via.length) ec.push('via-hidden');
      if (this.pfOf.get(d.address) === parent.id) ec.push('vf-edge');
      if (parent.group !== box) ec.push('cross-numa');
      this.edges.push({ id: `e:${parent.id}>${n.id}`, source: parent.id, target: n.id, classes: ec, width: le.width, ...(le.label ? { label: le.label } : {}) });
    }
    this.emitChildren(p.kids, n, cid, home);
    if (p.vfGroup.length) this.emitVfGroups(p.vfGroup, n);
  }

  /** Children of a device (or the root-bus functions when `parent` is null): platform leaves folded per box. */
  emitChildren(kids: readonly Pending[], parent: SceneNode | null, cid: string, home: string): void {
    const plat = new Map<string, PciDevice[]>();
    const rest: Pending[] = [];
    for (const k of kids) {
      const leaf = k.kids.length === 0 && k.vfGroup.length === 0 && k.via.length === 0 && !k.context;
      if (this.fold && leaf && isPlatformFunction(k.d)) {
        const box = numaGroupId(k.d.numaNode);
        plat.set(box, [...(plat.get(box) ?? []), k.d]);
      } else rest.push(k);
    }
    const parentId = parent?.id ?? `rc:${cid}`;
    for (const [box, devs] of [...plat]) {
      if (devs.length >= 2 && !this.expandedGroups.has(`fold:${parentId}@${box}`)) continue;
      plat.delete(box);
      for (const d of devs) rest.push({ d, kids: [], vfGroup: [], via: [], context: false });
    }
    rest.sort((a, b) => cmpAddr(a.d.address, b.d.address));
    for (const run of this.foldRuns ? identicalRuns(rest) : rest.map((k) => [k])) {
      if (run.length >= RUN_MIN && !this.expandedGroups.has(runId(run[0]!))) this.emitRun(run, parent, cid, home);
      else for (const k of run) this.emit(k, parent, cid, home);
    }
    for (const [box, devs] of plat) this.emitFold(devs, box, parent, parentId, cid, home);
  }

  /** A run of identical siblings (leaves, or ports each with one leaf) as one group naming every function. */
  private emitRun(run: readonly Pending[], parent: SceneNode | null, cid: string, home: string): void {
    const heads = run.map((k) => k.d);
    const leaves = run.map((k) => k.kids[0]?.d ?? k.d);
    const members = run.flatMap((k) => [k.d.address, ...k.kids.map((c) => c.d.address)]);
    const one = leaves[0]!;
    const box = numaGroupId(one.numaNode);
    this.hidden.folded.push(...members);
    const id = runId(run[0]!);
    // One OS device per function (its first: nvme0 rather than nvme0 and nvme0n1), first … last.
    const os = leaves.flatMap((d) => d.osDevices.filter((o) => o.kind !== 'dma').slice(0, 1).map((o) => o.name));
    const range = (ds: readonly PciDevice[]) => `${shortAddress(ds[0]!.address)} … ${shortAddress(ds[ds.length - 1]!.address)}`;
    const lines = [
      clip(`${run.length}× ${deviceName(one)}`),
      // Addresses of a run of pairs are two ranges: the title and details list them all.
      clip(run[0]!.kids.length ? `via ${run.length} ${PORT_KIND_LABEL[heads[0]!.portKind] || 'port'}s` : range(leaves)),
      clip([...(one.driver ? [one.driver] : []), ...(os.length ? [os.length > 2 ? `${os[0]} … ${os[os.length - 1]}` : os.join(', ')] : [])].join(' · ')),
      ...(one.link && linkLabel(one.link) ? [clip(linkLabel(one.link))] : []),
    ].filter(Boolean);
    const numa = one.numaNode;
    const classes = ['fold-run', `prim-${primaryRole(one)}`, ...viewRoles(one).map((r) => `role-${r}`), numa === null ? 'numa-unknown' : `numa-${numa}`];
    const n: SceneNode = { id, kind: 'fold', group: box, parent: parent?.id ?? null, children: [], lines, classes, role: primaryRole(one), address: null, numaNode: numa, members, title: `${run.length} identical ${deviceName(one)} (${members.length} functions): ${members.map(shortAddress).join(' ')}`, ...boxSize(lines) };
    this.attachFold(n, box, parent, cid, home, linkEdge(heads[0]!));
  }

  /**
   * Place a folded group: in its own NUMA box's root-complex frame when its parent is
   * drawn elsewhere (or it has none), and linked to its parent by a tree edge.
   */
  private attachFold(n: SceneNode, box: string, parent: SceneNode | null, cid: string, home: string, edge: { classes: readonly string[]; width: number; label?: string }): void {
    this.nodes.push(n);
    if (!parent || parent.group !== box) {
      const f = this.frame(cid, box, home);
      f.units!.push(n.id);
      (n as { parent: string | null }).parent = parent?.id ?? f.id;
    }
    if (!parent) return;
    parent.children.push(n.id);
    const classes = ['tree-edge', 'fold-edge', ...edge.classes, ...(parent.group !== box ? ['cross-numa'] : [])];
    this.edges.push({ id: `e:${parent.id}>${n.id}`, source: parent.id, target: n.id, classes, width: edge.width, ...(edge.label ? { label: edge.label } : {}) });
  }

  private emitFold(devs: readonly PciDevice[], box: string, parent: SceneNode | null, parentId: string, cid: string, home: string): void {
    const id = `fold:${parentId}@${box}`;
    const members = devs.map((d) => d.address);
    this.hidden.folded.push(...members);
    const where = parent ? shortAddress(parent.id) : cid;
    const classes = [...new Set(devs.map((d) => shortClass(d)))];
    const lines = [clip(`${devs.length} platform functions`), clip(driverSummary(devs, this.drivers)), clip(countSummary(devs.map((d) => shortClass(d))))].filter(Boolean);
    const numa = box === 'numa:unknown' ? null : Number(box.slice(5));
    const n: SceneNode = { id, kind: 'fold', group: box, parent: parent?.id ?? null, children: [], lines, classes: ['fold', 'prim-bridge', box === 'numa:unknown' ? 'numa-unknown' : `numa-${numa}`], role: 'bridge', address: null, numaNode: numa, members, title: `Platform functions of ${where} (${classes.length} kinds)`, ...boxSize(lines) };
    this.attachFold(n, box, parent, cid, home, { classes: [], width: 1.2 });
  }

  /** Folded VFs of one PF: one group per NUMA box the VFs sit in (normally the PF's). */
  private emitVfGroups(vfs: readonly string[], pf: SceneNode): void {
    const byBox = new Map<string, PciDevice[]>();
    for (const a of vfs) {
      const d = this.byAddr.get(a)!;
      const box = numaGroupId(d.numaNode);
      byBox.set(box, [...(byBox.get(box) ?? []), d]);
    }
    for (const [box, devs] of byBox) {
      const id = box === pf.group ? `vfs:${pf.id}` : `vfs:${pf.id}@${box}`;
      const members = devs.map((d) => d.address);
      this.hidden.collapsedVfs.push(...members);
      const roles = roleSummary(devs);
      const lines = [clip(`${devs.length} VF${devs.length === 1 ? '' : 's'} of ${shortAddress(pf.id)}`), clip(driverSummary(devs, this.drivers))].filter(Boolean);
      if (roles) lines.push(clip(roles));
      const numa = box === 'numa:unknown' ? null : Number(box.slice(5));
      this.nodes.push({ id, kind: 'vf-group', group: box, parent: pf.id, children: [], lines, classes: ['vf-group', 'prim-sriov-vf'], role: 'sriov-vf', address: null, numaNode: numa, vfs: members, members, pf: pf.id, title: `${devs.length} VFs of ${pf.id}: ${shortAddress(members[0]!)}…${shortAddress(members[members.length - 1]!)}`, ...boxSize(lines) });
      pf.children.push(id);
      this.edges.push({ id: `e:${pf.id}>${id}`, source: pf.id, target: id, classes: ['tree-edge', 'vf-edge', ...(box !== pf.group ? ['cross-numa'] : [])], width: 1.2 });
    }
  }

  /** NUMA boxes (in package order, unknown last) with their CPU strips; only boxes with content. */
  emitBoxes(): void {
    const used = new Set(this.nodes.map((n) => n.group).filter((g): g is string => g !== null));
    for (const n of this.t.numaNodes) used.add(numaGroupId(n.id));
    const ids = [...used].map((g) => (g === 'numa:unknown' ? null : Number(g.slice(5))));
    const pkgKey = (id: number | null) => (id === null ? Infinity : (packageOf(this.t, id) ?? 1e9));
    ids.sort((a, b) => pkgKey(a) - pkgKey(b) || (a === null ? 1 : b === null ? -1 : a - b));
    const boxes: SceneNode[] = [];
    for (const id of ids) {
      const gid = numaGroupId(id);
      const numa = id === null ? undefined : this.t.numaNodes.find((n) => n.id === id);
      const pkg = packageOf(this.t, id);
      const devs = id === null ? this.t.pci.devices.filter((d) => d.numaNode === null) : [];
      const { lines, title } = numaLines(numa, id, pkg, devs);
      const classes = ['numa', id === null ? 'numa-unknown' : `numa-${id}`, ...(numa ? [`numa-kind-${numa.kind}`] : [])];
      boxes.push({ id: gid, kind: 'numa', group: null, parent: null, children: [], lines, classes, role: null, address: null, numaNode: id, package: pkg, title, w: 0, h: 0 });
      if (id !== null) {
        const c = cpuLines(this.t, numa);
        this.nodes.push({ id: `cpus:${id}`, kind: 'cpus', group: gid, parent: null, children: [], lines: c.lines, classes: ['cpus', `numa-${id}`, `numa-kind-${numa?.kind ?? 'dram'}`], role: null, address: null, numaNode: id, title: c.title, ...boxSize(c.lines) });
      }
    }
    this.nodes.unshift(...boxes);
  }

  /** CXL devices → the CPU strip of the NUMA node their region's memory became. */
  emitCxlEdges(): void {
    const drawn = new Set(this.nodes.map((n) => n.id));
    for (const m of this.t.cxl.memdevs) {
      if (!m.pciAddress || !drawn.has(m.pciAddress)) continue;
      for (const r of this.t.cxl.regions) {
        if (r.numaNode === null || !(r.memdevs ?? []).includes(m.name) || !drawn.has(`cpus:${r.numaNode}`)) continue;
        const size = r.sizeBytes !== null ? ` ${formatBytes(r.sizeBytes)}` : '';
        this.edges.push({ id: `cxl:${m.pciAddress}>${r.name}`, source: m.pciAddress, target: `cpus:${r.numaNode}`, classes: ['cxl-edge'], label: `${m.name} → ${r.name}${size} → node ${r.numaNode}`, width: 2 });
      }
    }
  }
}

/** Shortest run of identical siblings that folds. */
export const RUN_MIN = 3;

const runId = (k: Pending): string => `run:${k.d.address}`;

/** What makes two functions the same for folding: ids, class, driver, roles, link, NUMA node, SR-IOV size. */
function sameKey(d: PciDevice): string {
  return [d.vendorId, d.deviceId, d.classCode, d.driver, d.driverOverride, viewRoles(d).join(','), d.link ? linkLabel(d.link) : '', d.link?.downgraded ?? '', d.numaNode, d.sriov?.totalVfs ?? ''].join('|');
}

/** A sibling's key for runs: a plain leaf, or a port with exactly one plain leaf below; null for anything else. */
function runKey(k: Pending): string | null {
  const plain = (p: Pending) => p.vfGroup.length === 0 && p.via.length === 0 && !p.context;
  if (!plain(k) || (k.d.vendorId === null && k.d.deviceId === null)) return null;
  if (k.kids.length === 0) return `leaf ${sameKey(k.d)}`;
  const c = k.kids[0]!;
  return k.kids.length === 1 && c.kids.length === 0 && plain(c) ? `pair ${sameKey(k.d)} > ${sameKey(c.d)}` : null;
}

/** Siblings (in drawing order) cut into runs of consecutive identical ones. */
function identicalRuns(list: readonly Pending[]): Pending[][] {
  const out: Pending[][] = [];
  let prev: string | null = null;
  for (const k of list) {
    const key = runKey(k);
    if (key !== null && key === prev) out[out.length - 1]!.push(k);
    else out.push([k]);
    prev = key;
  }
  return out;
}

export function buildScene(t: Snapshot, opts: SceneOptions = {}): Scene {
  const b = new SceneBuilder(t, opts);
  for (const g of buildTree(t)) {
    const home = numaGroupId(g.node);
    for (const c of g.complexes) {
      if (c.unrecorded) b.unrecorded.set(c.id, c.unrecorded);
      const roots: Pending[] = [];
      for (const r of c.roots) {
        if (b.isVf(r.device.address)) continue;
        const p = b.visit(r);
        if (p) roots.push(p);
      }
      b.emitChildren(roots, null, c.id, home);
    }
  }
  b.emitBoxes();
  b.emitCxlEdges();
  return { nodes: b.nodes, edges: b.edges, hidden: b.hidden };
}

const addrKey = (a: string) => a.replace(/^([0-9a-f]+):/i, (_, d: string) => `${d.padStart(8, '0')}:`);
/** Canonical keys: same length, separators at the same places, lowercase hex digits. */
const CANONICAL_KEY = /^[0-9a-f]{8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;
export function cmpAddr(a: string, b: string): number {
  const x = addrKey(a);
  const y = addrKey(b);
  // For canonical keys code-unit order is the collation order (0-9 before a-f, the
  // separators only ever meet each other), and it spares the renderer's first load
  // the ICU collator set-up (~0.2 s of cold CPU) that localeCompare costs.
  if (CANONICAL_KEY.test(x) && CANONICAL_KEY.test(y)) return x < y ? -1 : x > y ? 1 : 0;
  return x.localeCompare(y);
}
