// The device distance matrix: for every pair of PCI functions, the `nvidia-smi topo -m`
// class of the path between them (X, PIX, PXB, PHB, NODE, SYS), computed from the PCI
// tree and the NUMA locality of the model, plus UNK where locality is unknown. Pure and
// DOM/Node-free (the renderer imports it). It does not know NVLink or any fabric
// outside PCIe, and it never guesses a class it cannot derive.
import type { PciDevice, Snapshot } from '../model';
import { deviceLabel } from './select';

export type PathClass = 'X' | 'PIX' | 'PXB' | 'PHB' | 'NODE' | 'SYS' | 'UNK';

/** Best to worst; UNK last (it is not a distance). */
export const PATH_CLASSES: readonly PathClass[] = ['X', 'PIX', 'PXB', 'PHB', 'NODE', 'SYS', 'UNK'];

export const PATH_LEGEND: Readonly<Record<PathClass, string>> = {
  X: 'Self',
  PIX: 'Connection traversing at most a single PCIe bridge (a PCIe switch, upstream and downstream ports, counts as one)',
  PXB: 'Connection traversing multiple PCIe bridges (without traversing the PCIe Host Bridge)',
  PHB: 'Connection traversing PCIe as well as a PCIe Host Bridge (typically the CPU)',
  NODE: 'Connection traversing PCIe as well as the interconnect between PCIe Host Bridges within a NUMA node',
  SYS: 'Connection traversing PCIe as well as the SMP interconnect between NUMA nodes (e.g., QPI/UPI)',
  UNK: 'Unknown from this input: the devices hang from different host bridges and the NUMA node of at least one is unknown (numa_node -1, no fallback), or the input does not record host bridges (NCCL XML) and cannot tell PHB from NODE',
};

/** One pair's answer with the evidence the app highlights. */
export interface PathInfo {
  readonly cls: PathClass;
  /** Bridges on the path (PCI addresses), from `a` up and down to `b`; host bridges as "pciDDDD:BB". */
  readonly via: readonly string[];
  /** Why, in words. */
  readonly reason: string;
}

export interface MatrixResult {
  readonly devices: readonly string[];
  readonly matrix: readonly (readonly PathClass[])[];
  readonly numaNode: readonly (number | null)[];
  readonly cpus: readonly (string | null)[];
  /** Column labels (OS device name or bus address), unique. */
  readonly labels: readonly string[];
  readonly legend: Readonly<Record<PathClass, string>>;
}

/** The PCI tree as parent links, with cycle-safe ancestor chains. */
export class PciPaths {
  private readonly byAddr: ReadonlyMap<string, PciDevice>;
  /** Root complexes that hang below a PCI device (Intel VMD): host bridge id → that device. */
  private readonly behind: ReadonlyMap<string, PciDevice>;
  private readonly chains = new Map<string, readonly PciDevice[]>();
  /**
   * The machine's only NUMA node, when the input lists exactly one with its CPUs (sysfs,
   * hwloc, numactl beside lspci; not lspci's "NUMA node:" lines alone, which name only
   * the nodes of the devices printed): a device of unknown node can only be on it.
   */
  readonly onlyNode: number | null;
  constructor(readonly t: Snapshot) {
    this.onlyNode = t.numaNodes.length === 1 && t.numaNodes[0]!.cpus !== '' ? t.numaNodes[0]!.id : null;
    this.byAddr = new Map(t.pci.devices.map((d) => [d.address, d] as const));
    const behind = new Map<string, PciDevice>();
    for (const hb of t.pci.hostBridges ?? []) {
      const dev = hb.behind ? this.byAddr.get(hb.behind) : undefined;
      if (dev) behind.set(hb.id, dev);
    }
    this.behind = behind;
  }
  device(addr: string): PciDevice | undefined {
    return this.byAddr.get(addr);
  }
  /**
   * Upstream bridges of `d`, nearest first (not `d` itself). Where a root complex hangs
   * below a device (VMD), the chain goes on through that device: its traffic does.
   */
  ancestors(d: PciDevice): readonly PciDevice[] {
    const hit = this.chains.get(d.address);
    if (hit) return hit;
    const out: PciDevice[] = [];
    const seen = new Set([d.address]);
    let cur = d.parent ? this.byAddr.get(d.parent) : this.hostedBy(d);
    while (cur && !seen.has(cur.address)) {
      out.push(cur);
      seen.add(cur.address);
      cur = cur.parent ? this.byAddr.get(cur.parent) : this.hostedBy(cur);
    }
    this.chains.set(d.address, out);
    return out;
  }
  private hostedBy(d: PciDevice): PciDevice | undefined {
    return d.hostBridge ? this.behind.get(d.hostBridge) : undefined;
  }
  /**
   * The root complex a device's traffic reaches the CPU through: the model's hostBridge
   * (for a VMD domain, the one its VMD device sits on); null when the input does not
   * record it (NCCL XML leaves root ports out, so its topmost function is not on a root
   * bus and its bus number says nothing).
   */
  hostBridge(d: PciDevice): string | null {
    const chain = this.ancestors(d);
    const top = chain.length ? chain[chain.length - 1]! : d;
    return top.hostBridge ?? d.hostBridge ?? null;
  }
  /** A switch's ports are one bridge: downstream ports map to their upstream port. */
  bridgeUnit(b: PciDevice): string {
    if (b.portKind === 'switch-downstream' && b.parent) {
      const up = this.byAddr.get(b.parent);
      if (up?.portKind === 'switch-upstream') return up.address;
    }
    return b.address;
  }
}

