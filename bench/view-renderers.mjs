// Issue 19, target 4 (not a test): the app's first load on a fresh page (cold JIT) and
// loads in a running page, for several builds of the renderer side by side — Cytoscape's
// canvas renderer with and without the patches of renderer/src/graph/cyfast.ts, and its
// WebGL renderer (`renderer: { name: 'canvas', webgl: true }`, Cytoscape >= 3.31) with and
// without them. Each build is a copy of the repository whose out/renderer was built from
// its own renderer/ (the variants differ only in renderer/src/graph/view.ts); runs are
// interleaved (variant a, b, c, a, b, c ...) so machine load hits all alike. It waits on the
// app's own signals (body[data-ready], the topolens:drawn mark, two animation frames after
// a load), never on elapsed time. It does not build anything, and changes no renderer code.
//   node bench/view-renderers.mjs [--sizes 1000,5000] [--rounds 3] [--gl swiftshader|disable-gpu] NAME=ROOT ...
//   (ROOT: a repository copy with a built out/renderer; the snapshots come from this repo's CLI)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serveFile } from './lib/serve-child.mjs';
import { exportJson, SOURCES, synthesize } from './lib/synthetic-machine.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const sizes = opt('--sizes', '1000,5000').split(',').map(Number);
const rounds = Number(opt('--rounds', '3'));
const gl = opt('--gl', 'disable-gpu');
const shots = opt('--shots', '');
const variants = argv.map((a) => {
  const [name, root] = a.split('=');
  return { name, root };
});
if (variants.length === 0) throw new Error('usage: node bench/view-renderers.mjs [--sizes ..] [--rounds N] NAME=ROOT ...');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const GL_ARGS = gl === 'swiftshader' ? ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'] : ['--disable-gpu'];

/** One fresh page: its first load (cold), then `warm` loads in the same page. */
async function measure(browser, url, warm, shot) {
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const threadMs = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime').value * 1000;
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]', { timeout: 120_000 });
  const firstPage = Date.now() - t0;
  const info = await page.evaluate(() => {
    const marks = Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]));
    const v = window.__topolens.view;
    const r = v.cy.renderer();
    let glRenderer = null;
    try {
      const c = document.createElement('canvas').getContext('webgl2');
      const ext = c && c.getExtension('WEBGL_debug_renderer_info');
      glRenderer = c ? (ext ? c.getParameter(ext.UNMASKED_RENDERER_WEBGL) : c.getParameter(c.RENDERER)) : 'no webgl2 context';
    } catch (e) {
      glRenderer = `error: ${e}`;
    }
    return { firstDraw: marks['topolens:drawn'] - marks['topolens:fetched'], fetched: marks['topolens:fetched'], webgl: !!r.webgl, cyfast: v.cyfast, glRenderer, nodes: v.cy.nodes().length };
  });
  if (shot) await page.screenshot({ path: shot });
  const loads = [];
  for (let i = 0; i < warm; i += 1) {
    const c0 = await threadMs();
    const l = await page.evaluate(async () => {
      const t = window.__topolens;
      const a = performance.now();
      const r = await (await fetch('api/topology')).json();
      const b = performance.now();
      t.view.load(r.value.snapshot, { collapseVfs: true, expandedPfs: [] });
      await t.view.drawn();
      const c = performance.now();
      const id = t.view.deviceIds()[Math.floor(t.view.deviceIds().length / 2)];
      t.select(id);
      await t.view.drawn();
      const d = performance.now();
      t.view.zoomBy(0.8);
      await t.view.drawn();
      const e = performance.now();
      t.view.zoomBy(1.25);
      await t.view.drawn();
      return { total: c - a, draw: c - b, select: d - c, zoom: e - d };
    });
    loads.push({ ...l, cpu: (await threadMs()) - c0 });
  }
  await page.close();
  return { firstPage, ...info, loads, errors };
}

const bases = SOURCES.map(exportJson);
const tmp = mkdtempSync(join(tmpdir(), 'topolens-bench-'));
const browser = await chromium.launch({ executablePath: process.env.TOPOLENS_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', ...GL_ARGS, '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const results = {};
try {
  for (const n of sizes) {
    const file = join(tmp, `bench-${n}.json`);
    writeFileSync(file, JSON.stringify(synthesize(bases, n)));
    const servers = [];
    for (const v of variants) servers.push({ v, ...(await serveFile(v.root, file)) });
    try {
      for (let round = 0; round < rounds; round += 1) {
        for (const s of servers) {
          const shot = shots && round === 0 ? join(shots, `view-${s.v.name}-${n}.png`) : '';
          const m = await measure(browser, s.url, 3, shot);
          ((results[n] ??= {})[s.v.name] ??= []).push(m);
        }
      }
    } finally {
      for (const s of servers) s.child.kill('SIGTERM');
    }
    for (const v of variants) {
      const ms = results[n][v.name];
      const all = ms.flatMap((m) => m.loads);
      const m0 = ms[0];
      console.log(
        `${String(n).padStart(5)} devices, ${v.name.padEnd(14)} (${m0.nodes} nodes; webgl ${m0.webgl}; cyfast ${Object.entries(m0.cyfast).filter(([k, x]) => k !== 'version' && x).map(([k]) => k).join('+') || 'none'}): ` +
          `fresh page: page load ${median(ms.map((m) => m.firstPage))} ms, fetched→drawn ${Math.round(median(ms.map((m) => m.firstDraw)))} ms (runs ${ms.map((m) => Math.round(m.firstDraw)).join(', ')}); ` +
          `warm load→drawn ${Math.round(median(all.map((l) => l.total)))} ms (draw ${Math.round(median(all.map((l) => l.draw)))}, main-thread CPU ${Math.round(median(all.map((l) => l.cpu)))}); select ${Math.round(median(all.map((l) => l.select)))} ms; zoom frame ${Math.round(median(all.map((l) => l.zoom)))} ms` +
          (ms.some((m) => m.errors.length) ? `; page errors: ${[...new Set(ms.flatMap((m) => m.errors))].join(' | ')}` : ''),
      );
    }
  }
  const any = Object.values(results)[0];
  if (any) console.log(`WebGL2 in this Chromium (${GL_ARGS.join(' ')}): ${Object.values(any)[0][0].glRenderer}`);
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
