// Target 5: lspci text and hwloc XML of 10k devices, made by the real lspci and lstopo
// over a synthetic sysfs tree (bench/gen-sysfs.mjs), parsed in under 300 ms each.
//   node bench/imports.mjs [--runs N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildEngine, repo } from './lib/engine.mjs';
import { ensureTree, GENERATOR_VERSION } from './gen-sysfs.mjs';
import { topFrames } from './lib/prof-top.mjs';
import { has, median, toolVersion } from './lib/timing.mjs';

const CACHE = join(repo, 'bench', 'out');
export const IMPORT_FUNCTIONS = 10000;

/** The input texts, generated once per generator version. */
export function ensureInputs() {
  const dir = ensureTree(CACHE, IMPORT_FUNCTIONS);
  const out = {};
  if (has('lspci')) {
    const f = join(CACHE, `lspci-vvv-nn-D-k-${IMPORT_FUNCTIONS}.v${GENERATOR_VERSION}.txt`);
    if (!existsSync(f)) {
      const r = spawnSync('lspci', ['-vvv', '-nn', '-D', '-k', '-A', 'linux-sysfs', '-O', `sysfs.path=${join(dir, 'sys/bus/pci')}`], { maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(`lspci failed: ${r.stderr}`);
      writeFileSync(f, r.stdout);
    }
    out.lspci = { file: f, command: `lspci -vvv -nn -D -k -A linux-sysfs -O sysfs.path=<tree>/sys/bus/pci`, tool: toolVersion('lspci', ['--version']) };
  }
  if (has('lstopo-no-graphics')) {
    const f = join(CACHE, `hwloc-whole-io-${IMPORT_FUNCTIONS}.v${GENERATOR_VERSION}.xml`);
    if (!existsSync(f)) {
      const r = spawnSync('lstopo-no-graphics', ['--whole-io', '--of', 'xml'], { env: { ...process.env, HWLOC_FSROOT: dir, HWLOC_COMPONENTS: 'linux,stop' }, maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(`lstopo failed: ${r.stderr}`);
      writeFileSync(f, r.stdout);
    }
    out['hwloc-xml'] = { file: f, command: 'HWLOC_FSROOT=<tree> HWLOC_COMPONENTS=linux,stop lstopo-no-graphics --whole-io --of xml', tool: toolVersion('lstopo-no-graphics', ['--version']) };
  }
  return out;
}

function child(engine, kind, file, extra = [], args = []) {
  const r = spawnSync(process.execPath, [...extra, join(repo, 'bench/lib/import-child.mjs'), engine, kind, file, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`import child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

export async function benchImports({ runs = 5 } = {}) {
  const engine = await buildEngine();
  const inputs = ensureInputs();
  const rows = [];
  for (const [kind, inp] of Object.entries(inputs)) {
    const xs = [];
    const fs = [];
    const ph = [];
    for (let i = 0; i < runs; i += 1) {
      xs.push(child(engine, kind, inp.file));
      fs.push(child(engine, kind, inp.file, [], ['--file']));
      ph.push(child(engine, kind, inp.file, [], ['--phases']));
    }
    const row = {
      kind,
      command: inp.command,
      tool: inp.tool,
      bytes: xs[0].bytes,
      functions: xs[0].functions,
      ms: median(xs.map((x) => x.ms)),
      msMin: Math.min(...xs.map((x) => x.ms)),
      cpuMs: median(xs.map((x) => x.cpuMs)),
      // Cold CPU time of each step in its own process: parser, records (with a warm
      // second parse), build + annotate.
      phasesCpuMs: { parse: median(ph.map((x) => x.parseCpuMs)), records: median(ph.map((x) => x.recordsCpuMs)), build: median(ph.map((x) => x.buildCpuMs)) },
      fileMs: median(fs.map((x) => x.fileMs)),
      peakRssMiB: Math.max(...xs.map((x) => x.peakRssMiB)),
    };
    if (row.ms > 300) {
      const pdir = join(CACHE, `prof-import-${kind}`);
      rmSync(pdir, { recursive: true, force: true });
      mkdirSync(pdir, { recursive: true });
      child(engine, kind, inp.file, ['--cpu-prof', '--cpu-prof-dir', pdir]);
      row.profile = topFrames(join(pdir, readdirSync(pdir)[0]), 10);
    }
    rows.push(row);
  }
  return { runs, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--runs');
  console.log(JSON.stringify(await benchImports({ runs: i > 0 ? Number(process.argv[i + 1]) : 5 }), null, 2));
}