function sameTreeClass(paths: PciPaths, a: PciDevice, b: PciDevice): PathInfo | null {
  const upA = paths.ancestors(a);
  const upB = paths.ancestors(b);
  // Chains include the device itself so that a bridge and a device below it meet at the bridge.
  const chainA = [a, ...upA];
  const inB = new Set([b, ...upB].map((d) => d.address));
  const lcaIdx = chainA.findIndex((d) => inB.has(d.address));
  if (lcaIdx < 0) return null;
  const lca = chainA[lcaIdx]!;
  const chainB = [b, ...upB];
  const lcaInB = chainB.findIndex((d) => d.address === lca.address);
  // The bridges strictly between the two: a's side, the common ancestor (unless it is
  // one of the pair), b's side going down.
  const middle = lca.address === a.address || lca.address === b.address ? [] : [lca];
  const via = [...chainA.slice(1, lcaIdx), ...middle, ...chainB.slice(1, lcaInB).reverse()];
  const units = new Set(via.map((d) => paths.bridgeUnit(d)));
  const n = units.size;
  const cls: PathClass = n <= 1 ? 'PIX' : 'PXB';
  const what = n === 0 ? 'no bridge' : n === 1 ? `one bridge (${[...units][0]})` : `${n} bridges (${[...units].join(', ')})`;
  return { cls, via: via.map((d) => d.address), reason: `${what} between them, below the same root port or switch` };
}

/** The class of the path between two functions, with the bridges it crosses. */
export function pathBetween(paths: PciPaths, a: PciDevice, b: PciDevice): PathInfo {
  if (a.address === b.address) return { cls: 'X', via: [], reason: 'the same function' };
  const tree = sameTreeClass(paths, a, b);
  if (tree) return tree;
  const hbA = paths.hostBridge(a);
  const hbB = paths.hostBridge(b);
  const up = (d: PciDevice) => paths.ancestors(d).map((x) => x.address);
  const upA = up(a);
  const downB = up(b).reverse();
  const via = [...upA, ...(hbA ? [hbA] : []), ...(hbB && hbB !== hbA ? [hbB] : []), ...downB];
  // A root complex sits in one socket: known, different nodes are SYS whatever the buses say.
  const nodeA = a.numaNode ?? paths.onlyNode;
  const nodeB = b.numaNode ?? paths.onlyNode;
  const nodesDiffer = nodeA !== null && nodeB !== null && nodeA !== nodeB;
  if (!nodesDiffer && hbA !== null && hbA === hbB) {
    return { cls: 'PHB', via, reason: `through host bridge ${hbA}` };
  }
  if (nodeA === null || nodeB === null) {
    const unknown = [a, b].filter((d) => d.numaNode === null).map((d) => d.address).join(' and ');
    return { cls: 'UNK', via, reason: `different host bridges (${hbA ?? '?'}, ${hbB ?? '?'}); NUMA node of ${unknown} unknown` };
  }
  const only = a.numaNode === null || b.numaNode === null ? ' (the machine has only this node)' : '';
  if (nodeA === nodeB) {
    if (hbA === null || hbB === null) {
      return { cls: 'UNK', via, reason: `both on NUMA node ${nodeA}${only}, but the input does not record their host bridges: PHB (one) or NODE (two)` };
    }
    return { cls: 'NODE', via, reason: `host bridges ${hbA} and ${hbB}, both on NUMA node ${nodeA}${only}` };
  }
  return { cls: 'SYS', via, reason: `NUMA node ${nodeA} to node ${nodeB}, across the socket interconnect` };
}

