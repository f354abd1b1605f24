// Locality of each PCI function and root complex, and the rule that decided it
// (`localityRule`): the function's own numa_node, else the one node holding all of its
// local CPUs, else its parent bridge's, else the one node every function of its root
// complex that has a node of its own agrees on ('root-complex'); a root complex takes the
// locality its functions agree on. Pure; it reads no files and leaves what the input
// imported alone (an imported function without a node stays without one).
import type { Diagnostic, HostBridge, PciDevice } from '../model';
import { parseCpuList } from '../parse/cpulist';

type NodeSets = ReadonlyArray<readonly [number, ReadonlySet<number>]>;

/** The one node whose CPUs hold all of `cpus`; null when none or several do. */
function nodeForCpus(cpus: string, nodeSets: NodeSets): number | null {
  const want = parseCpuList(cpus);
  if (!want || want.length === 0) return null;
  let found: number | null = null;
  for (const [id, have] of nodeSets) {
    if (have.size === 0 || !want.every((c) => have.has(c))) continue;
    if (found !== null) return null;
    found = id;
  }
  return found;
}

/** One function's locality, its parent's already decided. */
function locate(d: PciDevice, parent: PciDevice | undefined, nodeSets: NodeSets): PciDevice {
  if (d.numaNode !== null || d.localityRule === 'imported') return d;
  const fromCpus = d.localCpus ? nodeForCpus(d.localCpus, nodeSets) : null;
  if (fromCpus !== null) return { ...d, numaNode: fromCpus, localityRule: 'local_cpulist' };
  if (parent && parent.numaNode !== null) return { ...d, numaNode: parent.numaNode, localCpus: d.localCpus ?? parent.localCpus, localityRule: 'parent' };
  return d.localityRule === 'unknown' ? d : { ...d, localityRule: 'unknown' };
}

/**
 * Each function's locality, parents first. The tree has been repaired (no loops), but
 * the walk still stops deriving past 256 levels so hostile input cannot overflow it.
 */
export function locateDevices(devices: readonly PciDevice[], numaNodes: ReadonlyArray<{ id: number; cpus: string }>): PciDevice[] {
  const byAddr = new Map(devices.map((d) => [d.address, d] as const));
  // Each node's CPU set, parsed once (not once per device).
  const nodeSets = numaNodes.map((n) => [n.id, new Set(parseCpuList(n.cpus) ?? [])] as const);
  const done = new Map<string, PciDevice>();
  const visit = (d: PciDevice, depth: number): PciDevice => {
    const hit = done.get(d.address);
    if (hit) return hit;
    const parentRaw = d.parent ? byAddr.get(d.parent) : undefined;
    const parent = parentRaw && depth < 256 ? visit(parentRaw, depth + 1) : undefined;
    const out = locate(d, parent, nodeSets);
    done.set(d.address, out);
    return out;
  };
  return devices.map((d) => visit(d, 0));
}

/** A function whose node comes from its own input (numa_node, local_cpulist or the imported file), not derived from others. */
function ownNode(d: PciDevice): boolean {
  return d.numaNode !== null && (d.localityRule === 'numa_node' || d.localityRule === 'local_cpulist' || d.localityRule === 'imported');
}

/** What one root complex's functions say about their node: each node with the functions that record it. */
interface BridgeEvidence {
  readonly nodes: Map<number, string[]>;
  readonly cpus: Set<string | null>;
}

function evidenceByBridge(devices: readonly PciDevice[]): Map<string, BridgeEvidence> {
  const out = new Map<string, BridgeEvidence>();
  for (const d of devices) {
    if (d.hostBridge === null || !ownNode(d)) continue;
    let g = out.get(d.hostBridge);
    if (!g) out.set(d.hostBridge, (g = { nodes: new Map(), cpus: new Set() }));
    const list = g.nodes.get(d.numaNode!);
    if (list) list.push(d.address);
    else g.nodes.set(d.numaNode!, [d.address]);
    g.cpus.add(d.localCpus);
  }
  return out;
}

