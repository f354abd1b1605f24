// Locality of each PCI function and root complex, and the rule that decided it
// (`localityRule`): the function's own numa_node, else the one node holding all of its
// local CPUs, else its parent bridge's; a root complex takes the locality its functions
// agree on. Pure; it reads no files and leaves what the input imported alone.
import type { HostBridge, PciDevice } from '../model';
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
