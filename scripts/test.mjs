// `npm test`: lint (layering rules) and typecheck (node + web projects) side by side, the build (app
// bundles and the CLI bundle), then every vitest suite (unit, corpus, fuzz, browser e2e,
// electron e2e where a binary exists). `npm run test:slow` (--slow): the slow suite
// (tests/slow: full-size archive limits, the packed-install check) alone. Each ends with
// one line "N passed, N failed, N skipped" that CI reads; the counts also go to
// test-output/summary-{fast,slow}.json for .ci/run's total.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const steps = [];
function step(name, cmd, args) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: false });
  steps.push({ name, ok: r.status === 0, ms: Date.now() - t0 });
  return r.status === 0;
}

/**
 * Checks that only read the sources (lint, typecheck) run side by side: each one is
 * mostly one busy core, so on two cores they take the time of the longest. Their output
 * is held and printed whole, in the listed order, so it does not interleave.
 */
async function concurrentSteps(list) {
  const runs = list.map(([name, cmd, args]) => new Promise((resolve) => {
    const t0 = Date.now();
    const out = [];
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => out.push(b));
    child.on('error', (e) => out.push(Buffer.from(`${name}: ${e.message}\n`)));
    child.on('close', (code) => resolve({ name, ok: code === 0, ms: Date.now() - t0, out: Buffer.concat(out) }));
  }));
  for (const r of await Promise.all(runs)) {
    process.stdout.write(r.out);
    steps.push({ name: r.name, ok: r.ok, ms: r.ms });
  }
}

mkdirSync('test-output', { recursive: true });
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const slow = process.argv.includes('--slow');
const only = process.argv.slice(2).filter((a) => a !== '--slow');
if (only.length === 0 && !slow) {
  await concurrentSteps([
    ['lint', npx, ['eslint', '.']],
    ['typecheck (node)', npx, ['tsc', '-p', 'tsconfig.node.json', '--noEmit']],
    ['typecheck (web)', npx, ['tsc', '-p', 'tsconfig.web.json', '--noEmit']],
  ]);
  // main, preload and renderer bundles build without an Electron binary.
  step('build (electron-vite)', npx, ['electron-vite', 'build', '--logLevel', 'warn']);
  step('build (CLI bundle)', process.execPath, ['scripts/build-cli.mjs']);
}
const json = `test-output/vitest${slow ? '-slow' : ''}.json`;
rmSync(json, { force: true }); // never count a previous run
step('vitest', npx, ['vitest', 'run', ...(slow ? ['--config', 'vitest.slow.config.ts'] : []), '--reporter=default', '--reporter=json', `--outputFile=${json}`, ...only]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(json)) {
  const r = JSON.parse(readFileSync(json, 'utf8'));
  passed = r.numPassedTests ?? 0;
  failed = (r.numFailedTests ?? 0) + (r.numFailedTestSuites ?? 0 ? 0 : 0);
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A suite that failed to load has no tests counted: count it as a failure.
  for (const f of r.testResults ?? []) if (f.status === 'failed' && (f.assertionResults ?? []).length === 0) failed += 1;
}
// Lint and typecheck count as one check each.
for (const s of steps.filter((s) => s.name !== 'vitest')) {
  if (s.ok) passed += 1;
  else failed += 1;
}
console.log('');
for (const s of steps) console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name} (${(s.ms / 1000).toFixed(1)} s)`);
writeFileSync(`test-output/summary-${slow ? 'slow' : 'fast'}.json`, `${JSON.stringify({ passed, failed, skipped })}\n`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || steps.some((s) => !s.ok) ? 1 : 0;
