// Derives what the raw model implies: link health against both ends, locality when
// numa_node is unknown, host-bridge locality, and roles with their reasons. Pure and
// idempotent: annotating an annotated topology changes nothing.
import type { HostBridge, LinkInfo, PciDevice, Snapshot } from '../model';
import { parseCpuList } from '../parse/cpulist';
import { deriveRoles, vfParents } from './roles';

const speedNum = (s: string | null): number | null => (s ? Number.parseFloat(s) : null);

/**
 * A link is downgraded when it trained below what both ends support: this function's
 * maximum and the other end's (its upstream port for endpoints and upstream ports, the
 * device below for root and downstream ports). An x16 card in an x8 slot running x8 is not
 * downgraded (the slot is the limit); the same card at x4 is. A port with no link
 * (width 0 / speed unknown) is not downgraded: nothing is there.
 */
export function annotateLink(link: LinkInfo | null, upstream: LinkInfo | null): LinkInfo | null {
  if (!link) return null;
  const cs = speedNum(link.speed);
  const ms = speedNum(link.maxSpeed);
  const ups = speedNum(upstream?.maxSpeed ?? null);
  const capS = ms !== null && ups !== null ? Math.min(ms, ups) : ms;
  const capW = link.maxWidth !== null && upstream?.maxWidth ? Math.min(link.maxWidth, upstream.maxWidth) : link.maxWidth;
  const reasons: string[] = [];
  if (link.width === null || link.speed === null) {
    return { ...link, downgraded: false, note: 'no trained link (empty slot or link down)' };
  }
  if (capS !== null && cs !== null && cs < capS) reasons.push(`${link.speed} of ${capS} GT/s`);
  if (capW !== null && link.width < capW) reasons.push(`x${link.width} of x${capW}`);
  const limited: string[] = [];
  if (ms !== null && ups !== null && ups < ms) limited.push(`other end max ${upstream!.maxSpeed}`);
  if (link.maxWidth !== null && upstream?.maxWidth && upstream.maxWidth < link.maxWidth) limited.push(`other end max x${upstream.maxWidth}`);
  const note = reasons.length
    ? `trained at ${reasons.join(', ')}`
    : limited.length
      ? `full speed for this link (${limited.join(', ')})`
      : 'full speed and width';
  return { ...link, downgraded: reasons.length > 0, note };
}

/** The one node whose CPUs hold all of `cpus`; null when none or several do. */
function nodeForCpus(cpus: string, nodeSets: ReadonlyArray<readonly [number, ReadonlySet<number>]>): number | null {
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

export function annotateTopology(t: Snapshot): Snapshot {
  const byAddr = new Map(t.pci.devices.map((d) => [d.address, d] as const));
  // Each node's CPU set, parsed once (not once per device).
  const nodeSets = t.numaNodes.map((n) => [n.id, new Set(parseCpuList(n.cpus) ?? [])] as const);
  // The far end of a downstream-facing port's link is the device below it; the
  // functions of that device share the link, so their best maxima stand for it.
  const below = new Map<string, { maxSpeed: string | null; maxWidth: number | null }>();
  for (const d of t.pci.devices) {
    if (!d.parent || !d.link) continue;
    const cur = below.get(d.parent);
    const sp = d.link.maxSpeed && (!cur?.maxSpeed || speedNum(d.link.maxSpeed)! > speedNum(cur.maxSpeed)!) ? d.link.maxSpeed : (cur?.maxSpeed ?? null);
    const w = Math.max(d.link.maxWidth ?? 0, cur?.maxWidth ?? 0) || null;
    below.set(d.parent, { maxSpeed: sp, maxWidth: w });
  }
  const done = new Map<string, PciDevice>();
  const visit = (d: PciDevice, depth = 0): PciDevice => {
    const hit = done.get(d.address);
    if (hit) return hit;
    const parentRaw = d.parent ? byAddr.get(d.parent) : undefined;
    // Guard against cycles in hostile parent links: stop deriving past 256 levels.
    const parent = parentRaw && depth < 256 ? visit(parentRaw, depth + 1) : undefined;
    let { numaNode, localCpus, localityRule } = d;
    if (numaNode === null && localityRule !== 'imported') {
      const fromCpus = localCpus ? nodeForCpus(localCpus, nodeSets) : null;
      if (fromCpus !== null) {
        numaNode = fromCpus;
        localityRule = 'local_cpulist';
      } else if (parent && parent.numaNode !== null) {
        numaNode = parent.numaNode;
        localCpus = localCpus ?? parent.localCpus;
        localityRule = 'parent';
      } else localityRule = 'unknown';
    }
    const downstreamFacing = d.portKind === 'root-port' || d.portKind === 'switch-downstream';
    let link: LinkInfo | null;
    if (downstreamFacing && d.link) {
      const far = below.get(d.address);
      link = far
        ? annotateLink(d.link, { speed: null, width: null, maxSpeed: far.maxSpeed, maxWidth: far.maxWidth, downgraded: false })
        : { ...d.link, downgraded: false, note: 'no device below this port' };
    } else link = annotateLink(d.link, parent?.link ?? null);
    const out: PciDevice = { ...d, numaNode, localCpus, localityRule, link };
    done.set(d.address, out);
    return out;
  };
  const located = t.pci.devices.map((d) => visit(d));
  const vfParent = vfParents(located);
  // `located` holds this function's own copies: roles go straight into them (no third
  // copy of every device).
  for (const d of located as Array<{ -readonly [K in keyof PciDevice]: PciDevice[K] }>) {
    const rr = deriveRoles(d, vfParent);
    d.roles = rr.map((r) => r.role);
    d.roleReasons = rr;
  }
  const withRoles = located;
  // Host bridges take the locality their devices agree on (one pass over the devices).
  const byBridge = new Map<string, { nodes: Set<number | null>; cpus: Set<string | null> }>();
  for (const d of withRoles) {
    if (d.hostBridge === null) continue;
    let g = byBridge.get(d.hostBridge);
    if (!g) byBridge.set(d.hostBridge, (g = { nodes: new Set(), cpus: new Set() }));
    g.nodes.add(d.numaNode);
    g.cpus.add(d.localCpus);
  }
  const hostBridges: HostBridge[] | undefined = t.pci.hostBridges?.map((hb) => {
    const nodes = byBridge.get(hb.id)?.nodes ?? new Set();
    const cpus = byBridge.get(hb.id)?.cpus ?? new Set();
    return {
      ...hb,
      numaNode: nodes.size === 1 ? [...nodes][0]! : null,
      localCpus: cpus.size === 1 ? [...cpus][0]! : null,
    };
  });
  return { ...t, pci: { ...t.pci, devices: withRoles, ...(hostBridges ? { hostBridges } : {}) } };
}
