// Target 2: engine scaling on synthetic sysfs trees (bench/gen-sysfs.mjs) of 1k, 4k
// and 16k PCI functions: read + build + annotate time and peak memory, each run in a
// fresh process; a CPU profile of the largest for what dominates.
//   node bench/scale.mjs [--runs N] [--sizes 1000,4000,16000]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildEngine, repo } from './lib/engine.mjs';
import { ensureTree } from './gen-sysfs.mjs';
import { topFrames } from './lib/prof-top.mjs';
import { median } from './lib/timing.mjs';

export const SIZES = [1000, 4000, 16000];
export const CACHE = join(repo, 'bench', 'out');

function child(engine, dir, extra = []) {
  const r = spawnSync(process.execPath, [...extra, join(repo, 'bench/lib/scale-child.mjs'), engine, dir], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`scale child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

export async function benchScale({ runs = 5, sizes = SIZES, profile = true } = {}) {
  const engine = await buildEngine();
  const rows = [];
  for (const n of sizes) {
    const t = performance.now();
    const dir = ensureTree(CACHE, n);
    const genMs = performance.now() - t;
    child(engine, dir); // warm the dentry and page caches: the second read is what repeats
    const xs = [];
    for (let i = 0; i < runs; i += 1) xs.push(child(engine, dir));
    rows.push({
      functions: n,
      read: xs[0].functions,
      warnings: xs[0].warnings,
      ms: median(xs.map((x) => x.ms)),
      msMin: Math.min(...xs.map((x) => x.ms)),
      msMax: Math.max(...xs.map((x) => x.ms)),
      usPerFunction: (1000 * median(xs.map((x) => x.ms))) / n,
      peakRssMiB: Math.max(...xs.map((x) => x.peakRssMiB)),
      rssBeforeMiB: median(xs.map((x) => x.rssBeforeMiB)),
      pciIdsMs: median(xs.map((x) => x.pciIdsMs)),
      generatedNowMs: genMs > 1000 ? Math.round(genMs) : 0,
    });
  }
  let top = null;
  if (profile) {
    const n = sizes[sizes.length - 1];
    const pdir = join(CACHE, 'prof-scale');
    rmSync(pdir, { recursive: true, force: true });
    mkdirSync(pdir, { recursive: true });
    child(engine, ensureTree(CACHE, n), ['--cpu-prof', '--cpu-prof-dir', pdir]);
    top = { functions: n, ...topFrames(join(pdir, readdirSync(pdir)[0]), 12) };
  }
  return { runs, rows, profile: top };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (k, d) => {
    const i = process.argv.indexOf(k);
    return i > 0 ? process.argv[i + 1] : d;
  };
  const r = await benchScale({ runs: Number(arg('--runs', 5)), sizes: arg('--sizes', SIZES.join(',')).split(',').map(Number) });
  console.log(JSON.stringify(r, null, 2));
}
