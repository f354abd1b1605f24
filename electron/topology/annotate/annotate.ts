// Derives what a built topology implies: link health against both ends, and roles with
// their reasons. annotateTopology is pure and idempotent (annotating an annotated
// topology changes nothing); annotateDevices does the same work in place on functions
// the caller owns (the builder's drafts), so they are not copied once more.
// Locality (numa_node, local CPUs, parent) is build/'s, not this module's.
import type { LinkInfo, PciDevice, Snapshot } from '../model';
import { deriveRoles, roleContext } from './roles';

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
    // A source that knows why (NCCL records maxima only) says so in its own note.
    return { ...link, downgraded: false, note: link.note ?? 'no trained link (empty slot or link down)' };
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

/**
 * Links judged against both ends, then roles with their reasons. Locality is decided
 * before this, by build/locality.ts.
 */
export function annotateTopology(t: Snapshot): Snapshot {
  const copies = t.pci.devices.map((d) => ({ ...d }));
  annotateDevices(copies, t.source);
  return { ...t, pci: { ...t.pci, devices: copies } };
}

/** A function whose fields the caller owns and lets annotateDevices fill. */
export type MutableDevice = { -readonly [K in keyof PciDevice]: PciDevice[K] };

/**
 * annotateTopology's work on functions the caller owns, in place: each one's link judged
 * against both ends (every link from the links as given, before any is replaced), then
 * its roles.
 */
export function annotateDevices(devices: readonly MutableDevice[], source: Snapshot['source']): void {
  const byAddr = new Map(devices.map((d) => [d.address, d] as const));
  const below = farEnds(devices);
  const links = devices.map((d) => judgeLink(d, byAddr.get(d.parent ?? ''), below));
  devices.forEach((d, i) => {
    d.link = links[i] ?? null;
  });
  const ctx = roleContext(devices, source);
  for (const d of devices) {
    const rr = deriveRoles(d, ctx);
    d.roles = rr.map((r) => r.role);
    d.roleReasons = rr;
  }
}

type FarEnd = { maxSpeed: string | null; maxWidth: number | null };

/**
 * The far end of a downstream-facing port's link is the device below it; the functions
 * of that device share the link, so their best maxima stand for it.
 */
function farEnds(devices: readonly PciDevice[]): Map<string, FarEnd> {
  const below = new Map<string, FarEnd>();
  for (const d of devices) {
    if (!d.parent || !d.link) continue;
    const cur = below.get(d.parent);
    const sp = d.link.maxSpeed && (!cur?.maxSpeed || speedNum(d.link.maxSpeed)! > speedNum(cur.maxSpeed)!) ? d.link.maxSpeed : (cur?.maxSpeed ?? null);
    const w = Math.max(d.link.maxWidth ?? 0, cur?.maxWidth ?? 0) || null;
    below.set(d.parent, { maxSpeed: sp, maxWidth: w });
  }
  return below;
}

/** A root or downstream port is judged against the device below it; anything else against its parent. */
function judgeLink(d: PciDevice, parent: PciDevice | undefined, below: ReadonlyMap<string, FarEnd>): LinkInfo | null {
  const downstreamFacing = d.portKind === 'root-port' || d.portKind === 'switch-downstream';
  if (!downstreamFacing || !d.link) return annotateLink(d.link, parent?.link ?? null);
  const far = below.get(d.address);
  return far
    ? annotateLink(d.link, { speed: null, width: null, maxSpeed: far.maxSpeed, maxWidth: far.maxWidth, downgraded: false })
    : { ...d.link, downgraded: false, note: 'no device below this port' };
}
