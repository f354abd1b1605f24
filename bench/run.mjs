// `npm run bench`: every benchmark of issue 7, then the tables of bench/RESULTS.md
// (between its bench:begin/end markers; the analysis around them is written by hand)
// and the raw numbers in bench/out/results.json.
//   node bench/run.mjs [--only cli,scale,imports,capture,view,fleet] [--quick]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchCapture } from './capture.mjs';
import { benchCli } from './cli.mjs';
import { benchFleet, fleetMarkdown } from './fleet.mjs';
import { benchImports } from './imports.mjs';
import { repo } from './lib/engine.mjs';
import { machine } from './lib/timing.mjs';
import { benchScale } from './scale.mjs';

const arg = (k) => {
  const i = process.argv.indexOf(k);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const quick = process.argv.includes('--quick');
const only = new Set((arg('--only') ?? 'cli,scale,imports,capture,view,fleet').split(','));
const log = (s) => process.stderr.write(`bench: ${s}\n`);

const outDir = join(repo, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const resultsFile = join(outDir, 'results.json');
const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
const results = { ...previous, machine: machine() };

// In-process sections: [key, what the log says, run it with (full or quick) rounds].
const sections = [
  ['cli', 'CLI end to end vs lstopo and lspci...', (runs) => benchCli({ runs }), 21, 5],
  ['scale', 'engine scaling (generates bench/out/sysfs-N on first use: minutes)...', (runs) => benchScale({ runs }), 5, 2],
  ['imports', 'lspci / hwloc XML imports...', (runs) => benchImports({ runs }), 5, 2],
  ['capture', 'capture vs hwloc-gather-topology...', (runs) => benchCapture({ runs }), 3, 1],
  ['fleet', 'topolens fleet over 1,000 captures (generates bench/out/fleet-1000 on first use)...', (runs) => benchFleet({ runs }), 3, 1],
];
for (const [key, what, run, full, fast] of sections) {
  if (!only.has(key)) continue;
  log(what);
  results[key] = await run(quick ? fast : full);
}
if (only.has('view')) {
  const view = join(repo, 'bench', 'view.mjs');
  if (existsSync(view)) {
    log('view (bench/view.mjs, headless Chromium)...');
    const r = spawnSync(process.execPath, [view], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 30 * 60_000 });
    results.view = { status: r.status, output: `${r.stdout}${r.status === 0 ? '' : r.stderr.slice(-2000)}`.trim() };
  } else results.view = { status: null, output: 'bench/view.mjs is not there yet' };
}
writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);

