// records → Topology: the one builder every source goes through (sysfs, archive, live,
// lspci, hwloc XML). In order: each function's ids and names (pci.ids), its OS devices,
// parents from bus evidence where the input names none (lspci), the tree repaired
// (duplicates, missing parents, loops), port kinds from the tree's shape, root
// complexes, locality and its rule, CPU names from MIDRs; then annotate/ (links, roles).
// It reads nothing and parses nothing: that is sources/'s job. Each function becomes one
// draft object (build/draft.ts) that the later steps fill in place, or replace with a
// copy where they stay pure (tree repair, locality); all of them are this builder's own.
import { annotateDevices, type MutableDevice } from '../annotate/annotate';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Diagnostic, type HostBridge, type OsDevice, type PciDevice, type Snapshot } from '../model';
import type { OsDeviceRecord, PciFunctionRecord, SourceRecords } from '../records';
import { archFromRootComplexes } from './arch';
import { busesWithoutEvidence, parentsFromBusEvidence, settleBusEvidence } from './bus-tree';
import { cpuModelFromMidr, nameCpus } from './cpus';
import type { DraftDevice } from './draft';
import { localCpusFromNodes, locateByRootComplex, locateDevices, locateHostBridges } from './locality';
import { classNameOf, resolveIds, resolveNames, type RecoveredIds } from './names';
import { markHostBridgeFunctions, refinePortKinds } from './port-kinds';
import { repairPciTree } from './tree';

export { repairPciTree } from './tree';

export interface BuildResult {
  readonly topology: Snapshot;
  readonly diagnostics: readonly Diagnostic[];
}

/** One function's model entry: ids, names, OS devices and a parent from bus evidence filled in, fields kept in the record's order. */
function deviceOf(r: PciFunctionRecord, osDevices: readonly OsDevice[] | undefined, note: (r: PciFunctionRecord, ids: RecoveredIds) => void, parentOf: ReadonlyMap<string, string | null>): DraftDevice {
  const f = r.fn;
  const ids = resolveIds(r);
  if (ids.problems.length > 0 || ids.recovered) note(r, ids);
  const names = resolveNames(r, ids);
  const sub = ids.subsystemVendorId !== (f.subsystemVendorId ?? null) ? { subsystemVendorId: ids.subsystemVendorId, subsystemDeviceId: ids.subsystemDeviceId } : null;
  return {
    ...f,
    ...(r.parentEvidence !== undefined ? { parent: parentOf.get(f.address) ?? null } : null),
    classCode: ids.classCode,
    className: f.className ?? (ids.classCode !== null ? classNameOf(ids.classCode) : null),
    vendorId: ids.vendorId,
    deviceId: ids.deviceId,
    ...sub,
    vendorName: names.vendorName,
    deviceName: names.deviceName,
    osDevices: osDevices ?? f.osDevices ?? [],
    roles: f.roles ?? [],
    roleReasons: f.roleReasons ?? [],
  };
}

/**
 * What name recovery did, as diagnostics: one per function whose id or class stayed
 * unknown (naming the file:line and why), and one summary of how many were recovered.
 */
function recoveryNotes(path: string, diagnostics: Diagnostic[]): { note: (r: PciFunctionRecord, ids: RecoveredIds) => void; finish: () => void } {
  let recovered = 0;
  let open = 0;
  return {
    note: (r, ids) => {
      if (ids.recovered) recovered++;
      if (ids.problems.length === 0) return;
      open++;
      const what = [ids.vendorId === null ? 'vendor id' : null, ids.deviceId === null ? 'device id' : null, ids.classCode === null ? 'class code' : null].filter(Boolean).join(', ');
      diagnostics.push({ severity: 'info', path: r.from, address: r.fn.address, message: `${what || 'id'} unknown: ${ids.problems.join('; ')}` });
    },
    finish: () => {
      if (recovered === 0 && open === 0) return;
      diagnostics.push({
        severity: 'info', path,
        message: `ids from names: ${recovered} function(s) had ids or class codes recovered from the names the input printed (reverse pci.ids lookup); ${open} kept some unknown (see their own notes)`,
      });
    },
  };
}

