// Fingerprint and fleet analysis on a real capture: what must not split identical
// machines (hostname, MACs, OS device names, capture time, source file, a few MiB of
// memory) does not; what must (a driver, a link, a NUMA node, a missing card) does;
// the majority is the largest group of a model and a tie has none; member naming in the
// app's Fleet tab follows the CLI's rule.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compactForCompare, fingerprint, fingerprintText, modelKey } from '../../../electron/topology/compare/fingerprint';
import { analyseFleet, memberNames } from '../../../electron/topology/compare/fleet';
import { loadInput } from '../../../electron/topology/load';
import type { PciDevice, Snapshot } from '../../../electron/topology/model';

const HWLOC_137 = join(__dirname, '../../../fixtures/hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2');
let base: Snapshot;
beforeAll(async () => {
  base = (await loadInput(HWLOC_137)).topology;
});

const withDevice = (s: Snapshot, address: string, f: (d: PciDevice) => PciDevice): Snapshot => ({
  ...s,
  pci: { ...s.pci, devices: s.pci.devices.map((d) => (d.address === address ? f(d) : d)) },
});

describe('fingerprint', () => {
  it('ignores what differs between identical machines', () => {
    const other: Snapshot = {
      ...withDevice(base, '0000:02:00.0', (d) => ({ ...d, osDevices: d.osDevices.map((o) => ({ ...o, name: 'enp2s0f0', attrs: { address: '02:00:00:00:00:01' } })), iommuGroup: 99 })),
      capturedAt: '2031-01-01T00:00:00.000Z',
      source: { kind: 'sysfs-dir', name: '/srv/captures/node42' },
      machine: { ...base.machine, hostname: 'node42', kernel: '6.99' },
      numaNodes: base.numaNodes.map((n) => ({ ...n, memoryBytes: n.memoryBytes === null ? null : n.memoryBytes - 3 * 2 ** 20 })),
      diagnostics: [],
    };
    expect(fingerprint(other)).toBe(fingerprint(base));
    expect(fingerprint(compactForCompare(base))).toBe(fingerprint(base));
  });
  it('changes with a driver, a link width, a NUMA node, a missing card', () => {
    const fp = fingerprint(base);
    expect(fingerprint(withDevice(base, '0000:02:00.0', (d) => ({ ...d, driver: 'vfio-pci' })))).not.toBe(fp);
    expect(fingerprint(withDevice(base, '0000:02:00.0', (d) => ({ ...d, numaNode: 1 })))).not.toBe(fp);
    // This capture has no link files (64-byte config): give the NIC one, then retrain it.
    const link = { speed: '5 GT/s', width: 4, maxSpeed: '5 GT/s', maxWidth: 4, downgraded: false };
    const full = withDevice(base, '0000:02:00.0', (d) => ({ ...d, link }));
    expect(fingerprint(withDevice(full, '0000:02:00.0', (d) => ({ ...d, link: { ...link, width: 2, downgraded: true } })))).not.toBe(fingerprint(full));
    expect(fingerprint({ ...base, pci: { ...base.pci, devices: base.pci.devices.filter((d) => d.address !== '0000:82:00.0') } })).not.toBe(fp);
  });
  it('is one line per NUMA node and per function, naming the model', () => {
    const lines = fingerprintText(base).trimEnd().split('\n');
    expect(lines[0]).toBe(`model ${modelKey(base)}`);
    expect(lines.filter((l) => l.startsWith('node ')).length).toBe(base.numaNodes.length);
    expect(lines.filter((l) => /^[0-9a-f]{4,}:/.test(l)).length).toBe(base.pci.devices.length);
    expect(modelKey(base)).toContain('Intel(R) Xeon(R) CPU E5-2680');
  });
});

describe('analyseFleet', () => {
  it('the largest group of a model is the majority; every other member is an outlier with its diff', () => {
    const moved = withDevice(base, '0000:02:00.0', (d) => ({ ...d, numaNode: 1 }));
    const r = analyseFleet([
      { member: 'n1', snapshot: base },
      { member: 'n2', snapshot: base },
      { member: 'n3', snapshot: moved },
    ]);
    expect(r.groups.map((g) => g.members)).toEqual([['n1', 'n2'], ['n3']]);
    expect(r.outliers).toEqual([
      { member: 'n3', fingerprint: fingerprint(moved), majority: fingerprint(base), reference: 'n1', differences: [{ address: '0000:02:00.0', field: 'numaNode', before: 0, after: 1 }] },
    ]);
  });
  it('a tie has no majority and no outliers, and says so', () => {
    const other = withDevice(base, '0000:02:00.0', (d) => ({ ...d, driver: null }));
    const r = analyseFleet([
      { member: 'a', snapshot: base },
      { member: 'b', snapshot: other },
    ]);
    expect(r.outliers).toEqual([]);
    expect(r.models[0]).toMatchObject({ machines: 2, majority: null });
    expect(r.models[0]!.note).toMatch(/no majority/);
  });
  it('machines of different models are never outliers of each other', () => {
    const arm: Snapshot = { ...base, machine: { ...base.machine, cpuModel: 'HiSilicon TSV110', arch: 'aarch64' } };
    const r = analyseFleet([
      { member: 'x1', snapshot: base },
      { member: 'x2', snapshot: base },
      { member: 'arm', snapshot: arm },
    ]);
    expect(r.models.length).toBe(2);
    expect(r.outliers).toEqual([]);
  });
});

describe('member names for the Fleet tab (same rule as topolens fleet DIR)', () => {
  it('per-host folder with one capture → the folder; files at the top → the file; several in one folder → folder/file', () => {
    expect(
      memberNames([
        { name: 'capture.tar.gz', relativePath: 'fleet/node1/capture.tar.gz' },
        { name: 'capture.tar.gz', relativePath: 'fleet/node2/capture.tar.gz' },
        { name: 'loose.json', relativePath: 'fleet/loose.json' },
        { name: 'a.tar.gz', relativePath: 'fleet/rack/a.tar.gz' },
        { name: 'b.tar.gz', relativePath: 'fleet/rack/b.tar.gz' },
        { name: 'picked.tar.gz', relativePath: '' },
      ]),
    ).toEqual(['node1', 'node2', 'loose.json', 'rack/a.tar.gz', 'rack/b.tar.gz', 'picked.tar.gz']);
  });
});
