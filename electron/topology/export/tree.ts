// The display tree shared by the text, DOT and SVG exports: NUMA node → root complex
// → bridges → functions, children sorted by address. Pure. It trusts the parent links to
// form a tree (build/ repairs them for every source); it does not repair them again.
import type { HostBridge, PciDevice, Snapshot } from '../model';

export interface TreeNode {
  readonly device: PciDevice;
  readonly children: TreeNode[];
}

export interface RootComplex {
  readonly id: string;
  /** What to call it: its id, or "root complex not recorded" when the input names none. */
  readonly label: string;
  /** Why the root complex is not known (null when it is). */
  readonly unrecorded: string | null;
  readonly hostBridge: HostBridge | null;
  readonly numaNode: number | null;
  readonly roots: TreeNode[];
}

export interface NumaGroup {
  /** null: devices whose locality is unknown (or mixed across nodes). */
  readonly node: number | null;
  readonly complexes: RootComplex[];
}

/** Key of the roots whose root complex the input does not record (hostBridge null), one per NUMA node. */
const UNRECORDED = 'unrecorded:';

/** Why an input names no root complex for a function. */
function unrecordedReason(t: Snapshot): string {
  if (t.source.kind === 'nccl-xml') return 'NCCL lists every second PCI level';
  return t.source.kind === 'lspci' ? 'lspci without -v or -t records no bridge above these buses' : 'the input names none';
}

const addrKey = (a: string) => a.replace(/^([0-9a-f]+):/, (_, d: string) => d.padStart(8, '0') + ':');

export function buildTree(t: Snapshot): NumaGroup[] {
  const byAddr = new Map(t.pci.devices.map((d) => [d.address, d] as const));
  const nodes = new Map<string, TreeNode>();
  for (const d of t.pci.devices) nodes.set(d.address, { device: d, children: [] });
  const complexes = new Map<string, TreeNode[]>();
  for (const d of t.pci.devices) {
    const n = nodes.get(d.address)!;
    // Parents form a tree: every load went through build/tree.ts (repairPciTree), which
    // cuts loops and nulls parents that are not in the input.
    if (d.parent && byAddr.has(d.parent)) nodes.get(d.parent)!.children.push(n);
    else {
      // No host bridge: the root complex is not recorded (NCCL skips the root ports, so
      // the function's own bus is not a root bus); it is not named after that bus.
      const hb = d.hostBridge ?? `${UNRECORDED}${d.numaNode ?? 'unknown'}`;
      const list = complexes.get(hb) ?? [];
      list.push(n);
      complexes.set(hb, list);
    }
  }
  const sortRec = (list: TreeNode[]) => {
    list.sort((a, b) => addrKey(a.device.address).localeCompare(addrKey(b.device.address)));
    for (const c of list) sortRec(c.children);
  };
  const hbs = new Map((t.pci.hostBridges ?? []).map((h) => [h.id, h] as const));
  const groups = new Map<number | null, RootComplex[]>();
  for (const [id, roots] of complexes) {
    sortRec(roots);
    const hb = hbs.get(id) ?? null;
    const nodeSet = new Set<number | null>();
    const walk = (n: TreeNode) => {
      nodeSet.add(n.device.numaNode);
      n.children.forEach(walk);
    };
    roots.forEach(walk);
    const numaNode = hb?.numaNode ?? (nodeSet.size === 1 ? [...nodeSet][0]! : null);
    const unrecorded = id.startsWith(UNRECORDED) ? unrecordedReason(t) : null;
    const rc: RootComplex = { id, label: unrecorded ? 'root complex not recorded' : id, unrecorded, hostBridge: hb, numaNode, roots };
    const g = groups.get(numaNode) ?? [];
    g.push(rc);
    groups.set(numaNode, g);
  }
  const out: NumaGroup[] = [];
  const keys = [...new Set([...t.numaNodes.map((n) => n.id as number | null), ...groups.keys()])];
  keys.sort((a, b) => (a === null ? 1 : b === null ? -1 : a - b));
  for (const k of keys) {
    const cs = (groups.get(k) ?? []).sort((a, b) => addrKey(a.id.slice(3)).localeCompare(addrKey(b.id.slice(3))));
    out.push({ node: k, complexes: cs });
  }
  return out;
}
