// Target 2: engine scaling on synthetic sysfs trees (bench/gen-sysfs.mjs) of 1k, 4k
// and 16k PCI functions: read + build + annotate time and peak memory, each run in a
// fresh process, interleaved with lstopo reading the same tree; the file-system calls
// each makes per function (strace, where installed); the engine's compute alone on the
// tree held in memory; a CPU profile of the largest for what dominates.
//   node bench/scale.mjs [--runs N] [--sizes 1000,4000,16000] [--no-mem]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildEngine, repo } from './lib/engine.mjs';
import { ensureTree } from './gen-sysfs.mjs';
import { topFrames } from './lib/prof-top.mjs';
import { has, median, runOnce, toolVersion } from './lib/timing.mjs';

export const SIZES = [1000, 4000, 16000];
export const CACHE = join(repo, 'bench', 'out');
const CHILD = join(repo, 'bench/lib/scale-child.mjs');
/** The file-system calls both programs make; strace -c names them so. */
const FS_CALLS = ['openat', 'open', 'read', 'pread64', 'close', 'readlink', 'readlinkat', 'getdents64', 'statx', 'newfstatat', 'lstat', 'stat', 'fstat', 'access', 'faccessat', 'faccessat2'];

function child(engine, dir, extra = [], args = []) {
  const r = spawnSync(process.execPath, [...extra, CHILD, engine, dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`scale child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function lstopoCase(dir) {
  return { cmd: 'lstopo-no-graphics', args: ['--whole-io', '--of', 'xml'], env: { ...process.env, HWLOC_FSROOT: dir, HWLOC_COMPONENTS: 'linux,stop' } };
}

/** File-system calls of one run, from strace -f -c (null without strace). */
function fsCalls(c) {
  if (!has('strace')) return null;
  const out = join(CACHE, 'strace-c.txt');
  const r = spawnSync('strace', ['-f', '-c', '-o', out, c.cmd, ...c.args], { env: c.env ?? process.env, stdio: 'ignore', maxBuffer: 1 << 30 });
  if (r.status !== 0) return null;
  let n = 0;
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (FS_CALLS.includes(f[f.length - 1])) n += Number(f[3]); // % time, seconds, usecs/call, calls, [errors], syscall
  }
  rmSync(out, { force: true });
  return n;
}

export async function benchScale({ runs = 5, sizes = SIZES, profile = true, mem = true } = {}) {
  const engine = await buildEngine();
  const withLstopo = has('lstopo-no-graphics');
  const rows = [];
  for (const n of sizes) {
    const t = performance.now();
    const dir = ensureTree(CACHE, n);
    const genMs = performance.now() - t;
    // The whole command a user runs, against lstopo's whole command on the same tree.
    const ours = { cmd: process.execPath, args: [join(repo, 'bin', 'topolens.cjs'), 'export', dir, '--format', 'json'] };
    // Warm the dentry and page caches for both readers: the second read is what repeats.
    child(engine, dir);
    runOnce(ours);
    if (withLstopo) runOnce(lstopoCase(dir));
    const xs = [];
    const oursWall = [];
    const lst = [];
    for (let i = 0; i < runs; i += 1) {
      xs.push(child(engine, dir));
      const o = runOnce(ours);
      if (o.status !== 0) throw new Error(`topolens export failed on ${dir}: ${o.stderr.slice(0, 500)}`);
      oursWall.push(o.wall);
      if (withLstopo) {
        const r = runOnce(lstopoCase(dir));
        if (r.status !== 0) throw new Error(`lstopo failed on ${dir}: ${r.stderr.slice(0, 500)}`);
        lst.push(r.wall);
      }
    }
    const inMem = mem ? child(engine, dir, [], ['--mem']) : null;
    const calls = { topolens: fsCalls(ours), lstopo: withLstopo ? fsCalls(lstopoCase(dir)) : null };
    rows.push({
      functions: n,
      read: xs[0].functions,
      warnings: xs[0].warnings,
      ms: median(xs.map((x) => x.ms)),
      msMin: Math.min(...xs.map((x) => x.ms)),
      msMax: Math.max(...xs.map((x) => x.ms)),
      usPerFunction: (1000 * median(xs.map((x) => x.ms))) / n,
      processMs: median(oursWall),
      lstopoMs: withLstopo ? median(lst) : null,
      ratioVsLstopo: withLstopo ? median(oursWall) / median(lst) : null,
      fsCallsPerFunction: { topolens: calls.topolens === null ? null : calls.topolens / n, lstopo: calls.lstopo === null ? null : calls.lstopo / n },
      inMemory: inMem,
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
  return { runs, rows, profile: top, lstopo: withLstopo ? toolVersion('lstopo-no-graphics', ['--version']) : null };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (k, d) => {
    const i = process.argv.indexOf(k);
    return i > 0 ? process.argv[i + 1] : d;
  };
  const r = await benchScale({
    runs: Number(arg('--runs', 5)),
    sizes: arg('--sizes', SIZES.join(',')).split(',').map(Number),
    mem: !process.argv.includes('--no-mem'),
  });
  console.log(JSON.stringify(r, null, 2));
}
