// Benchmark (not a test): time from snapshot load to a drawn, interactive graph in
// headless Chromium, for 100 / 1,000 / 5,000 devices. Snapshots are synthesized by
// replicating a real fixture's devices under new PCI domains. Targets: < 1.5 s at 1,000,
// < 5 s at 5,000, pan/zoom frame < 50 ms at 1,000. Also reported: the page's own first
// load (fetched → drawn, cold code), main-thread CPU of a load (the wall times depend on
// how busy the machine is), and memory (JS heap after GC, renderer process RSS).
//   node bench/view.mjs [sizes...]     e.g. node bench/view.mjs 100 1000 5000
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveFile } from './lib/serve-child.mjs';
import { exportJson, SOURCES, synthesize } from './lib/synthetic-machine.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const SIZES = process.argv.slice(2).map(Number).filter((n) => n > 0);
const sizes = SIZES.length ? SIZES : [100, 1000, 5000];
const RUNS = 3;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const bases = SOURCES.map(exportJson);
const tmp = mkdtempSync(join(tmpdir(), 'topolens-bench-'));
const browser = await chromium.launch({ executablePath: process.env.TOPOLENS_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const rows = [];
try {
  for (const n of sizes) {
    const file = join(tmp, `bench-${n}.json`);
    writeFileSync(file, JSON.stringify(synthesize(bases, n)));
    const { url, child } = await serveFile(repo, file);
    try {
      const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
      const threadMs = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime').value * 1000;
      const t0 = Date.now();
      await page.goto(url);
      await page.waitForSelector('body[data-ready=true]', { timeout: 120_000 });
      const first = Date.now() - t0;
      const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
      const firstDraw = marks['topolens:drawn'] - marks['topolens:fetched'];
      const runs = [];
      for (let i = 0; i < RUNS; i += 1) {
        const c0 = await threadMs();
        const load = await page.evaluate(async () => {
          const t = window.__topolens;
          const a = performance.now();
          const r = await (await fetch('api/topology')).json();
          const b = performance.now();
          t.view.load(r.value.snapshot, { collapseVfs: true, expandedPfs: [] });
          await t.view.drawn();
          const c = performance.now();
          const tm = t.view.lastTimings;
          return { fetch: b - a, draw: c - b, total: c - a, nodes: t.view.cy.nodes().length, build: tm.build, add: tm.add, style: tm.style ?? 0, paint: c - b - tm.total };
        });
        const c1 = await threadMs();
        runs.push({
          ...load,
          cpu: c1 - c0,
          ...(await page.evaluate(async () => {
            const t = window.__topolens;
            // Interactive: a selection (path highlight + details) is drawn.
            const id = t.view.deviceIds()[Math.floor(t.view.deviceIds().length / 2)];
            const c = performance.now();
            t.select(id);
            await t.view.drawn();
            const d = performance.now();
            // A pan/zoom frame.
            t.view.zoomBy(0.8);
            await t.view.drawn();
            const e = performance.now();
            return { select: d - c, zoom: e - d };
          })),
        });
      }
      await cdp.send('HeapProfiler.collectGarbage');
      const heapMB = (await cdp.send('Runtime.getHeapUsage')).usedSize / 2 ** 20;
      let rssMB = null;
      try {
        const info = await (await browser.newBrowserCDPSession()).send('SystemInfo.getProcessInfo');
        const kb = info.processInfo.filter((p) => p.type === 'renderer').map((p) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.id}/status`, 'utf8'))?.[1] ?? 0));
        rssMB = Math.max(...kb) / 1024;
      } catch {
        /* not Linux, or no process info: leave it out */
      }
      const row = {
        devices: n,
        nodes: runs[0].nodes,
        firstPageMs: first,
        firstDrawMs: Math.round(firstDraw),
        loadToDrawnMs: Math.round(median(runs.map((r) => r.total))),
        fetchMs: Math.round(median(runs.map((r) => r.fetch))),
        drawMs: Math.round(median(runs.map((r) => r.draw))),
        buildMs: Math.round(median(runs.map((r) => r.build))),
        addMs: Math.round(median(runs.map((r) => r.add))),
        styleMs: Math.round(median(runs.map((r) => r.style))),
        cpuMs: Math.round(median(runs.map((r) => r.cpu))),
        heapMB: Math.round(heapMB * 10) / 10,
        rssMB: rssMB === null ? null : Math.round(rssMB),
        paintMs: Math.round(median(runs.map((r) => r.paint))),
        selectMs: Math.round(median(runs.map((r) => r.select))),
        zoomFrameMs: Math.round(median(runs.map((r) => r.zoom))),
      };
      rows.push(row);
      console.log(
        `${String(n).padStart(5)} devices (${row.nodes} nodes): load→drawn ${row.loadToDrawnMs} ms (fetch+parse ${row.fetchMs}; scene+layout+elements ${row.buildMs}, cy.add+style ${row.addMs} of which style ${row.styleMs}, first paint ${row.paintMs}; main-thread CPU ${row.cpuMs}); select ${row.selectMs} ms; zoom frame ${row.zoomFrameMs} ms; first page load ${row.firstPageMs} ms (fetched→drawn ${row.firstDrawMs}); JS heap ${row.heapMB} MB, renderer RSS ${row.rssMB ?? '?'} MB`,
      );
      await page.close();
    } finally {
      child.kill('SIGTERM');
    }
  }
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
const k = rows.find((r) => r.devices === 1000);
if (k) console.log(`target < 1500 ms at 1,000 devices: ${k.loadToDrawnMs < 1500 ? 'met' : 'NOT met'} (${k.loadToDrawnMs} ms); zoom frame < 50 ms: ${k.zoomFrameMs < 50 ? 'met' : 'NOT met'} (${k.zoomFrameMs} ms)`);
const f = rows.find((r) => r.devices === 5000);
if (f) console.log(`target < 5000 ms at 5,000 devices: ${f.loadToDrawnMs < 5000 ? 'met' : 'NOT met'} (${f.loadToDrawnMs} ms)`);
