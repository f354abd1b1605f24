// Differences between two snapshots of any format: PCI functions added and removed
// (matched by address, with a note when one looks moved), per-function changes
// (identity, tree, driver, locality, link, SR-IOV, OS devices, roles) and machine
// changes (arch, CPUs, NUMA nodes, memory). Pure: no I/O, no DOM, no Node.
// It deliberately does not report what one of the two formats cannot carry (see
// carriedFields): a driver missing from hwloc XML is not "driver removed".
import type { LinkInfo, NumaNode, PciDevice, Snapshot, SourceKind } from '../model';

/** The per-function fields the diff compares, named as in the snapshot contract. */
export type DeviceField =
  | 'vendorId' | 'deviceId' | 'subsystemVendorId' | 'subsystemDeviceId' | 'classCode'
  | 'parent' | 'driver' | 'numaNode' | 'localCpus' | 'link' | 'sriov' | 'osDevices' | 'roles';

export const DEVICE_FIELDS: readonly DeviceField[] = [
  'vendorId', 'deviceId', 'subsystemVendorId', 'subsystemDeviceId', 'classCode',
  'parent', 'driver', 'numaNode', 'localCpus', 'link', 'sriov', 'osDevices', 'roles',
];

export interface DeviceChange {
  readonly address: string;
  readonly field: DeviceField;
  readonly before: unknown;
  readonly after: unknown;
}

export interface MachineChange {
  /** "arch", "cpuModel", "cpus", "numaNodes", "numaNodes[1].memoryBytes", ... */
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** A removed and an added function that look like the same card at a new address. */
export interface Moved {
  readonly from: string;
  readonly to: string;
  /** What makes them look the same: "same ids 8086:1521 (subsystem 8086:0001) and MAC ...". */
  readonly evidence: string;
}

export interface SnapshotDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: DeviceChange[];
  readonly machine: MachineChange[];
  readonly moved: Moved[];
  /** Fields left out because one side's format cannot carry them, with the reason. */
  readonly notCompared: { readonly field: string; readonly reason: string }[];
}

/**
 * Fields a format cannot carry at all. hwloc XML has no drivers, links (only a
 * bandwidth), SR-IOV relations or IOMMU groups (sources/hwloc-xml.ts); lspci has no CPU
 * lists or OS devices. NCCL's topology XML has no drivers, SR-IOV or CPU lists per
 * function, only the lower maximum of a link's two ends (no trained link), only the
 * GPUs' and NICs' OS devices, and skips root and downstream ports, so its parents are
 * the nearest function it kept (sources/nccl-xml.ts).
 */
const FORMAT_LACKS: Partial<Record<SourceKind, readonly DeviceField[]>> = {
  'hwloc-xml': ['driver', 'link', 'sriov', 'roles'],
  'nccl-xml': ['driver', 'link', 'sriov', 'localCpus', 'osDevices', 'roles', 'parent'],
  lspci: ['localCpus', 'osDevices', 'roles'],
};

/**
 * Fields a format carries only in some of its variants: lspci prints drivers with -k,
 * links and SR-IOV only with -vv run as root, NUMA nodes only with -vv on kernels that
 * know them; a snapshot of unknown origin may come from any format. Such a field counts
 * as carried when at least one function in the capture has it.
 */
const VARIANT_FIELDS: Partial<Record<SourceKind, readonly DeviceField[]>> = {
  lspci: ['driver', 'link', 'sriov', 'numaNode'],
  snapshot: ['driver', 'link', 'sriov', 'numaNode', 'localCpus', 'osDevices'],
};

function hasValue(d: PciDevice, f: DeviceField): boolean {
  const v = d[f as keyof PciDevice];
  return v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0);
}

/** Fields this capture can speak about (see FORMAT_LACKS and VARIANT_FIELDS). */
export function carriedFields(s: Snapshot): Set<DeviceField> {
  const kind = s.source.kind;
  const lacks = new Set(FORMAT_LACKS[kind] ?? []);
  const out = new Set<DeviceField>();
  for (const f of DEVICE_FIELDS) {
    if (lacks.has(f)) continue;
    if ((VARIANT_FIELDS[kind] ?? []).includes(f) && !s.pci.devices.some((d) => hasValue(d, f))) continue;
    out.add(f);
  }
  // Roles derive from driver, OS devices and SR-IOV: comparable only when both are.
  if (!out.has('driver') || !out.has('osDevices')) out.delete('roles');
  return out;
}

function compactLink(l: LinkInfo | null): { speed: string | null; width: number | null; maxSpeed: string | null; maxWidth: number | null } | null {
  return l ? { speed: l.speed, width: l.width, maxSpeed: l.maxSpeed, maxWidth: l.maxWidth } : null;
}

