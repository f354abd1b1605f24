// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function, top N.
// Used by bench/run.mjs to say what dominates a missed target; also a CLI:
//   node bench/lib/prof-top.mjs FILE.cpuprofile [N]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

export function topFrames(file, n = 12) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map();
  const dt = p.timeDeltas;
  for (let i = 0; i < p.samples.length; i += 1) {
    const node = byId.get(p.samples[i]);
    const cf = node.callFrame;
    const key = `${cf.functionName || '(anonymous)'} ${cf.url ? basename(cf.url) : ''}:${cf.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return {
    totalMs: total / 1000,
    frames: [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000, pct: (100 * us) / total })),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = topFrames(process.argv[2], Number(process.argv[3] ?? 15));
  console.log(`total ${r.totalMs.toFixed(1)} ms`);
  for (const f of r.frames) console.log(`${f.ms.toFixed(1).padStart(8)} ms ${f.pct.toFixed(1).padStart(5)}%  ${f.name}`);
}