// ---- RESULTS.md tables ----
const f1 = (x) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(1));
const f0 = (x) => (x === null || x === undefined || Number.isNaN(x) ? '–' : Math.round(x).toString());
const md = [];
const m = results.machine;
md.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}; load average at the end ${m.loadavg.join(' / ')} (a shared machine: other sessions were running VMs and test suites); NODE_EXTRA_CA_CERTS ${m.nodeExtraCaCerts}. Run ${m.date}.`);
md.push('');
if (results.cli) {
  const c = results.cli;
  md.push(`### 1. CLI end to end (\`node bench/cli.mjs\`) — ${c.fixture}, ${c.runs} interleaved rounds, medians`);
  md.push('');
  md.push(`Tools: ${Object.values(c.tools).join('; ')}. DIR is the archive unpacked with \`tar xjf\` (the same input lstopo and lspci read).`);
  md.push('');
  md.push('| command | wall ms (median) | p10–p90 | CPU ms (user+sys) | peak RSS MiB |');
  md.push('| --- | ---: | ---: | ---: | ---: |');
  for (const r of [...c.startup, ...c.e2e]) md.push(`| ${r.name} | ${f1(r.wallMs)} | ${f0(r.wallP10)}–${f0(r.wallP90)} | ${f0(r.cpuMs)} | ${f1(r.peakRssKiB / 1024)} |`);
  md.push('');
  md.push('| ratio (wall, medians) | value | target |');
  md.push('| --- | ---: | ---: |');
  for (const [k, v] of Object.entries(c.ratios)) md.push(`| ${k} | ${v.toFixed(2)} | ${k.includes('lstopo') ? '≤ 1.0' : k.includes('ARCHIVE / DIR') ? '≤ 1.5' : ''} |`);
  md.push('');
}
if (results.scale) {
  const s = results.scale;
  md.push(`### 2. Engine scaling (\`node bench/scale.mjs\`) — ${s.runs} runs per size, interleaved with lstopo, medians`);
  md.push('');
  md.push('"in-process" is read + build + annotate of the tree on disk, timed inside a fresh process (the engine is loaded and pci.ids indexed before the clock starts). "topolens export" and "lstopo" are the whole commands a user runs (`node bin/topolens.cjs export DIR --format json`; `HWLOC_FSROOT=DIR lstopo-no-graphics --whole-io --of xml`), process start to exit. "in memory" is the same tree loaded into memory first (untimed), then build + annotate: the engine\'s compute without the file system, in a cold process (what one run pays) and warmed (best of two more runs). File-system calls are counted by `strace -f -c` over the whole command (open, read, close, readlink, getdents, stat...).');
  md.push('');
  md.push(`| functions | in-process ms | µs / function | topolens export ms | ${s.lstopo ?? 'lstopo'} ms | ratio | fs calls / function (topolens / lstopo) | in memory: cold / warm ms | peak RSS MiB | warnings |`);
  md.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of s.rows) {
    const calls = r.fsCallsPerFunction ? `${f1(r.fsCallsPerFunction.topolens)} / ${f1(r.fsCallsPerFunction.lstopo)}` : '–';
    const mem = r.inMemory ? `${f0(r.inMemory.coldMs)} / ${f0(r.inMemory.warmMs)}${r.inMemory.coldCpuMs !== undefined ? ` (CPU ${f0(r.inMemory.coldCpuMs)} / ${f0(r.inMemory.warmCpuMs)})` : ''}` : '–';
    md.push(`| ${r.functions} | ${f0(r.ms)} (${f0(r.msMin)}–${f0(r.msMax)}) | ${f0(r.usPerFunction)} | ${f0(r.processMs)} | ${f0(r.lstopoMs)} | ${r.ratioVsLstopo ? r.ratioVsLstopo.toFixed(2) : '–'} | ${calls} | ${mem} | ${f1(r.peakRssMiB)} | ${r.warnings} |`);
  }
  md.push('');
  const maxMs = Math.max(...s.rows.map((r) => r.ms));
  md.push('Curve (time, one # per 2.5% of the largest):');
  md.push('');
  md.push('```');
  for (const r of s.rows) md.push(`${String(r.functions).padStart(6)} ${'#'.repeat(Math.max(1, Math.round((40 * r.ms) / maxMs)))} ${f0(r.ms)} ms`);
  md.push('```');
  md.push('');
  if (s.profile) {
    md.push(`Top self-time frames, ${s.profile.functions} functions (\`node --cpu-prof\`, whole child process, ${f0(s.profile.totalMs)} ms sampled):`);
    md.push('');
    md.push('| frame | ms | % |');
    md.push('| --- | ---: | ---: |');
    for (const fr of s.profile.frames) md.push(`| \`${fr.name}\` | ${f1(fr.ms)} | ${f1(fr.pct)} |`);
    md.push('');
  }
}
if (results.imports) {
  const im = results.imports;
  md.push(`### 5. Imports (\`node bench/imports.mjs\`) — 10k-function texts from the real tools over a synthetic tree, parse + build, ${im.runs} runs, medians`);
  md.push('');
  md.push('"parse + build" is from the text in memory to the annotated snapshot; "open file" is `loadInput(FILE)`, what opening the file in topolens costs (read, decode, sniff, parse, build, annotate), in its own cold process.');
  md.push('');
  md.push('"CPU" is user+sys of the same parse + build (GC threads included); the phases are cold CPU times of each step in a process of its own: the parser alone, records (a second, warm parse included), build + annotate.');
  md.push('');
  md.push('| input | made by | bytes | functions | parse + build ms (median) | min | CPU ms | phases CPU ms: parse / records / build | open file ms (median) | peak RSS MiB | target |');
  md.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of im.rows) md.push(`| ${r.kind} | \`${r.command}\` (${r.tool}) | ${r.bytes} | ${r.functions} | ${f0(r.ms)} | ${f0(r.msMin)} | ${f0(r.cpuMs)} | ${f0(r.phasesCpuMs.parse)} / ${f0(r.phasesCpuMs.records)} / ${f0(r.phasesCpuMs.build)} | ${f0(r.fileMs)} | ${f1(r.peakRssMiB)} | < 300 |`);
  md.push('');
  for (const r of im.rows) {
    if (!r.profile) continue;
    md.push(`Top self-time frames, ${r.kind} (whole child process, including reading the file):`);
    md.push('');
    md.push('| frame | ms | % |');
    md.push('| --- | ---: | ---: |');
    for (const fr of r.profile.frames) md.push(`| \`${fr.name}\` | ${f1(fr.ms)} | ${f1(fr.pct)} |`);
    md.push('');
  }
}
if (results.capture) {
  const c = results.capture;
  md.push(`### 3. Live capture (\`node bench/capture.mjs\`) — this machine, ${c.runs} interleaved runs, medians`);
  md.push('');
  md.push('| tool | wall ms | CPU ms | archive bytes |');
  md.push('| --- | ---: | ---: | ---: |');
  for (const r of c.rows) md.push(`| ${r.name} | ${f0(r.wallMs)} | ${f0(r.cpuMs)} | ${r.archiveBytes} |`);
  md.push('');
  md.push(c.note);
  md.push('');
}
if (results.view) {
  md.push('### 4. View (`node bench/view.mjs`, by the UI helper)');
  md.push('');
  md.push('```');
  md.push(results.view.output || `(exit ${results.view.status}, no output)`);
  md.push('```');
  md.push('');
}
if (results.fleet) md.push(...fleetMarkdown(results.fleet));
const resultsMd = join(repo, 'bench', 'RESULTS.md');
const begin = '<!-- bench:begin (generated by node bench/run.mjs; edit outside these markers) -->';
const end = '<!-- bench:end -->';
let doc = existsSync(resultsMd) ? readFileSync(resultsMd, 'utf8') : `# Benchmark results\n\n${begin}\n${end}\n`;
const a = doc.indexOf(begin);
const b = doc.indexOf(end);
doc = a >= 0 && b > a ? `${doc.slice(0, a + begin.length)}\n${md.join('\n')}\n${doc.slice(b)}` : `${doc}\n${begin}\n${md.join('\n')}\n${end}\n`;
writeFileSync(resultsMd, doc);
log(`wrote ${resultsFile} and bench/RESULTS.md`);
