// openArchive / streamArchiveBytes (the streaming reader: decompressor output walked as
// it arrives) against openArchiveBytes (the whole image decompressed first): the same
// tree, diagnostics and top on every capture archive in fixtures/, with the system
// bzip2 and with the JavaScript decoder, and the same error for damaged input.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../electron/topology/errors';
import { snapshotFromRoot } from '../../../electron/topology/load';
import { exportJson } from '../../../electron/topology/export/json';
import { openArchive, openArchiveBytes, streamArchiveBytes, type OpenedArchive } from '../../../electron/topology/sources/archive';

const FIXTURES = join(__dirname, '../../../fixtures');
const hasBzip2 = existsSync('/usr/bin/bzip2') || existsSync('/bin/bzip2');
const now = new Date('2026-01-01T00:00:00Z');

function archives(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return archives(p);
    return /\.tar\.(gz|bz2)$/.test(n) ? [p] : [];
  });
}

/** What an opened archive gives the engine: the snapshot, its diagnostics, the top folder; or the error. */
function outcome(a: OpenedArchive): string {
  return `${a.top}\n${JSON.stringify(a.diagnostics)}\n${exportJson(snapshotFromRoot(a.root, 'archive', 'x', now).topology)}`;
}
async function settle(f: () => OpenedArchive | Promise<OpenedArchive>): Promise<string> {
  try {
    return outcome(await f());
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return `InputError: ${e.message}`;
  }
}

describe('streaming archive reader', () => {
  afterEach(() => {
    delete process.env['TOPOLENS_NATIVE_BZIP2'];
  });
  const files = archives(FIXTURES);
  it.each(files.map((f) => [f.slice(FIXTURES.length + 1), f]))('%s: the same as the whole-image reader', async (_n, file) => {
    const bytes = readFileSync(file);
    const whole = await settle(() => openArchiveBytes(bytes, file));
    expect(whole).toMatch(/"format": "topolens-snapshot"/);
    expect(await settle(() => openArchive(file))).toBe(whole);
    if (file.endsWith('.bz2')) {
      process.env['TOPOLENS_NATIVE_BZIP2'] = '0';
      expect(await settle(() => streamArchiveBytes(bytes, file))).toBe(whole);
    }
  });
  it('damaged gzip bytes and damaged tar images: the same result or the same error', async () => {
    const raw = readFileSync(join(FIXTURES, 'lab/x86-q35-2numa-switch/capture.tar.gz'));
    const tar = gunzipSync(raw);
    const arb = fc.record({
      which: fc.constantFrom('gzip', 'tar'),
      damage: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
      cut: fc.option(fc.nat()),
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ which, damage, cut }) => {
        let b = Buffer.from(which === 'gzip' ? raw : tar);
        for (const [at, v] of damage) b[at % b.length] = v;
        if (cut !== null) b = b.subarray(0, cut % b.length);
        const input = which === 'gzip' ? b : gzipSync(b, { level: 1 });
        expect(await settle(() => streamArchiveBytes(input, 'x.tar.gz'))).toBe(await settle(() => openArchiveBytes(input, 'x.tar.gz')));
      }),
      { numRuns: 120, seed: 19 },
    );
  });
  it.skipIf(!hasBzip2)('damaged bzip2: the same error with the system bzip2 and the JavaScript decoder', async () => {
    const bz = readFileSync(join(FIXTURES, 'hwloc/linux/2pa-pcidomain32bits.tar.bz2'));
    const small = execFileSync('bzip2', ['-c'], { input: 'second stream' });
    const inputs = [bz.subarray(0, bz.length >> 1), Buffer.concat([bz, Buffer.from('garbage!')]), Buffer.concat([bz, small])];
    for (const at of [100, 2000, bz.length - 20]) {
      const d = Buffer.from(bz);
      d[at] = d[at]! ^ 0x55;
      inputs.push(d);
    }
    for (const input of inputs) {
      const whole = await settle(() => openArchiveBytes(input, 'x.tar.bz2'));
      expect(await settle(() => streamArchiveBytes(input, 'x.tar.bz2'))).toBe(whole);
      process.env['TOPOLENS_NATIVE_BZIP2'] = '0';
      expect(await settle(() => streamArchiveBytes(input, 'x.tar.bz2'))).toBe(whole);
      delete process.env['TOPOLENS_NATIVE_BZIP2'];
    }
  });
});
