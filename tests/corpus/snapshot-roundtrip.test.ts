// Snapshot round-trip over every fixture (issues 5 and 8): load → export json →
// parseSnapshot → the same data, and the export validates against the schema.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportJson } from '../../electron/topology/export/json';
import { loadInput } from '../../electron/topology/load';
import { parseSnapshot, snapshotValidator } from '../../electron/topology/sources/snapshot';

const R = join(__dirname, '../../fixtures');
const list = (dir: string, re: RegExp) => (existsSync(join(R, dir)) ? readdirSync(join(R, dir)).filter((f) => re.test(f)).sort().map((f) => join(dir, f)) : []);
const inputs = [
  ...list('hwloc/linux', /\.tar\.bz2$/),
  ...list('hwloc/xml', /\.xml$/),
  ...list('lspci', /\.txt$/),
  ...list('lspci-from-sysfs', /\.txt$/),
  ...(existsSync(join(R, 'lab'))
    ? readdirSync(join(R, 'lab'))
        .sort()
        .flatMap((d) => ['capture.tar.gz', 'lspci-vvv-nn-D-k.txt', 'lspci-tv.txt', 'lspci-vmm-nn-D.txt'].map((f) => join('lab', d, f)))
        .filter((f) => existsSync(join(R, f)))
    : []),
];

describe('snapshot round-trip over the fixture corpus', () => {
  it('has fixtures of each kind', () => {
    expect(inputs.filter((f) => f.endsWith('.tar.bz2')).length).toBeGreaterThan(0);
    expect(inputs.filter((f) => f.endsWith('.xml')).length).toBeGreaterThan(0);
    expect(inputs.filter((f) => f.startsWith('lspci/')).length).toBeGreaterThan(0);
    expect(inputs.filter((f) => f.endsWith('capture.tar.gz')).length).toBeGreaterThan(0);
  });
  it.each(inputs)('%s', async (f) => {
    const { topology } = await loadInput(join(R, f), { hostFacts: false, now: () => new Date(0) });
    const json = exportJson(topology);
    const validate = snapshotValidator();
    const ok = validate(JSON.parse(json));
    expect(ok ? null : validate.errors).toBeNull();
    const back = parseSnapshot(json, 'rt.json');
    expect(back.topology).toEqual(JSON.parse(json));
    expect(back.diagnostics).toEqual(topology.diagnostics);
    // Exporting what was loaded gives the same bytes: the format is a fixed point.
    expect(exportJson(back.topology)).toBe(json);
  });
});
