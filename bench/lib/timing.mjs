// Timing helpers shared by the benchmarks: interleaved child-process runs (wall time
// from the parent's clock; CPU time and peak RSS from GNU time when installed),
// medians, and the machine description written next to every result.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';

const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

/** Run one command once: wall ms, cpu ms (user+sys), peak RSS KiB, exit status. */
export function runOnce({ cmd, args = [], env, cwd, stdout = 'ignore' }) {
  const useTime = GNU_TIME !== null;
  const argv = useTime ? ['-f', '@@TIME %U %S %M', cmd, ...args] : args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(useTime ? GNU_TIME : cmd, argv, { env: env ?? process.env, cwd, stdio: ['ignore', stdout, 'pipe'], maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const err = r.stderr ? r.stderr.toString() : '';
  let cpu = null;
  let rss = null;
  const m = /@@TIME ([\d.]+) ([\d.]+) (\d+)/.exec(err);
  if (m) {
    cpu = (Number(m[1]) + Number(m[2])) * 1000;
    rss = Number(m[3]);
  }
  return { wall, cpu, rss, status: r.status, stderr: err.replace(/@@TIME.*\n?/, '') };
}

/**
 * Run each of `cases` `n` times, interleaved (a b c a b c ...) so that load on a
 * shared machine hits them alike; `warmup` untimed rounds first. Throws when a run fails.
 */
export function interleave(cases, n, warmup = 2) {
  const out = cases.map((c) => ({ name: c.name, walls: [], cpus: [], rsss: [] }));
  for (let round = -warmup; round < n; round += 1) {
    cases.forEach((c, i) => {
      const r = runOnce(c);
      if (r.status !== 0) throw new Error(`${c.name}: exit ${r.status}\n${r.stderr.slice(0, 2000)}`);
      if (round < 0) return;
      out[i].walls.push(r.wall);
      if (r.cpu !== null) out[i].cpus.push(r.cpu);
      if (r.rss !== null) out[i].rsss.push(r.rss);
    });
  }
  return out.map((o) => ({
    name: o.name,
    runs: o.walls.length,
    wallMs: median(o.walls),
    wallP10: quantile(o.walls, 0.1),
    wallP90: quantile(o.walls, 0.9),
    cpuMs: o.cpus.length ? median(o.cpus) : null,
    peakRssKiB: o.rsss.length ? median(o.rsss) : null,
  }));
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    kernel: os.release(),
    node: process.version,
    loadavg: os.loadavg().map((x) => +x.toFixed(2)),
    date: new Date().toISOString(),
    nodeExtraCaCerts: process.env.NODE_EXTRA_CA_CERTS ? 'set' : 'unset',
  };
}

export function toolVersion(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) return null;
  return `${r.stdout}${r.stderr}`.split('\n').find((l) => l.trim() !== '')?.trim() ?? null;
}

export function has(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0;
}

/** Peak RSS of this process so far (VmHWM), in MiB. */
export function peakRssMiB() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : null;
}
