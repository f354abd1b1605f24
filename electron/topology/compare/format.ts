// Plain-text renderings of a diff and of a fleet report, for `topolens diff` and
// `topolens fleet` and the app's change lists. Words only; no colour, no I/O.
import type { PciDevice, Snapshot } from '../model';
import type { DeviceChange, MachineChange, SnapshotDiff } from './diff';
import type { FleetDifference, FleetReport } from './fleet';

function describeLinkValue(v: unknown): string {
  if (v === null || typeof v !== 'object') return 'no link';
  const l = v as { speed: string | null; width: number | null; maxSpeed: string | null; maxWidth: number | null };
  const cur = `x${l.width ?? '?'} ${l.speed ?? '? GT/s'}`;
  const cap = `x${l.maxWidth ?? '?'} ${l.maxSpeed ?? '? GT/s'}`;
  return `${cur} (capable ${cap})`;
}

function describeSriov(v: unknown): string {
  if (v === null || typeof v !== 'object') return 'no SR-IOV';
  const s = v as { totalVfs?: number | null; numVfs?: number | null; physfn?: string | null };
  if (s.physfn) return `VF of ${s.physfn}`;
  return `${s.numVfs ?? '?'} of ${s.totalVfs ?? '?'} VFs`;
}

function describeList(v: unknown): string {
  if (!Array.isArray(v) || v.length === 0) return 'none';
  return v.map((x) => (typeof x === 'object' && x !== null ? `${(x as { kind: string }).kind} ${(x as { name: string }).name}` : String(x))).join(', ');
}

/** A field's value in words, as the text diff shows it. */
export function describeValue(field: string, v: unknown): string {
  if (field === 'link') return describeLinkValue(v);
  if (field === 'sriov') return describeSriov(v);
  if (field === 'osDevices' || field === 'roles') return describeList(v);
  if (field.endsWith('memoryBytes') || field === 'totalMemoryBytes') return typeof v === 'number' ? `${(v / 2 ** 30).toFixed(1)} GiB` : 'unknown';
  if (v === null || v === undefined) return field === 'driver' ? 'no driver' : 'unknown';
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(' ');
  return String(v);
}

export function changeLine(c: DeviceChange | MachineChange): string {
  const head = 'address' in c ? `${c.address}  ${c.field}` : c.field;
  return `${head}: ${describeValue(c.field, c.before)} → ${describeValue(c.field, c.after)}`;
}

function title(d: PciDevice | undefined): string {
  if (!d) return '';
  const name = d.deviceName ?? d.className ?? (d.classCode ? `class ${d.classCode}` : 'unknown function');
  const ids = d.vendorId && d.deviceId ? ` [${d.vendorId.slice(2)}:${d.deviceId.slice(2)}]` : d.vendorId ? ` [${d.vendorId.slice(2)}:unknown]` : '';
  return `  ${name}${ids}`;
}

/**
 * The diff as text, one line per difference; `a` and `b` name the devices. `labels` are
 * what the user typed (two captures are often both "capture.tar.gz"); else the sources' names.
 */
export function formatDiffText(d: SnapshotDiff, a: Snapshot, b: Snapshot, labels: readonly [string, string] = [a.source.name, b.source.name]): string {
  const out: string[] = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
  const A = new Map(a.pci.devices.map((x) => [x.address, x]));
  const B = new Map(b.pci.devices.map((x) => [x.address, x]));
  for (const m of d.machine) out.push(`machine  ${changeLine(m)}`);
  for (const r of d.removed) out.push(`- ${r}${title(A.get(r))}`);
  for (const r of d.added) out.push(`+ ${r}${title(B.get(r))}`);
  for (const m of d.moved) out.push(`moved? ${m.from} → ${m.to}: ${m.evidence}`);
  for (const c of d.changed) out.push(`~ ${changeLine(c)}`);
  const total = d.added.length + d.removed.length + d.changed.length + d.machine.length;
  out.push(total === 0 ? 'no differences' : `${d.removed.length} removed, ${d.added.length} added, ${d.changed.length} changed, ${d.machine.length} machine differences`);
  for (const n of d.notCompared) out.push(`(not compared: ${n.field}: ${n.reason})`);
  return `${out.join('\n')}\n`;
}

/** One outlier difference in words ("0000:02:00.0  driver: igb → vfio-pci"). */
export function differenceLine(x: FleetDifference): string {
  const where = x.address ? `${x.address}  ` : '';
  if (x.field === 'function') return `${where}${x.before === null ? `added ${String(x.after)}` : `missing (majority has ${String(x.before)})`}`;
  return `${where}${x.field}: ${describeValue(x.field, x.before)} → ${describeValue(x.field, x.after)}`;
}

/** The fleet report as text: groups by size, then each outlier's differences. */
export function formatFleetText(r: FleetReport): string {
  const out: string[] = [];
  const total = r.groups.reduce((n, g) => n + g.members.length, 0);
  out.push(`${total} machines, ${r.models.length} model${r.models.length === 1 ? '' : 's'}, ${r.groups.length} group${r.groups.length === 1 ? '' : 's'}, ${r.outliers.length} outlier${r.outliers.length === 1 ? '' : 's'}`);
  for (const m of r.models) {
    out.push('', `model: ${m.model}${m.note ? `  (${m.note})` : ''}`);
    for (const g of r.groups.filter((x) => x.model === m.model)) {
      const names = g.members.length > 8 ? `${g.members.slice(0, 8).join(', ')}, … (+${g.members.length - 8})` : g.members.join(', ');
      out.push(`  ${g.fingerprint}  ${g.members.length} machine${g.members.length === 1 ? '' : 's'}${g.fingerprint === m.majority ? ' (majority)' : ''}: ${names}`);
    }
  }
  for (const o of r.outliers) {
    out.push('', `outlier ${o.member} (fingerprint ${o.fingerprint}) vs ${o.reference} (majority ${o.majority}):`);
    for (const x of o.differences) out.push(`  ${differenceLine(x)}`);
  }
  for (const e of r.errors) out.push(`unusable: ${e.member}: ${e.error}`);
  return `${out.join('\n')}\n`;
}
