// Fleet analysis over already-loaded snapshots: machines grouped by model (DMI product,
// arch, CPU model), then by fingerprint; in each model the largest group is the
// majority and every machine outside it is an outlier, explained by the diff against
// a majority member. Pure: loading the captures (in parallel) is the caller's job.
import type { Snapshot } from '../model';
import { diffSnapshots, type SnapshotDiff } from './diff';
import { fingerprint, modelKey } from './fingerprint';

export interface FleetEntry {
  /** The file or folder the capture came from, as the user named it. */
  readonly member: string;
  readonly snapshot: Snapshot;
  /** Precomputed by a loader (fingerprint(snapshot)); computed here when absent. */
  readonly fingerprint?: string;
}

/** One difference of an outlier from the majority; `function` = present on one side only. */
export interface FleetDifference {
  readonly address?: string;
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface FleetGroup {
  readonly fingerprint: string;
  readonly model: string;
  readonly members: string[];
}

export interface FleetOutlier {
  readonly member: string;
  readonly fingerprint: string;
  /** The majority group's fingerprint and the member it was compared with. */
  readonly majority: string;
  readonly reference: string;
  readonly differences: FleetDifference[];
}

export interface FleetModel {
  readonly model: string;
  readonly machines: number;
  /** Fingerprint of the majority group; null when the largest groups tie. */
  readonly majority: string | null;
  readonly note?: string;
}

export interface FleetReport {
  readonly groups: FleetGroup[];
  readonly outliers: FleetOutlier[];
  readonly models: FleetModel[];
  /** Inputs that could not be loaded: one line each. */
  readonly errors: { readonly member: string; readonly error: string }[];
}

function ids(s: Snapshot, address: string): string {
  const d = s.pci.devices.find((x) => x.address === address);
  return d ? `${(d.vendorId?.slice(2) ?? '?')}:${(d.deviceId?.slice(2) ?? '?')}` : '?';
}

/** A diff as a flat list of differences (the fleet JSON contract's `differences`). */
export function flattenDiff(d: SnapshotDiff, before: Snapshot, after: Snapshot): FleetDifference[] {
  const out: FleetDifference[] = [];
  for (const m of d.machine) out.push({ field: m.field, before: m.before, after: m.after });
  for (const a of d.removed) out.push({ address: a, field: 'function', before: ids(before, a), after: null });
  for (const a of d.added) out.push({ address: a, field: 'function', before: null, after: ids(after, a) });
  for (const c of d.changed) out.push({ address: c.address, field: c.field, before: c.before, after: c.after });
  return out;
}

function byMember(a: { member: string }, b: { member: string }): number {
  return a.member < b.member ? -1 : a.member > b.member ? 1 : 0;
}

/** Groups of one model, largest first (ties by first member name, for stable output). */
function groupsOf(model: string, entries: readonly (FleetEntry & { fingerprint: string })[]): FleetGroup[] {
  const m = new Map<string, string[]>();
  for (const e of entries) {
    const list = m.get(e.fingerprint);
    if (list) list.push(e.member);
    else m.set(e.fingerprint, [e.member]);
  }
  return [...m]
    .map(([fp, members]) => ({ fingerprint: fp, model, members: members.sort() }))
    .sort((a, b) => b.members.length - a.members.length || (a.members[0]! < b.members[0]! ? -1 : 1));
}

function analyseModel(model: string, entries: readonly (FleetEntry & { fingerprint: string })[]): { groups: FleetGroup[]; outliers: FleetOutlier[]; info: FleetModel } {
  const groups = groupsOf(model, entries);
  const top = groups[0]!;
  const tie = groups.length > 1 && groups[1]!.members.length === top.members.length;
  if (groups.length === 1 || tie) {
    const note = tie ? `no majority: the ${groups.filter((g) => g.members.length === top.members.length).length} largest groups have ${top.members.length} machines each` : undefined;
    return { groups, outliers: [], info: { model, machines: entries.length, majority: tie ? null : top.fingerprint, ...(note ? { note } : {}) } };
  }
  const byName = new Map(entries.map((e) => [e.member, e]));
  const ref = byName.get(top.members[0]!)!;
  const outliers: FleetOutlier[] = [];
  for (const g of groups.slice(1)) {
    for (const member of g.members) {
      const e = byName.get(member)!;
      const d = diffSnapshots(ref.snapshot, e.snapshot);
      outliers.push({ member, fingerprint: g.fingerprint, majority: top.fingerprint, reference: ref.member, differences: flattenDiff(d, ref.snapshot, e.snapshot) });
    }
  }
  return { groups, outliers: outliers.sort(byMember), info: { model, machines: entries.length, majority: top.fingerprint } };
}

/** Group a fleet and explain its outliers. `errors` (unloadable inputs) pass through. */
export function analyseFleet(entries: readonly FleetEntry[], errors: FleetReport['errors'] = []): FleetReport {
  const byModel = new Map<string, (FleetEntry & { fingerprint: string })[]>();
  for (const e of entries) {
    const k = modelKey(e.snapshot);
    const withFp = { ...e, fingerprint: e.fingerprint ?? fingerprint(e.snapshot) };
    const list = byModel.get(k);
    if (list) list.push(withFp);
    else byModel.set(k, [withFp]);
  }
  const groups: FleetGroup[] = [];
  const outliers: FleetOutlier[] = [];
  const models: FleetModel[] = [];
  for (const k of [...byModel.keys()].sort()) {
    const r = analyseModel(k, byModel.get(k)!);
    groups.push(...r.groups);
    outliers.push(...r.outliers);
    models.push(r.info);
  }
  return { groups, outliers, models, errors: [...errors].sort(byMember) };
}

/**
 * Member names for captures picked in the app, as `topolens fleet DIR` gives them
 * (cli/fleet-load.ts does the same on the file system): a file directly in the picked folder
 * (or picked on its own) by its name; the only capture in a host's sub-folder by the
 * sub-folder; several captures in one sub-folder as "sub/file".
 */
export function memberNames(files: readonly { name: string; relativePath: string }[]): string[] {
  const inside = (p: string) => p.split('/').slice(1); // drop the picked folder itself
  const perDir = new Map<string, number>();
  for (const f of files) {
    const parts = inside(f.relativePath);
    if (parts.length >= 2) perDir.set(parts.slice(0, -1).join('/'), (perDir.get(parts.slice(0, -1).join('/')) ?? 0) + 1);
  }
  return files.map((f) => {
    const parts = inside(f.relativePath);
    if (parts.length < 2) return f.name;
    const dir = parts.slice(0, -1).join('/');
    return perDir.get(dir) === 1 ? dir : parts.join('/');
  });
}
