// The picture's content, before positions: which nodes are drawn (machine, NUMA groups,
// CPU boxes, root complexes, devices, collapsed-VF counters), their label lines, classes
// and tree edges, after the view options (VF collapse, hidden bridges, interesting-only,
// role filter). Pure; positions are layout.ts's job, drawing is the renderer's / svg.ts's.
import type { Machine, NumaNode, PciDevice, Snapshot } from '../model';
import { cpuCount, describeLink, formatBytes, PORT_KIND_LABEL, shortClass } from '../export/describe';
import { buildTree, type TreeNode } from '../export/tree';
import { FONT, primaryRole, viewRoles, type ViewRole } from './style';

export type SceneKind = 'machine' | 'numa' | 'cpus' | 'complex' | 'device' | 'vf-group';

export interface SceneOptions {
  /** Fold SR-IOV VFs into one counter node under their PF (default true). */
  readonly collapseVfs?: boolean;
  /** PFs whose VFs are shown even when collapsing. */
  readonly expandedPfs?: Iterable<string>;
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
  /** Compound box the node is drawn in (a NUMA group id); null for the machine and the groups. */
  readonly group: string | null;
  /** Tree parent: the edge into this node comes from it. */
  readonly parent: string | null;
  /** View children in drawing order (ids). */
  readonly children: string[];
  readonly lines: readonly string[];
  readonly classes: readonly string[];
  readonly role: ViewRole | null;
  readonly address: string | null;
  readonly numaNode: number | null;
  /** vf-group: the folded VFs. */
  readonly vfs?: readonly string[];
  /** Folded groups (VFs, platform functions): the addresses they stand for. */
  readonly members?: readonly string[];
  /** Full title (labels are clipped; details and tooltips show this). */
  readonly title?: string;
  /** vf-group: the PF. */
  readonly pf?: string;
  /** Hidden single-child bridges between this node and its tree parent. */
  readonly via?: readonly string[];
  /** Box size in px (label lines + padding). */
  readonly w: number;
  readonly h: number;
}

export interface SceneEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly classes: readonly string[];
}

export interface Scene {
  readonly nodes: readonly SceneNode[];
  readonly edges: readonly SceneEdge[];
  /** Devices not drawn as nodes, by reason (every model device is drawn or in exactly one list). */
  readonly hidden: {
    readonly collapsedVfs: readonly string[];
    readonly bridges: readonly string[];
    readonly plain: readonly string[];
    readonly filtered: readonly string[];
  };
}

export const MAX_LINE = 34;
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

export function deviceLines(d: PciDevice): string[] {
  const kind = SHORT_PORT_KIND[d.portKind] ?? (PORT_KIND_LABEL[d.portKind] || shortClass(d));
  const lines = [clip(`${shortAddress(d.address)} ${kind}`)];
  const name = d.deviceName ?? d.vendorName ?? `${d.vendorId}:${d.deviceId}`;
  lines.push(clip(name));
  const os = d.osDevices.map((o) => o.name);
  const drv = d.driver ?? (d.driverOverride ? `override ${d.driverOverride}` : 'no driver');
  lines.push(clip([drv, ...os].join(' · ')));
  if (d.link?.downgraded) lines.push(clip(`⚠ ${shortLink(d.link)}`));
  if (d.sriov && !d.sriov.physfn && (d.sriov.totalVfs ?? 0) > 0) lines.push(clip(`SR-IOV ${d.sriov.numVfs ?? d.sriov.vfs.length}/${d.sriov.totalVfs} VFs`));
  return lines;
}

/** "x4/x16 · 2.5 of 8 GT/s": current of max, only where they differ (the ⚠ says downgraded). */
export function shortLink(l: NonNullable<PciDevice['link']>): string {
  const w = l.width === null ? '' : l.maxWidth !== null && l.width < l.maxWidth ? `x${l.width}/x${l.maxWidth}` : `x${l.width}`;
  const slower = l.speed && l.maxSpeed && Number.parseFloat(l.speed) < Number.parseFloat(l.maxSpeed);
  const sp = !l.speed ? '' : slower ? `${l.speed.replace(/ GT\/s$/, '')} of ${l.maxSpeed}` : l.speed;
  return [w, sp].filter(Boolean).join(' · ') || describeLink(l);
}

export function deviceClasses(d: PciDevice): string[] {
  const c = ['device', `prim-${primaryRole(d)}`, ...viewRoles(d).map((r) => `role-${r}`), `port-${d.portKind}`];
  c.push(d.numaNode === null ? 'numa-unknown' : `numa-${d.numaNode}`);
  if (d.link?.downgraded) c.push('link-downgraded');
  if (d.numaNode === null || d.localityRule === 'unknown') c.push('locality-unknown');
  if (!d.driver) c.push('unbound');
  return c;
}

/** Devices hwloc shows by default (endpoints), see export/text. */
function interestingEndpoint(d: PciDevice): boolean {
  return d.osDevices.length > 0 || d.roles.length > 0 || d.classCode.startsWith('0x02') || d.classCode.startsWith('0x01');
}

