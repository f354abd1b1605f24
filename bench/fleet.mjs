// `topolens fleet` on 1,000 captures of a 137-function server (issue 18: target < 30 s on
// this 2-core machine). The fleet is made from a real capture: hwloc's
// 32em64t-2n8c+dax+nvme+mic+dimms archive unpacked and captured with `topolens capture`
// (TOPOLENS_FS_ROOT), then copied 1,000 times as tar.gz with what differs between
// identical machines (hostname, MAC addresses) and, on 1 host in 40 each, a real-event
// mutation: the NIC's numa_node moved, the NIC rebound to vfio-pci (netdev gone), the
// ConnectX-3 pulled. Cached in bench/out/fleet-N/ (remade when GENERATOR or the fixture changes).
//   node bench/fleet.mjs [--n 1000] [--runs 3]
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { median, runOnce } from './lib/timing.mjs';

const repo = join(fileURLToPath(import.meta.url), '..', '..');
const bin = join(repo, 'bin', 'topolens.cjs');
const FIXTURE = join(repo, 'fixtures', 'hwloc', 'linux', '32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2');
const NIC = '0000:02:00.0'; // Intel I350 on igb, eth0, NUMA node 0
const CARD = '0000:82:00.0'; // Mellanox ConnectX-3, ib0 / mlx4_0
/** Bump when variant() or makeFleet() changes what they write: the cached fleet is remade. */
const GENERATOR = 1;

