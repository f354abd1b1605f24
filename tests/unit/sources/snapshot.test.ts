// Snapshot loading: schema validation with clear messages, version handling, and the
// repairs for what a schema cannot express (duplicates, missing parents, loops).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../electron/topology/errors';
import { exportJson } from '../../../electron/topology/export/json';
import { snapshotFromRoot } from '../../../electron/topology/load';
import type { PciDevice, Snapshot } from '../../../electron/topology/model';
import { openArchiveBytes } from '../../../electron/topology/sources/archive';
import { parseSnapshot, snapshotValidator } from '../../../electron/topology/sources/snapshot';

const base: Snapshot = (() => {
  const a = openArchiveBytes(readFileSync('fixtures/lab/x86-q35-2numa-switch/capture.tar.gz'), 'cap');
  return snapshotFromRoot(a.root, 'archive', 'cap', new Date(0)).topology;
})();

const text = (t: unknown) => JSON.stringify(t);
const clone = (): Snapshot => JSON.parse(exportJson(base)) as Snapshot;
function mutateDevice(i: number, f: (d: Record<string, unknown>) => void): Snapshot {
  const t = clone() as unknown as { pci: { devices: Record<string, unknown>[] } };
  f(t.pci.devices[i]!);
  return t as unknown as Snapshot;
}
function errorOf(t: unknown): string {
  try {
    parseSnapshot(typeof t === 'string' ? t : text(t), 'snap.json');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('parseSnapshot: schema', () => {
  it('loads an exported snapshot unchanged and the schema accepts it', () => {
    const r = parseSnapshot(exportJson(base), 'snap.json');
    expect(r.topology).toEqual(clone());
    expect(snapshotValidator()(clone())).toBe(true);
  });
  it('keeps unknown extra fields', () => {
    const t = { ...clone(), futureField: { a: 1 } };
    expect((parseSnapshot(text(t), 's').topology as unknown as { futureField: unknown }).futureField).toEqual({ a: 1 });
  });
  it('names the field, the value and the rule', () => {
    expect(errorOf(mutateDevice(3, (d) => (d['address'] = '0000:3B:00.0')))).toBe(
      'not a valid topolens snapshot: pci.devices[3].address "0000:3B:00.0" must match pattern "^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$"',
    );
    expect(errorOf(mutateDevice(2, (d) => delete d['vendorId']))).toBe('not a valid topolens snapshot: pci.devices[2].vendorId is missing');
    expect(errorOf(mutateDevice(1, (d) => (d['portKind'] = 'toaster')))).toMatch(/pci\.devices\[1\]\.portKind "toaster" must be one of "endpoint", "root-port"/);
    expect(errorOf(mutateDevice(0, (d) => (d['numaNode'] = -1)))).toMatch(/pci\.devices\[0\]\.numaNode -1 must be >= 0/);
    expect(errorOf(mutateDevice(0, (d) => (d['iommuGroup'] = 'x')))).toMatch(/pci\.devices\[0\]\.iommuGroup "x" must be integer,null/);
    const noMachine = clone() as unknown as Record<string, unknown>;
    delete noMachine['machine'];
    expect(errorOf(noMachine)).toBe('not a valid topolens snapshot: machine is missing');
  });
  it('keeps the format and version messages', () => {
    expect(errorOf({ ...clone(), version: 2 })).toMatch(/snapshot version 2 is newer than this topolens understands \(1\); update topolens/);
    expect(errorOf({ ...clone(), version: 0 })).toMatch(/unknown version 0/);
    expect(errorOf({ ...clone(), format: 'other' })).toMatch(/"format" is "other", expected "topolens-snapshot"/);
    expect(errorOf('[1]')).toMatch(/top level is not an object/);
    expect(errorOf('{"a":')).toMatch(/^not valid JSON/);
  });
  it('refuses absurd numbers and nesting that would break serialisation later', () => {
    expect(errorOf(mutateDevice(0, (d) => (d['numaNode'] = 1e300)))).toMatch(/numaNode/);
    const s = `{"extra":${'['.repeat(100_000)}1${']'.repeat(100_000)},${text(clone()).slice(1)}`;
    expect(errorOf(s)).toMatch(/nested more than 64 levels deep/);
  });
});

describe('parseSnapshot: what the schema cannot express', () => {
  const messages = (t: Snapshot) => parseSnapshot(text(t), 's').diagnostics.filter((d) => d.path === 's').map((d) => d.message);
  it('drops a duplicate address, keeping the first, with a warning', () => {
    const t = clone();
    const dup = { ...t.pci.devices[3]!, driver: 'evil' } as PciDevice;
    const withDup = { ...t, pci: { ...t.pci, devices: [...t.pci.devices, dup] } };
    const r = parseSnapshot(text(withDup), 's');
    expect(r.topology.pci.devices).toHaveLength(t.pci.devices.length);
    expect(r.topology.pci.devices[3]!.driver).toBe(t.pci.devices[3]!.driver);
    expect(messages(withDup)).toEqual([`duplicate device address ${dup.address}: kept the first entry, dropped this one`]);
  });
  it('turns a parent that is not in the snapshot into null', () => {
    const t = mutateDevice(3, (d) => (d['parent'] = '0000:ee:00.0'));
    const r = parseSnapshot(text(t), 's');
    expect(r.topology.pci.devices[3]!.parent).toBeNull();
    expect(messages(t)).toEqual(['parent 0000:ee:00.0 is not a device in this input: shown at the top of its host bridge']);
    expect(r.topology.diagnostics.at(-1)!.address).toBe(t.pci.devices[3]!.address);
  });
  it('cuts parent loops (self-parent and longer)', () => {
    const t = clone();
    const a = t.pci.devices.map((d) => d.address);
    const loop = {
      ...t,
      pci: {
        ...t.pci,
        devices: t.pci.devices.map((d, i) =>
          i === 1 ? { ...d, parent: a[2]! } : i === 2 ? { ...d, parent: a[3]! } : i === 3 ? { ...d, parent: a[1]! } : i === 5 ? { ...d, parent: a[5]! } : d,
        ),
      },
    } as Snapshot;
    const r = parseSnapshot(text(loop), 's');
    expect(messages(loop)).toHaveLength(2);
    expect(r.topology.pci.devices[1]!.parent).toBeNull();
    expect(r.topology.pci.devices[2]!.parent).toBe(a[3]);
    expect(r.topology.pci.devices[5]!.parent).toBeNull();
    // Every chain now ends.
    const by = new Map(r.topology.pci.devices.map((d) => [d.address, d]));
    for (const d of r.topology.pci.devices) {
      let cur: PciDevice | undefined = d;
      for (let n = 0; cur && n <= by.size; n += 1) cur = cur.parent ? by.get(cur.parent) : undefined;
      expect(cur).toBeUndefined();
    }
  });
});
