// TarReader (the streaming tar walk) against an independent reader, Python's tarfile,
// on every real capture archive in fixtures/, and against itself: any split of an
// image into chunks gives the same entries, or the same error, as one push.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTar, TarError, TarReader, writeTar, type TarEntry } from '../../../electron/topology/parse/tar';

const FIXTURES = join(__dirname, '../../../fixtures');

function archives(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return archives(p);
    return /\.tar\.(gz|bz2)$/.test(n) ? [p] : [];
  });
}

function tarImage(file: string): Buffer {
  const raw = readFileSync(file);
  return file.endsWith('.gz') ? gunzipSync(raw) : execFileSync('bzip2', ['-dc', file], { maxBuffer: 1 << 30 });
}

const hasPython = spawnSync('python3', ['-c', 'import tarfile'], { stdio: 'ignore' }).status === 0;
const PY = `
import json, sys, tarfile
out = []
with tarfile.open(sys.argv[1]) as t:
    for m in t:
        kind = 'file' if m.isreg() else 'dir' if m.isdir() else 'symlink' if m.issym() else 'hardlink' if m.islnk() else 'other'
        out.append([m.name, kind, m.size if m.isreg() else 0, m.linkname])
print(json.dumps(out))
`;

/** One line per entry, in the form both readers can give: tarfile drops a folder's trailing slash. */
function describeEntry(e: { path: string; type: string; size: number; link: string }): string {
  const path = e.type === 'dir' ? e.path.replace(/\/+$/, '') : e.path;
  const link = e.type === 'symlink' || e.type === 'hardlink' ? e.link : '';
  return `${e.type} ${path} ${e.size} ${link}`;
}

/** Entries (or the error) of a push of `chunks` pieces, cut where `cuts` says. */
function walk(image: Uint8Array, cuts: number[], limits = { maxEntries: 1_000_000 }): string[] {
  const out: string[] = [];
  const r = new TarReader((e: TarEntry) => out.push(`${e.type} ${e.flag} ${e.path} -> ${e.linkTarget} ${Buffer.from(e.data).toString('base64')}`), limits);
  try {
    let at = 0;
    for (const c of [...cuts.filter((x) => x > 0 && x < image.length)].sort((a, b) => a - b).concat(image.length)) {
      r.push(image.subarray(at, c));
      at = c;
    }
    r.end();
  } catch (e) {
    if (!(e instanceof TarError)) throw e;
    out.push(`TarError: ${e.message}`);
  }
  return out;
}

describe('TarReader', () => {
  const files = archives(FIXTURES);
  it('finds the capture archives', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });
  it.skipIf(!hasPython).each(files.map((f) => [f.slice(FIXTURES.length + 1), f]))('%s: the same entries as Python tarfile', (_name, file) => {
    const want = (JSON.parse(execFileSync('python3', ['-c', PY, file], { maxBuffer: 1 << 28 }).toString()) as [string, string, number, string][])
      .map(([path, type, size, link]) => describeEntry({ path, type, size, link }));
    const got: string[] = [];
    // Pushed in 4,999-byte pieces: headers and data split across chunks everywhere.
    const image = tarImage(file);
    const r = new TarReader((e) => got.push(describeEntry({ path: e.path, type: e.type, size: e.type === 'file' ? e.data.length : 0, link: e.linkTarget })));
    for (let at = 0; at < image.length; at += 4999) r.push(image.subarray(at, at + 4999));
    r.end();
    expect(r.done).toBe(true);
    expect(got).toEqual(want);
  });
  it('file data capped at maxData, the rest skipped; long names read whole', () => {
    const long = `cap/${'d'.repeat(150)}/f`;
    const image = writeTar([{ path: long, type: 'file', data: Buffer.from('0123456789') }, { path: 'cap/g', type: 'file', data: Buffer.from('abc') }]);
    const got: string[] = [];
    const r = new TarReader((e) => got.push(`${e.path}=${Buffer.from(e.data).toString()}`), { maxEntries: 10, maxData: 4 });
    for (let at = 0; at < image.length; at += 7) r.push(image.subarray(at, at + 7));
    r.end();
    expect(got).toEqual([`${long}=0123`, 'cap/g=abc']);
  });
  it('any split into chunks gives what one push gives (real images, damaged or cut)', () => {
    const images = files.filter((f) => f.endsWith('.gz')).slice(0, 3).map(tarImage);
    const arb = fc.record({
      i: fc.nat({ max: images.length - 1 }),
      cuts: fc.array(fc.nat({ max: 1 << 20 }), { maxLength: 30 }),
      damage: fc.array(fc.tuple(fc.nat({ max: 1 << 20 }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      cutAt: fc.option(fc.nat({ max: 1 << 20 })),
      maxEntries: fc.constantFrom(1_000_000, 5, 50),
    });
    fc.assert(
      fc.property(arb, ({ i, cuts, damage, cutAt, maxEntries }) => {
        let image = Buffer.from(images[i]!);
        for (const [at, v] of damage) image[at % image.length] = v;
        if (cutAt !== null) image = image.subarray(0, cutAt % image.length);
        const whole = walk(image, [], { maxEntries });
        expect(walk(image, cuts.map((c) => c % Math.max(1, image.length)), { maxEntries })).toEqual(whole);
        // parseTar is the one-push walk.
        let viaParse: string[];
        try {
          viaParse = parseTar(image, { maxEntries }).map((e) => `${e.type} ${e.flag} ${e.path} -> ${e.linkTarget} ${Buffer.from(e.data).toString('base64')}`);
        } catch (e) {
          viaParse = [...whole.slice(0, -1), `TarError: ${(e as Error).message}`];
        }
        expect(viaParse).toEqual(whole);
      }),
      { numRuns: 150, seed: 19 },
    );
  });
  it('ignores what follows the end-of-archive block', () => {
    const image = Buffer.concat([writeTar([{ path: 'a', type: 'file', data: Buffer.from('x') }]), Buffer.from('trailing garbage, not a header')]);
    const got: string[] = [];
    const r = new TarReader((e) => got.push(e.path));
    r.push(image);
    r.end();
    expect(got).toEqual(['a']);
    expect(r.done).toBe(true);
  });
});