/** The engine's own tar reader and writer, bundled from TypeScript for this script. */
async function tarModule() {
  const out = await build({
    stdin: { contents: "export { parseTar, writeTar } from './electron/topology/parse/tar';", resolveDir: repo, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'warning',
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].contents).toString('base64')}`);
}

/** A real topolens capture of the fixture: the tar entries of its archive. */
function baseCapture(tar, scratch) {
  execFileSync('tar', ['xjf', FIXTURE, '-C', scratch]);
  const root = join(scratch, '32em64t-2n8c+1mic');
  const file = join(scratch, 'base.tar.gz');
  execFileSync(process.execPath, [bin, 'capture', '-o', file], { env: { ...process.env, TOPOLENS_FS_ROOT: root }, stdio: 'ignore' });
  return tar.parseTar(gunzipSync(readFileSync(file)));
}

const rel = (p) => p.slice(p.indexOf('/') + 1);
const text = (s) => Buffer.from(s);

/** The entries of host i: hostname and MACs of its own, and the mutation it is due. */
function variant(entries, i) {
  const kind = i % 40 === 7 ? 'numa' : i % 40 === 19 ? 'rebind' : i % 40 === 31 ? 'pulled' : 'same';
  // Paths of a function appear both through sys/devices/... and through the
  // sys/bus/pci/devices/ADDR link (the reader's readLink of driver): match by the address.
  const under = (r, addr) => r.replace(/\/$/, '').endsWith(`/${addr}`) || r.includes(`/${addr}/`);
  const file = (r, addr, f) => r.endsWith(`/${addr}/${f}`);
  const out = [];
  let mac = 0;
  for (const e of entries) {
    const r = rel(e.path);
    if (kind === 'pulled' && (under(r, CARD) || e.linkTarget.includes(`/${CARD}/`))) continue;
    if (kind === 'rebind' && (r.includes(`/${NIC}/net/`) || r.endsWith(`/${NIC}/net`) || r.endsWith(`/${NIC}/net/`) || (r.startsWith('sys/class/net/') && e.linkTarget.includes(`/${NIC}/`)))) continue;
    let data = e.data;
    let linkTarget = e.linkTarget;
    if (r === 'proc/sys/kernel/hostname') data = text(`node${String(i).padStart(4, '0')}\n`);
    else if (/\/net\/[^/]+\/address$/.test(r)) data = text(`02:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}:00:${(mac++).toString(16).padStart(2, '0')}\n`);
    else if (kind === 'numa' && file(r, NIC, 'numa_node')) data = text('1\n');
    else if (kind === 'numa' && file(r, NIC, 'local_cpus')) data = text('00000000,00000000,00000000,0000ff00\n');
    else if (kind === 'rebind' && file(r, NIC, 'uevent')) data = text(Buffer.from(e.data).toString().replace(/^DRIVER=.*$/m, 'DRIVER=vfio-pci'));
    else if (kind === 'rebind' && file(r, NIC, 'driver')) linkTarget = '../../../../bus/pci/drivers/vfio-pci';
    out.push(e.type === 'symlink' ? { path: e.path, type: 'symlink', linkTarget } : e.type === 'dir' ? { path: e.path, type: 'dir' } : { path: e.path, type: 'file', data });
  }
  return { kind, entries: out };
}

/** bench/out/fleet-N: N hosts, one folder each holding capture.tar.gz (what the Ansible playbook fetches). */
export async function makeFleet(n) {
  const dir = join(repo, 'bench', 'out', `fleet-${n}`);
  const stamp = createHash('sha256').update(`fleet generator ${GENERATOR} n=${n}`).update(readFileSync(FIXTURE)).digest('hex').slice(0, 16);
  const marker = join(dir, '.made');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === stamp) return { dir, ...JSON.parse(readFileSync(join(dir, '.kinds'), 'utf8')) };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const scratch = mkdtempSync(join(os.tmpdir(), 'topolens-fleet-bench-'));
  try {
    const tar = await tarModule();
    const base = baseCapture(tar, scratch);
    const kinds = {};
    for (let i = 0; i < n; i += 1) {
      const v = variant(base, i);
      kinds[v.kind] = (kinds[v.kind] ?? 0) + 1;
      const host = join(dir, `node${String(i).padStart(4, '0')}`);
      mkdirSync(host);
      writeFileSync(join(host, 'capture.tar.gz'), gzipSync(tar.writeTar(v.entries, 1_700_000_000), { level: 6 }));
    }
    const functions = base.filter((e) => /^sys\/bus\/pci\/devices\/[^/]+$/.test(rel(e.path))).length;
    writeFileSync(join(dir, '.kinds'), JSON.stringify({ kinds, functions }));
    writeFileSync(marker, stamp);
    return { dir, kinds, functions };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const load = () => os.loadavg().map((x) => Number(x.toFixed(2)));

/** Time `topolens fleet DIR` (parallel, default jobs) `runs` times and once with --jobs 1. */
export async function benchFleet({ runs = 3, n = 1000 } = {}) {
  const t0 = Date.now();
  const fleet = await makeFleet(n);
  const madeMs = Date.now() - t0;
  const loadBefore = load();
  const walls = [];
  const cpus = [];
  const rsss = [];
  for (let r = 0; r < runs; r += 1) {
    const x = runOnce({ cmd: process.execPath, args: [bin, 'fleet', fleet.dir, '--format', 'json'] });
    if (x.status !== 1) throw new Error(`fleet exited ${x.status} (expected 1: outliers)\n${x.stderr.slice(0, 2000)}`);
    walls.push(x.wall);
    if (x.cpu !== null) cpus.push(x.cpu);
    if (x.rss !== null) rsss.push(x.rss);
  }
  const serial = runOnce({ cmd: process.execPath, args: [bin, 'fleet', fleet.dir, '--format', 'json', '--jobs', '1'] });
  const rep = JSON.parse(spawnSync(process.execPath, [bin, 'fleet', fleet.dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout);
  return {
    n,
    functions: fleet.functions,
    kinds: fleet.kinds,
    generateMs: madeMs,
    runs,
    wallMs: median(walls),
    walls,
    cpuMs: cpus.length ? median(cpus) : null,
    peakRssKiB: rsss.length ? Math.max(...rsss) : null,
    serialWallMs: serial.wall,
    groups: rep.groups.length,
    largestGroup: Math.max(...rep.groups.map((g) => g.members.length)),
    outliers: rep.outliers.length,
    loadBefore,
    loadAfter: load(),
    cores: os.availableParallelism(),
  };
}

/** The RESULTS.md section for bench/run.mjs. */
export function fleetMarkdown(r) {
  const s = (ms) => (ms === null || ms === undefined ? '–' : (ms / 1000).toFixed(1));
  return [
    `### 6. Fleet (\`node bench/fleet.mjs\`) — \`topolens fleet\` over ${r.n.toLocaleString('en')} captures of ${r.functions} functions, ${r.runs} runs, median`,
    '',
    '| what | value |',
    '| --- | ---: |',
    `| wall, ${r.cores} loader processes (default) | ${s(r.wallMs)} s (runs: ${r.walls.map(s).join(', ')}) |`,
    `| CPU (parent + loaders) | ${s(r.cpuMs)} s |`,
    `| wall, --jobs 1 (in one process) | ${s(r.serialWallMs)} s |`,
    `| peak RSS (largest process) | ${r.peakRssKiB === null ? '–' : `${Math.round(r.peakRssKiB / 1024)} MiB`} |`,
    `| groups / largest / outliers found | ${r.groups} / ${r.largestGroup} / ${r.outliers} (made: ${Object.entries(r.kinds).map(([k, v]) => `${k} ${v}`).join(', ')}) |`,
    `| load average before → after | ${r.loadBefore.join(' ')} → ${r.loadAfter.join(' ')} |`,
    '',
    `Target < 30 s on this 2-core machine. The fleet is generated once (bench/out/fleet-N; ${r.generateMs < 1000 ? 'already there for this run' : `${s(r.generateMs)} s this time`}) from a real capture; see the header of bench/fleet.mjs.`,
    '',
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (k, d) => {
    const i = process.argv.indexOf(k);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  const r = await benchFleet({ n: arg('--n', 1000), runs: arg('--runs', 3) });
  console.log(JSON.stringify(r, null, 2));
}
