// Target 3: `topolens capture` on this machine vs `hwloc-gather-topology`: wall time
// (interleaved runs, medians) and archive size.
//   node bench/capture.mjs [--runs N]
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repo } from './lib/engine.mjs';
import { has, median, runOnce, toolVersion } from './lib/timing.mjs';

export async function benchCapture({ runs = 3 } = {}) {
  const bin = join(repo, 'bin', 'topolens.mjs');
  const tmp = mkdtempSync(join(tmpdir(), 'topolens-bench-capture-'));
  const rows = { topolens: { walls: [], cpus: [], bytes: 0 } };
  const hwloc = has('hwloc-gather-topology');
  if (hwloc) rows['hwloc-gather-topology'] = { walls: [], cpus: [], bytes: 0 };
  try {
    runOnce({ cmd: process.execPath, args: [bin, '--help'] }); // bundle built and cached
    for (let i = 0; i < runs; i += 1) {
      const tl = join(tmp, `tl-${i}.tar.gz`);
      let r = runOnce({ cmd: process.execPath, args: [bin, 'capture', '-o', tl] });
      if (r.status !== 0) throw new Error(`topolens capture: ${r.stderr}`);
      rows.topolens.walls.push(r.wall);
      rows.topolens.cpus.push(r.cpu);
      rows.topolens.bytes = statSync(tl).size;
      if (hwloc) {
        const base = join(tmp, `hw-${i}`);
        r = runOnce({ cmd: 'hwloc-gather-topology', args: [base] });
        if (r.status !== 0) throw new Error(`hwloc-gather-topology: ${r.stderr}`);
        rows['hwloc-gather-topology'].walls.push(r.wall);
        rows['hwloc-gather-topology'].cpus.push(r.cpu);
        rows['hwloc-gather-topology'].bytes = statSync(`${base}.tar.bz2`).size;
      }
    }
    return {
      runs,
      tools: { hwloc: hwloc ? toolVersion('lstopo-no-graphics', ['--version']) : null },
      rows: Object.entries(rows).map(([name, x]) => ({
        name,
        wallMs: median(x.walls),
        cpuMs: x.cpus.every((c) => c !== null) ? median(x.cpus) : null,
        archiveBytes: x.bytes,
      })),
      note: hwloc ? 'hwloc-gather-topology also writes its own lstopo XML and console output next to the archive (not counted in its size)' : 'hwloc-gather-topology not installed',
      files: readdirSync(tmp).length,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--runs');
  console.log(JSON.stringify(await benchCapture({ runs: i > 0 ? Number(process.argv[i + 1]) : 3 }), null, 2));
}