const PLAIN_BRIDGE_KINDS = new Set(['pci-bridge', 'host-bridge']);

export function numaGroupId(node: number | null): string {
  return node === null ? 'numa:unknown' : `numa:${node}`;
}

function numaLines(n: NumaNode | undefined, id: number | null): string[] {
  if (id === null) return ['Locality unknown (numa_node -1)'];
  if (!n) return [`NUMA node ${id}`];
  return [`NUMA node ${id} · ${n.kind}${n.distances.length ? ` · distances ${n.distances.join(' ')}` : ''}`];
}

function cpuLines(t: Snapshot, n: NumaNode | undefined): string[] {
  if (!n) return ['CPUs not reported'];
  const count = cpuCount(n.cpus);
  // lspci-only inputs know the node ids from numa_node but nothing about CPUs or memory.
  const unknownCpus = t.machine.cpus.length === 0 && !n.cpus;
  const lines = [count ? clip(`CPUs ${n.cpus} (${count})`) : unknownCpus ? 'CPUs not reported' : 'no CPUs'];
  lines.push(n.memoryBytes === null ? `${n.kind}, size not reported` : `${formatBytes(n.memoryBytes)} ${n.kind}`);
  const ids = new Set(t.machine.cpus.filter((c) => c.node === n.id).map((c) => c.id));
  const u = uarchSummary(t.machine.cpus.filter((c) => ids.has(c.id)));
  if (u) lines.push(clip(u));
  if (n.kindReason && n.kind !== 'dram') lines.push(clip(n.kindReason));
  return lines;
}