function uniqueLabels(devs: readonly PciDevice[]): string[] {
  const labels = devs.map(deviceLabel);
  const count = new Map<string, number>();
  for (const l of labels) count.set(l, (count.get(l) ?? 0) + 1);
  return labels.map((l, i) => ((count.get(l) ?? 0) > 1 ? devs[i]!.address : l));
}

/** The matrix for `devices` (in the order given). Symmetric by construction. */
export function buildMatrix(t: Snapshot, devices: readonly PciDevice[]): MatrixResult {
  const paths = new PciPaths(t);
  const n = devices.length;
  const m: PathClass[][] = devices.map(() => new Array<PathClass>(n).fill('X'));
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      const c = pathBetween(paths, devices[i]!, devices[j]!).cls;
      m[i]![j] = c;
      m[j]![i] = c;
    }
  }
  return {
    devices: devices.map((d) => d.address),
    matrix: m,
    numaNode: devices.map((d) => d.numaNode),
    cpus: devices.map((d) => d.localCpus),
    labels: uniqueLabels(devices),
    legend: PATH_LEGEND,
  };
}

/** The contract JSON (fields may be added, never changed). */
export function matrixJson(r: MatrixResult): string {
  const out = {
    devices: r.devices,
    labels: r.labels,
    matrix: r.matrix,
    numaNode: r.numaNode,
    cpus: r.cpus,
    legend: r.legend,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Text like `nvidia-smi topo -m`: the grid, CPU and NUMA affinity columns, the device key, the legend. */
export function matrixText(r: MatrixResult, devices: readonly PciDevice[]): string {
  const head = ['', ...r.labels, 'CPU Affinity', 'NUMA Affinity'];
  const rows = r.labels.map((l, i) => [l, ...r.matrix[i]!.map((c) => (c === 'X' ? ' X ' : c)), r.cpus[i] ?? 'N/A', r.numaNode[i] === null ? 'N/A' : String(r.numaNode[i])]);
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k]!.length)));
  const fmt = (cells: string[]) => cells.map((c, k) => c.padEnd(widths[k]!)).join('  ').trimEnd();
  const lines = [fmt(head), ...rows.map(fmt), ''];
  if (r.devices.length === 0) lines.unshift('(no devices selected)');
  lines.push('Devices:');
  devices.forEach((d, i) => {
    const name = [d.vendorName, d.deviceName].filter(Boolean).join(' ') || `[${(d.vendorId?.slice(2) ?? '?')}:${(d.deviceId?.slice(2) ?? '?')}]`;
    lines.push(`  ${r.labels[i]!.padEnd(Math.max(...r.labels.map((l) => l.length)))}  ${d.address}  ${name}${d.driver ? `  driver ${d.driver}` : ''}`);
  });
  lines.push('', 'Legend:', '');
  const used = new Set(r.matrix.flat());
  for (const c of PATH_CLASSES) if (c !== 'UNK' || used.has('UNK')) lines.push(`  ${c.padEnd(4)} = ${PATH_LEGEND[c]}`);
  return `${lines.join('\n')}\n`;
}