/** The value of a field as the diff compares and reports it (derived extras dropped). */
export function fieldValue(d: PciDevice, f: DeviceField): unknown {
  switch (f) {
    case 'link':
      return compactLink(d.link);
    case 'sriov':
      return d.sriov && !d.sriov.physfn ? { totalVfs: d.sriov.totalVfs, numVfs: d.sriov.numVfs } : d.sriov ? { physfn: d.sriov.physfn } : null;
    case 'osDevices':
      return d.osDevices.map((o) => ({ name: o.name, kind: o.kind })).sort((a, b) => (a.kind + a.name < b.kind + b.name ? -1 : 1));
    case 'roles':
      return [...d.roles].sort();
    default:
      return d[f] ?? null;
  }
}

/** Structural equality for the JSON-like values fieldValue returns. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Ids and class: a side that does not know one (lspci prints no zero subsystem) says nothing about it. */
const IDENTITY_FIELDS: ReadonlySet<DeviceField> = new Set(['vendorId', 'deviceId', 'subsystemVendorId', 'subsystemDeviceId', 'classCode']);

/**
 * Same identity value: unknown on either side is no difference, and a class code
 * given with fewer digits (no prog-if in lspci without -v or hwloc XML, class only in
 * NCCL's) is compared on the digits both have.
 */
function sameIdentity(f: DeviceField, before: unknown, after: unknown): boolean {
  if (before === null || after === null || before === undefined || after === undefined) return true;
  if (f !== 'classCode') return before === after;
  const [x, y] = [String(before).toLowerCase(), String(after).toLowerCase()];
  const n = Math.min(x.length, y.length);
  return x.slice(0, n) === y.slice(0, n);
}

function diffDevice(a: PciDevice, b: PciDevice, fields: readonly DeviceField[], out: DeviceChange[]): void {
  for (const f of fields) {
    const before = fieldValue(a, f);
    const after = fieldValue(b, f);
    const same = IDENTITY_FIELDS.has(f) ? sameIdentity(f, before, after) : sameValue(before, after);
    if (!same) out.push({ address: a.address, field: f, before, after });
  }
}

function identityKey(d: PciDevice): string {
  return `${d.vendorId}:${d.deviceId} ${d.subsystemVendorId ?? '?'}:${d.subsystemDeviceId ?? '?'} ${d.classCode}`;
}

function macs(d: PciDevice): string[] {
  return d.osDevices.map((o) => o.attrs?.['address']).filter((m): m is string => !!m && m !== '00:00:00:00:00:00').sort();
}

/**
 * Pair removed and added functions that look like one card at a new address: same
 * vendor, device, subsystem and class, and — when both sides show netdev MAC
 * addresses (the only serial a capture holds) — the same MACs. Without a MAC the pair
 * is reported only when it is the only removal and the only addition with those ids.
 */
export function findMoved(removed: readonly PciDevice[], added: readonly PciDevice[]): Moved[] {
  const out: Moved[] = [];
  const byKey = (list: readonly PciDevice[]) => {
    const m = new Map<string, PciDevice[]>();
    for (const d of list) m.set(identityKey(d), [...(m.get(identityKey(d)) ?? []), d]);
    return m;
  };
  const addedByKey = byKey(added);
  for (const [key, rs] of byKey(removed)) {
    const as = addedByKey.get(key) ?? [];
    const ids = `same ids ${key.split(' ')[0]!.replace(/0x/g, '')} (subsystem ${key.split(' ')[1]!.replace(/0x/g, '')})`;
    const used = new Set<PciDevice>();
    for (const r of rs) {
      const rm = macs(r);
      const match = rm.length ? as.find((a) => !used.has(a) && sameValue(macs(a), rm)) : undefined;
      if (match) {
        used.add(match);
        out.push({ from: r.address, to: match.address, evidence: `${ids} and MAC ${rm.join(', ')}` });
      }
    }
    const restR = rs.filter((r) => !out.some((m) => m.from === r.address));
    const restA = as.filter((a) => !used.has(a));
    if (restR.length === 1 && restA.length === 1 && (macs(restR[0]!).length === 0 || macs(restA[0]!).length === 0)) {
      out.push({ from: restR[0]!.address, to: restA[0]!.address, evidence: `${ids}; no serial in the captures to confirm` });
    }
  }
  return out;
}

function nodeSummary(n: NumaNode): { id: number; kind: string } {
  return { id: n.id, kind: n.kind };
}

/**
 * Memory sizes differ by a few MiB between boots and kernels (reserved regions); a
 * lost DIMM is far more than 1 %. Sizes are the same when within 1 % of the larger.
 */
