// Behaviour guard for performance work (not a benchmark): loads every input in
// fixtures/ (archives as archives and unpacked into folders, lspci, hwloc XML) with a
// fixed clock and writes each snapshot's JSON to DIR, so two engine versions can be
// compared byte for byte:  node bench/golden.mjs /tmp/a; ...change...; node bench/golden.mjs /tmp/b; diff -r /tmp/a /tmp/b
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildEngine, repo } from './lib/engine.mjs';

const out = process.argv[2];
if (!out) throw new Error('usage: node bench/golden.mjs OUTDIR');
const E = await import(await buildEngine());
mkdirSync(out, { recursive: true });
const now = () => new Date('2026-01-01T00:00:00Z');
const files = [];
const walk = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.(tar\.bz2|tar\.gz|xml|txt)$/.test(e.name) && !/README|MANIFEST|SHA256/.test(e.name)) files.push(p);
  }
};
walk(join(repo, 'fixtures'));
const tmp = mkdtempSync(join(tmpdir(), 'topolens-golden-'));
let n = 0;
for (const f of files.sort()) {
  const name = relative(join(repo, 'fixtures'), f).replace(/\//g, '__');
  const save = async (suffix, input) => {
    let text;
    try {
      const r = await E.loadInput(input, { now, hostFacts: false });
      text = E.exportJson(r.topology).replaceAll(tmp, '<tmp>');
    } catch (e) {
      text = `ERROR ${e.constructor.name}: ${e.message}`.replaceAll(tmp, '<tmp>');
    }
    writeFileSync(join(out, name + suffix), text);
    n += 1;
  };
  await save('.json', f);
  if (/\.tar\.(bz2|gz)$/.test(f)) {
    const d = join(tmp, name);
    mkdirSync(d);
    try {
      execFileSync('tar', ['xf', f, '-C', d], { stdio: 'ignore' });
      const tops = readdirSync(d).filter((x) => statSync(join(d, x)).isDirectory());
      const top = tops.includes('sys') ? d : join(d, tops[0]);
      await save('.dir.json', top);
    } catch (e) {
      writeFileSync(join(out, name + '.dir.json'), `UNPACK ERROR ${e.message}`);
    }
  }
}
rmSync(tmp, { recursive: true, force: true });
console.log(`${n} snapshots in ${out}`);
