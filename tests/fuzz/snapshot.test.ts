// Fuzz: snapshot JSON (parseSnapshot) over damaged text, structural edits of real
// snapshots (wrong types, absurd numbers, duplicate addresses, parent loops, prototype
// keys) and random JSON. Whatever loads must be a valid, loop-free snapshot.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { exportJson } from '../../electron/topology/export/json';
import { snapshotFromRoot } from '../../electron/topology/load';
import { openArchiveBytes } from '../../electron/topology/sources/archive';
import { parseSnapshot } from '../../electron/topology/sources/snapshot';
import { snapshotFromHwlocXml } from '../../electron/topology/sources/hwloc-xml';
import { checkSnapshot, fuzz, mutatedTexts } from './harness';

const R = join(__dirname, '../../fixtures');
const fromArchive = (p: string) => {
  const a = openArchiveBytes(readFileSync(join(R, p)), p);
  return exportJson(snapshotFromRoot(a.root, 'archive', p, new Date(0)).topology);
};
const bases = [
  fromArchive('lab/x86-q35-2numa-switch/capture.tar.gz'),
  fromArchive('lab/x86-q35-sriov-nvme/capture.tar.gz'),
  fromArchive('lab/x86-q35-cxl/capture.tar.gz'),
  exportJson(snapshotFromHwlocXml(readFileSync(join(R, 'hwloc/xml/24em64t-2n6c2t-pci.xml'), 'utf8'), 'x.xml').topology),
];
const baseObjs = bases.map((b) => JSON.parse(b) as Record<string, unknown>);

function run(text: string): void {
  const { topology } = parseSnapshot(text, 'fuzz.json');
  checkSnapshot(topology);
}

/** Every path to a value inside a JSON tree. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}
const basePaths = baseObjs.map((o) => paths(o).filter((p) => p.length > 0));

type Edit =
  | { kind: 'set'; path: number; value: unknown }
  | { kind: 'delete'; path: number }
  | { kind: 'dupDevice'; from: number }
  | { kind: 'parent'; dev: number; to: number }
  | { kind: 'proto'; path: number; key: string; value: unknown };

const nastyValue = fc.oneof(
  fc.constantFrom(-1, -2147483648, 1e308, 2 ** 53 + 2, 0.5, 65536, 1048577, null, '', 'x', [], {}, true, '0000:00:00.0', '0000:ZZ:00.0', '0-1048576', '0-99999999', 'pci0000:00'),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), path: fc.nat(), value: nastyValue }),
  fc.record({ kind: fc.constant('delete' as const), path: fc.nat() }),
  fc.record({ kind: fc.constant('dupDevice' as const), from: fc.nat() }),
  fc.record({ kind: fc.constant('parent' as const), dev: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('proto' as const), path: fc.nat(), key: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'), value: nastyValue }),
);

function applyEdits(i: number, edits: readonly Edit[]): string {
  const o = JSON.parse(bases[i]!) as Record<string, unknown>;
  const ps = basePaths[i]!;
  const devices = (o['pci'] as { devices: Record<string, unknown>[] }).devices;
  const get = (p: (string | number)[]) => p.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
  for (const e of edits) {
    if (e.kind === 'set' || e.kind === 'delete') {
      const p = ps[e.path % ps.length]!;
      const holder = get(p.slice(0, -1));
      if (!holder || typeof holder !== 'object') continue;
      const key = p[p.length - 1]!;
      if (e.kind === 'set') (holder as Record<string | number, unknown>)[key] = e.value;
      else if (Array.isArray(holder)) holder.splice(Number(key), 1);
      else delete (holder as Record<string, unknown>)[key as string];
    } else if (e.kind === 'dupDevice' && devices.length > 0) {
      devices.push(JSON.parse(JSON.stringify(devices[e.from % devices.length])) as Record<string, unknown>);
    } else if (e.kind === 'parent' && devices.length > 0) {
      const d = devices[e.dev % devices.length];
      const to = devices[e.to % devices.length];
      if (d && typeof d === 'object' && to && typeof to === 'object') d['parent'] = to['address'];
    } else if (e.kind === 'proto') {
      const holder = get(ps[e.path % ps.length]!);
      if (holder && typeof holder === 'object') Object.defineProperty(holder, e.key, { value: e.value, enumerable: true, configurable: true, writable: true });
    }
  }
  return JSON.stringify(o);
}

describe('fuzz: snapshot JSON', () => {
  it('structural edits of real snapshots', () => {
    fuzz('snapshot edits', fc.tuple(fc.nat({ max: bases.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([i, e]) => applyEdits(i, e)), run, { runs: 1000 });
  });
  it('parent loops and duplicates only (each must load, repaired)', () => {
    const loops = fc.tuple(fc.nat({ max: bases.length - 1 }), fc.array(fc.oneof(fc.record({ kind: fc.constant('parent' as const), dev: fc.nat(), to: fc.nat() }), fc.record({ kind: fc.constant('dupDevice' as const), from: fc.nat() })), { minLength: 1, maxLength: 12 }));
    fuzz('snapshot loops+dups', loops.map(([i, e]) => applyEdits(i, e)), (text) => {
      const { topology } = parseSnapshot(text, 'fuzz.json'); // InputError here would be a failure too: these are repairable
      checkSnapshot(topology);
    }, { runs: 400 });
  });
  it('damaged text', () => {
    fuzz('snapshot damaged text', mutatedTexts(bases, { longLines: false }), run, { runs: 500 });
  });
  it('random JSON', () => {
    fuzz('snapshot random json', fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ maxLength: 300 }).map((s) => `{"format":"topolens-snapshot","version":1,${s}`)), run, { runs: 800 });
  });
});