export function sameMemory(a: number, b: number): boolean {
  return Math.abs(a - b) <= 0.01 * Math.max(a, b);
}

function diffNumaNodes(a: Snapshot, b: Snapshot, out: MachineChange[]): void {
  // lspci and some XML carry no NUMA nodes at all: nothing to compare then.
  if (a.numaNodes.length === 0 || b.numaNodes.length === 0) return;
  const ids = (s: Snapshot) => s.numaNodes.map((n) => n.id).join(',');
  if (ids(a) !== ids(b)) out.push({ field: 'numaNodes', before: a.numaNodes.map(nodeSummary), after: b.numaNodes.map(nodeSummary) });
  const bById = new Map(b.numaNodes.map((n) => [n.id, n]));
  for (const na of a.numaNodes) {
    const nb = bById.get(na.id);
    if (!nb) continue;
    const f = (name: string) => `numaNodes[${na.id}].${name}`;
    // A format without CPUs (lspci) knows the nodes, not their CPU lists.
    const cpusKnown = a.machine.cpus.length > 0 && b.machine.cpus.length > 0;
    if (cpusKnown && na.cpus !== nb.cpus) out.push({ field: f('cpus'), before: na.cpus, after: nb.cpus });
    if (na.kind !== nb.kind) out.push({ field: f('kind'), before: na.kind, after: nb.kind });
    if (na.memoryBytes !== null && nb.memoryBytes !== null && !sameMemory(na.memoryBytes, nb.memoryBytes)) {
      out.push({ field: f('memoryBytes'), before: na.memoryBytes, after: nb.memoryBytes });
    }
    if (na.distances.length && nb.distances.length && na.distances.join(' ') !== nb.distances.join(' ')) {
      out.push({ field: f('distances'), before: na.distances, after: nb.distances });
    }
  }
}

/** Arch, CPU model, CPU count and memory: each only when both sides know it. */
function diffMachine(a: Snapshot, b: Snapshot): MachineChange[] {
  const out: MachineChange[] = [];
  const ma = a.machine;
  const mb = b.machine;
  if (ma.arch !== 'unknown' && mb.arch !== 'unknown' && ma.arch !== mb.arch) out.push({ field: 'arch', before: ma.arch, after: mb.arch });
  if (ma.cpuModel && mb.cpuModel && ma.cpuModel !== mb.cpuModel) out.push({ field: 'cpuModel', before: ma.cpuModel, after: mb.cpuModel });
  if (ma.cpus.length && mb.cpus.length && ma.cpus.length !== mb.cpus.length) out.push({ field: 'cpus', before: ma.cpus.length, after: mb.cpus.length });
  const ta = ma.totalMemoryBytes ?? null;
  const tb = mb.totalMemoryBytes ?? null;
  if (ta !== null && tb !== null && !sameMemory(ta, tb)) out.push({ field: 'totalMemoryBytes', before: ta, after: tb });
  diffNumaNodes(a, b, out);
  return out;
}

function byAddress(s: Snapshot): Map<string, PciDevice> {
  return new Map(s.pci.devices.map((d) => [d.address, d]));
}

function notComparedList(a: Snapshot, b: Snapshot, ca: Set<DeviceField>, cb: Set<DeviceField>): SnapshotDiff['notCompared'] {
  const out: { field: string; reason: string }[] = [];
  for (const f of DEVICE_FIELDS) {
    if (ca.has(f) && cb.has(f)) continue;
    const side = !ca.has(f) ? a : b;
    out.push({ field: f, reason: `${side.source.name} (${side.source.kind}) does not carry it` });
  }
  return out;
}

/** Everything that differs from `a` (before) to `b` (after). */
export function diffSnapshots(a: Snapshot, b: Snapshot): SnapshotDiff {
  const ca = carriedFields(a);
  const cb = carriedFields(b);
  const fields = DEVICE_FIELDS.filter((f) => ca.has(f) && cb.has(f));
  const A = byAddress(a);
  const B = byAddress(b);
  const removed: PciDevice[] = [];
  const added: PciDevice[] = [];
  const changed: DeviceChange[] = [];
  for (const [addr, da] of A) {
    const db = B.get(addr);
    if (db) diffDevice(da, db, fields, changed);
    else removed.push(da);
  }
  for (const [addr, db] of B) if (!A.has(addr)) added.push(db);
  return {
    added: added.map((d) => d.address),
    removed: removed.map((d) => d.address),
    changed,
    machine: diffMachine(a, b),
    moved: findMoved(removed, added),
    notCompared: notComparedList(a, b, ca, cb),
  };
}

export function isIdentical(d: SnapshotDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0 && d.machine.length === 0;
}