export function buildScene(t: Snapshot, opts: SceneOptions = {}): Scene {
  const collapse = opts.collapseVfs ?? true;
  const expanded = new Set(opts.expandedPfs ?? []);
  const role = opts.role ?? null;
  const byAddr = new Map(t.pci.devices.map((d) => [d.address, d] as const));
  // VF → PF, from either side of the relation; only PFs that exist in the model count.
  const pfOf = new Map<string, string>();
  for (const d of t.pci.devices) {
    for (const vf of d.sriov?.vfs ?? []) if (byAddr.has(vf)) pfOf.set(vf, d.address);
    if (d.sriov?.physfn && byAddr.has(d.sriov.physfn)) pfOf.set(d.address, d.sriov.physfn);
  }
  for (const [vf, pf] of [...pfOf]) if (vf === pf || pfOf.has(pf)) pfOf.delete(vf);
  const vfsOf = new Map<string, string[]>();
  for (const [vf, pf] of pfOf) vfsOf.set(pf, [...(vfsOf.get(pf) ?? []), vf]);
  for (const l of vfsOf.values()) l.sort(cmpAddr);

  const nodes: SceneNode[] = [];
  const edges: SceneEdge[] = [];
  const hidden = { collapsedVfs: [] as string[], bridges: [] as string[], plain: [] as string[], filtered: [] as string[] };

  const matchesRole = (d: PciDevice) => role === null || d.roles.includes(role) || viewRoles(d).includes(role as ViewRole);

  /** A device's drawable subtree, or null when nothing of it is drawn (its addresses go to `hidden`). */
  interface Pending { d: PciDevice; kids: Pending[]; vfGroup: string[]; via: string[]; context: boolean }
  const visit = (n: TreeNode): Pending | null => {
    const d = n.device;
    const kids: Pending[] = [];
    for (const c of n.children) {
      if (pfOf.has(c.device.address)) continue; // drawn under its PF
      const p = visit(c);
      if (p) kids.push(p);
    }
    // The PF's VFs: folded into a counter or drawn as its children.
    const vfGroup: string[] = [];
    for (const vfAddr of vfsOf.get(d.address) ?? []) {
      const vf = byAddr.get(vfAddr)!;
      if (!matchesRole(vf)) {
        hidden.filtered.push(vfAddr);
        continue;
      }
      if (collapse && !expanded.has(d.address)) vfGroup.push(vfAddr);
      else kids.push({ d: vf, kids: [], vfGroup: [], via: [], context: false });
    }
    const endpoint = d.portKind === 'endpoint' || d.portKind === 'rc-endpoint' || d.portKind === 'rc-event-collector';
    const self = matchesRole(d);
    if (kids.length === 0 && vfGroup.length === 0) {
      if (!self) {
        hidden.filtered.push(d.address);
        return null;
      }
      if (opts.interestingOnly && (endpoint ? !interestingEndpoint(d) : true)) {
        hidden.plain.push(d.address);
        return null;
      }
    }
    if (opts.hideBridges && PLAIN_BRIDGE_KINDS.has(d.portKind) && kids.length === 1 && vfGroup.length === 0 && d.osDevices.length === 0 && d.roles.length === 0) {
      hidden.bridges.push(d.address);
      const only = kids[0]!;
      return { ...only, via: [d.address, ...only.via] };
    }
    return { d, kids, vfGroup, via: [], context: !self };
  };

  // Machine.
  const m = t.machine;
  const mLines = [clip(m.hostname ?? t.source.name), clip(archLine(m)), clip(`${m.cpus.length} CPUs · ${t.numaNodes.length} NUMA · ${t.pci.devices.length} PCI`)];
  if (m.cpuModel && m.arch !== 'aarch64') mLines.push(clip(m.cpuModel));
  nodes.push({ id: 'machine', kind: 'machine', group: null, parent: null, children: [], lines: mLines, classes: ['machine', m.arch === 'aarch64' ? 'arch-aarch64' : `arch-${m.arch}`], role: null, address: null, numaNode: null, ...boxSize(mLines, 140) });
  const machineKids = nodes[0]!.children;
  const filtering = role !== null || opts.interestingOnly === true;

  for (const g of buildTree(t)) {
    const gid = numaGroupId(g.node);
    const numa = g.node === null ? undefined : t.numaNodes.find((n) => n.id === g.node);
    const groupNodes: SceneNode[] = [];
    const groupEdges: SceneEdge[] = [];
    if (g.node !== null) {
      const lines = cpuLines(t, numa);
      const id = `cpus:${g.node}`;
      groupNodes.push({ id, kind: 'cpus', group: gid, parent: 'machine', children: [], lines, classes: ['cpus', `numa-${g.node}`, `numa-kind-${numa?.kind ?? 'dram'}`], role: null, address: null, numaNode: g.node, ...boxSize(lines) });
      groupEdges.push({ id: `e:machine>${id}`, source: 'machine', target: id, classes: ['cpu-edge'] });
    }
    for (const c of g.complexes) {
      const roots: Pending[] = [];
      for (const r of c.roots) {
        if (pfOf.has(r.device.address)) continue;
        const p = visit(r);
        if (p) roots.push(p);
      }
      if (roots.length === 0 && filtering) continue;
      const cid = `rc:${c.id}`;
      const lines = [c.id, c.hostBridge?.behind ? clip(`root complex behind ${c.hostBridge.behind}`) : 'root complex'];
      const rc: SceneNode = { id: cid, kind: 'complex', group: gid, parent: 'machine', children: [], lines, classes: ['complex', g.node === null ? 'numa-unknown' : `numa-${g.node}`], role: null, address: null, numaNode: g.node, ...boxSize(lines) };
      groupNodes.push(rc);
      groupEdges.push({ id: `e:machine>${cid}`, source: 'machine', target: cid, classes: ['rc-edge'] });
      const emit = (p: Pending, parent: SceneNode) => {
        const d = p.d;
        const lines = deviceLines(d);
        const classes = deviceClasses(d);
        if (p.context) classes.push('context');
        if (p.via.length) classes.push('via-hidden');
        const n: SceneNode = { id: d.address, kind: 'device', group: gid, parent: parent.id, children: [], lines, classes, role: primaryRole(d), address: d.address, numaNode: d.numaNode, via: p.via, ...boxSize(lines) };
        groupNodes.push(n);
        parent.children.push(n.id);
        const ec = ['tree-edge'];
        if (p.via.length) ec.push('via-hidden');
        if (pfOf.get(d.address) === parent.id) ec.push('vf-edge');
        groupEdges.push({ id: `e:${parent.id}>${n.id}`, source: parent.id, target: n.id, classes: ec });
        for (const k of p.kids) emit(k, n);
        if (p.vfGroup.length) {
          hidden.collapsedVfs.push(...p.vfGroup);
          const vid = `vfs:${d.address}`;
          const vl = [`+${p.vfGroup.length} VF${p.vfGroup.length === 1 ? '' : 's'} (collapsed)`, clip(`${shortAddress(p.vfGroup[0]!)}…${shortAddress(p.vfGroup[p.vfGroup.length - 1]!)}`)];
          groupNodes.push({ id: vid, kind: 'vf-group', group: gid, parent: n.id, children: [], lines: vl, classes: ['vf-group', 'prim-sriov-vf'], role: 'sriov-vf', address: null, numaNode: d.numaNode, vfs: p.vfGroup, pf: d.address, ...boxSize(vl) });
          n.children.push(vid);
          groupEdges.push({ id: `e:${n.id}>${vid}`, source: n.id, target: vid, classes: ['tree-edge', 'vf-edge'] });
        }
      };
      for (const r of roots) emit(r, rc);
    }
    const lines = numaLines(numa, g.node);
    const groupClasses = ['numa', g.node === null ? 'numa-unknown' : `numa-${g.node}`];
    if (numa) groupClasses.push(`numa-kind-${numa.kind}`);
    nodes.push({ id: gid, kind: 'numa', group: null, parent: null, children: [], lines, classes: groupClasses, role: null, address: null, numaNode: g.node, w: 0, h: 0 });
    for (const n of groupNodes) if (n.parent === 'machine') machineKids.push(n.id);
    nodes.push(...groupNodes);
    edges.push(...groupEdges);
  }
  return { nodes, edges, hidden };
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