function listSome(addrs: readonly string[]): string {
  return addrs.length <= 4 ? addrs.join(', ') : `${addrs.slice(0, 4).join(', ')} and ${addrs.length - 4} more`;
}

/**
 * The kernel gives every function below one host bridge that bridge's node (the root
 * bus's node from ACPI _PXM, pcibus_to_node; numa_node is per root bus), so a function
 * still without a node takes the one node all functions of its root complex that record
 * a node of their own agree on — with their CPUs when they agree on those too. When they
 * disagree, or none records a node, it stays unknown. One info diagnostic per root
 * complex names the functions the node was taken from.
 */
export function locateByRootComplex(devices: readonly PciDevice[], path: string): { devices: PciDevice[]; diagnostics: Diagnostic[] } {
  const evidence = evidenceByBridge(devices);
  const placed = new Map<string, string[]>();
  const out = devices.map((d) => {
    if (d.numaNode !== null || d.localityRule !== 'unknown' || d.hostBridge === null) return d;
    const g = evidence.get(d.hostBridge);
    if (!g || g.nodes.size !== 1) return d;
    const node = [...g.nodes.keys()][0]!;
    const cpus = g.cpus.size === 1 ? [...g.cpus][0]! : null;
    placed.set(d.hostBridge, [...(placed.get(d.hostBridge) ?? []), d.address]);
    return { ...d, numaNode: node, localCpus: d.localCpus ?? cpus, localityRule: 'root-complex' as const };
  });
  const diagnostics: Diagnostic[] = [...placed].map(([hb, addrs]) => {
    const [node, from] = [...evidence.get(hb)!.nodes][0]!;
    return {
      severity: 'info', path,
      message: `${hb}: ${addrs.length} function(s) with no NUMA node of their own (${listSome(addrs)}) placed on node ${node}, the node every function of this root complex that records one agrees on (${listSome(from)}); the kernel gives all functions below a host bridge its node`,
    };
  });
  return { devices: out, diagnostics };
}

/**
 * A function whose node is known but whose input printed no local CPUs (lspci with a
 * numactl block beside it) gets its node's CPUs: the kernel's local_cpulist of a PCI
 * function is its bus's node cpumask (cpumask_of_pcibus), the same node unless someone
 * wrote the device's numa_node by hand. Nodes whose CPUs the input does not list give
 * nothing.
 */
export function localCpusFromNodes(devices: readonly PciDevice[], numaNodes: ReadonlyArray<{ id: number; cpus: string }>): PciDevice[] {
  const cpus = new Map(numaNodes.filter((n) => n.cpus !== '').map((n) => [n.id, n.cpus] as const));
  if (cpus.size === 0) return devices as PciDevice[];
  return devices.map((d) => (d.numaNode !== null && d.localCpus === null && cpus.has(d.numaNode) ? { ...d, localCpus: cpus.get(d.numaNode)! } : d));
}

/** Root complexes take the node and CPUs all their functions agree on (null when they differ). */
export function locateHostBridges(hostBridges: readonly HostBridge[], devices: readonly PciDevice[]): HostBridge[] {
  const byBridge = new Map<string, { nodes: Set<number | null>; cpus: Set<string | null> }>();
  for (const d of devices) {
    if (d.hostBridge === null) continue;
    let g = byBridge.get(d.hostBridge);
    if (!g) byBridge.set(d.hostBridge, (g = { nodes: new Set(), cpus: new Set() }));
    g.nodes.add(d.numaNode);
    g.cpus.add(d.localCpus);
  }
  return hostBridges.map((hb) => {
    const nodes = byBridge.get(hb.id)?.nodes ?? new Set();
    const cpus = byBridge.get(hb.id)?.cpus ?? new Set();
    return {
      ...hb,
      numaNode: nodes.size === 1 ? [...nodes][0]! : null,
      localCpus: cpus.size === 1 ? [...cpus][0]! : null,
    };
  });
}
