// Fleet analysis: machines grouped by model (DMI product, arch, CPU model), then by
// fingerprint; in each model the largest group is the majority and every machine
// outside it is an outlier, explained by the diff against a majority member. In two
// steps (planFleet on fingerprints, explainFleet on the few snapshots it needs) so a
// loader need not hold every snapshot in one place. Pure: loading is the caller's job.
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

/** What grouping needs of a machine: no snapshot (loaders may keep those elsewhere). */
export interface FleetKey {
  readonly member: string;
  readonly model: string;
  readonly fingerprint: string;
}

/** An outlier and the majority member it is to be compared with. */
export interface FleetPair {
  readonly member: string;
  readonly fingerprint: string;
  readonly majority: string;
  readonly reference: string;
}

/** Groups, models and which outlier is compared with which member: everything but the diffs. */
export interface FleetPlan {
  readonly groups: FleetGroup[];
  readonly models: FleetModel[];
  readonly pairs: FleetPair[];
}

/** Groups of one model, largest first (ties by first member name, for stable output). */
function groupsOf(model: string, keys: readonly FleetKey[]): FleetGroup[] {
  const m = new Map<string, string[]>();
  for (const e of keys) {
    const list = m.get(e.fingerprint);
    if (list) list.push(e.member);
    else m.set(e.fingerprint, [e.member]);
  }
  return [...m]
    .map(([fp, members]) => ({ fingerprint: fp, model, members: members.sort() }))
    .sort((a, b) => b.members.length - a.members.length || (a.members[0]! < b.members[0]! ? -1 : 1));
}

function planModel(model: string, keys: readonly FleetKey[]): { groups: FleetGroup[]; pairs: FleetPair[]; info: FleetModel } {
  const groups = groupsOf(model, keys);
  const top = groups[0]!;
  const tie = groups.length > 1 && groups[1]!.members.length === top.members.length;
  if (groups.length === 1 || tie) {
    const note = tie ? `no majority: the ${groups.filter((g) => g.members.length === top.members.length).length} largest groups have ${top.members.length} machines each` : undefined;
    return { groups, pairs: [], info: { model, machines: keys.length, majority: tie ? null : top.fingerprint, ...(note ? { note } : {}) } };
  }
  const reference = top.members[0]!;
  const pairs = groups.slice(1).flatMap((g) => g.members.map((member) => ({ member, fingerprint: g.fingerprint, majority: top.fingerprint, reference })));
  return { groups, pairs, info: { model, machines: keys.length, majority: top.fingerprint } };
}

/** Group machines by model, then fingerprint; pick each model's majority and its outliers. */
export function planFleet(keys: readonly FleetKey[]): FleetPlan {
  const byModel = new Map<string, FleetKey[]>();
  for (const k of keys) {
    const list = byModel.get(k.model);
    if (list) list.push(k);
    else byModel.set(k.model, [k]);
  }
  const plan: FleetPlan = { groups: [], models: [], pairs: [] };
  for (const model of [...byModel.keys()].sort()) {
    const r = planModel(model, byModel.get(model)!);
    plan.groups.push(...r.groups);
    plan.pairs.push(...r.pairs);
    plan.models.push(r.info);
  }
  plan.pairs.sort(byMember);
  return plan;
}

/** Members whose snapshots explainFleet reads: every outlier and each reference. */
export function membersToExplain(plan: FleetPlan): string[] {
  return [...new Set(plan.pairs.flatMap((p) => [p.member, p.reference]))].sort();
}

/** The report: each planned outlier diffed against its reference (snapshotOf answers for membersToExplain). */
export function explainFleet(plan: FleetPlan, snapshotOf: (member: string) => Snapshot, errors: FleetReport['errors'] = []): FleetReport {
  const outliers = plan.pairs.map((p) => {
    const before = snapshotOf(p.reference);
    const after = snapshotOf(p.member);
    return { ...p, differences: flattenDiff(diffSnapshots(before, after), before, after) };
  });
  return { groups: plan.groups, outliers, models: plan.models, errors: [...errors].sort(byMember) };
}

/** Group a fleet and explain its outliers. `errors` (unloadable inputs) pass through. */
export function analyseFleet(entries: readonly FleetEntry[], errors: FleetReport['errors'] = []): FleetReport {
  const byName = new Map(entries.map((e) => [e.member, e.snapshot]));
  const keys = entries.map((e) => ({ member: e.member, model: modelKey(e.snapshot), fingerprint: e.fingerprint ?? fingerprint(e.snapshot) }));
  return explainFleet(planFleet(keys), (m) => byName.get(m)!, errors);
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