/** OS device records grouped by PCI function (in record order); a function the input lacks is a warning. */
function groupOsDevices(records: readonly OsDeviceRecord[], present: ReadonlySet<string>, warn: (d: Diagnostic) => void): Map<string, OsDevice[]> {
  const out = new Map<string, OsDevice[]>();
  for (const o of records) {
    if (!present.has(o.address)) {
      warn({ severity: 'warning', path: o.from, address: o.address, message: `${o.device.name} belongs to PCI function ${o.address}, which is not in this input; left out` });
      continue;
    }
    const list = out.get(o.address);
    if (list) list.push(o.device);
    else out.set(o.address, [o.device]);
  }
  return out;
}

/** The input's root complexes, then one for each other that a function names (sorted). */
function hostBridgesOf(listed: readonly HostBridge[], devices: readonly PciDevice[]): HostBridge[] {
  const known = new Set(listed.map((h) => h.id));
  const extra = new Set<string>();
  for (const d of devices) if (d.hostBridge !== null && !known.has(d.hostBridge)) extra.add(d.hostBridge);
  const derived: HostBridge[] = [];
  for (const id of [...extra].sort()) {
    const m = /^pci([0-9a-f]+):([0-9a-f]{2})$/.exec(id);
    if (m) derived.push({ id, domain: m[1]!.padStart(4, '0'), bus: m[2]!, numaNode: null, localCpus: null, behind: null });
  }
  return derived.length ? [...listed, ...derived] : [...listed];
}

/** Build the topology from a source's records. Never throws on data. */
export function buildTopology(rec: SourceRecords): BuildResult {
  const diagnostics: Diagnostic[] = [...rec.diagnostics];
  const present = new Set(rec.functions.map((f) => f.fn.address));
  const osDevs = groupOsDevices(rec.osDevices, present, (d) => diagnostics.push(d));
  const parentOf = parentsFromBusEvidence(rec.functions, rec.path, diagnostics);
  const unrooted = busesWithoutEvidence(rec.functions, rec.path, diagnostics);
  const recovery = recoveryNotes(rec.path, diagnostics);
  const drafts = rec.functions.map((r) => deviceOf(r, osDevs.get(r.fn.address), recovery.note, parentOf));
  recovery.finish();
  // A damaged or hostile input (links into loops, missing bridges, repeated addresses)
  // must still be a tree.
  const tree = repairPciTree(drafts, rec.path);
  diagnostics.push(...tree.repairs);
  // Drafts from here on: repairPciTree keeps them or copies them, never shares input.
  const settled = tree.devices as DraftDevice[];
  settleBusEvidence(rec.functions, settled, unrooted);
  markHostBridgeFunctions(settled);
  refinePortKinds(settled);
  const byRootComplex = locateByRootComplex(locateDevices(settled, rec.numaNodes), rec.path);
  diagnostics.push(...byRootComplex.diagnostics);
  const devices = localCpusFromNodes(byRootComplex.devices, rec.numaNodes);
  const cpus = nameCpus(rec.cpus);
  const cpuModel = rec.machine.cpuModel ?? cpuModelFromMidr(cpus, rec.socId ?? null);
  const arch = rec.machine.arch === 'unknown' ? archFromRootComplexes(devices, rec.source.kind) : null;
  // Still the builder's own objects (locality copies what it changes): annotated in place.
  annotateDevices(devices as MutableDevice[], rec.source);
  const topology: Snapshot = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    capturedAt: rec.capturedAt,
    source: rec.source,
    machine: { ...rec.machine, ...arch, cpuModel, cpus },
    numaNodes: [...rec.numaNodes],
    pci: { devices, hostBridges: locateHostBridges(hostBridgesOf(rec.hostBridges, devices), devices) },
    cxl: rec.cxl,
    diagnostics,
  };
  return { topology, diagnostics: topology.diagnostics };
}
