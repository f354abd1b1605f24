// Fuzz: lspci text (parseLspci and snapshotFromLspci) over random text, soups of real
// lines with nasty numbers, and mutated real captures.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { parseLspci } from '../../electron/topology/parse/lspci';
import { snapshotFromLspci } from '../../electron/topology/sources/lspci';
import { checkSnapshot, fuzz, mutatedTexts, nastyNumber } from './harness';

const R = join(__dirname, '../../fixtures');
const read = (p: string) => readFileSync(join(R, p), 'utf8');
const big = readdirSync(join(R, 'lspci')).filter((f) => f.endsWith('.txt')).sort().map((f) => read(`lspci/${f}`));
const lab = existsSync(join(R, 'lab'))
  ? readdirSync(join(R, 'lab')).flatMap((d) =>
      ['lspci-vvv-nn-D-k.txt', 'lspci-tv.txt', 'lspci-vmm-nn-D.txt', 'lspci-xxx.txt'].filter((f) => existsSync(join(R, 'lab', d, f))).map((f) => read(`lab/${d}/${f}`)),
    )
  : [];
const fromSysfs = readdirSync(join(R, 'lspci-from-sysfs')).filter((f) => f.endsWith('.txt')).map((f) => read(`lspci-from-sysfs/${f}`));
const small = [...lab, ...fromSysfs];
const pool = [...new Set([...big, ...small].flatMap((t) => t.split('\n')))];

function run(text: string): void {
  const p = parseLspci(text, 'fuzz.txt');
  if (!Array.isArray(p.records) || !Array.isArray(p.diagnostics)) throw new Error('parseLspci returned no lists');
  const { topology } = snapshotFromLspci(text, 'fuzz.txt');
  checkSnapshot(topology);
}

/** Real lines, shuffled, with numbers replaced by nasty ones. */
const soup = fc
  .array(
    fc.tuple(fc.nat({ max: pool.length - 1 }), fc.option(nastyNumber, { freq: 3 }), fc.nat({ max: 40 })).map(([i, n, k]) => {
      const line = pool[i]!;
      if (n === null) return line;
      let seen = -1;
      return line.replace(/\d+/g, (m) => ((seen += 1) === k % 6 ? n : m));
    }),
    { maxLength: 200 },
  )
  .map((ls) => ls.join('\n'));

describe('fuzz: lspci text', () => {
  it('random text', () => {
    fuzz('lspci random', fc.oneof(fc.string({ maxLength: 2000 }), fc.string({ unit: 'binary', maxLength: 500 }), fc.string({ unit: 'grapheme', maxLength: 500 })), run, { runs: 500 });
  });
  it('soups of real lines with nasty numbers', () => {
    fuzz('lspci line soup', soup, run, { runs: 800 });
  });
  it('mutated real captures (small: lab and sysfs-derived)', () => {
    fuzz('lspci mutated lab', mutatedTexts(small), run, { runs: 300 });
  });
  it('mutated real captures (large: real servers)', () => {
    fuzz('lspci mutated servers', mutatedTexts(big), run, { runs: 60 });
  });
});
