// Issue 17 in the app (browser/serve mode, Debian's Chromium): the Matrix, Placement and
// Health tabs show what the engine's answers/ compute for the same file (read here with
// loadInput), a matrix cell marks the path in the graph, placement follows the graph
// selection, a finding clicks through to its device. Waits on the page's own signals
// (body[data-ready], DOM and graph state), never on elapsed time. Screenshots go to
// test-output/screenshots/answers-*.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advise } from '../../electron/topology/answers/advise';
import { checkTopology } from '../../electron/topology/answers/check';
import { buildMatrix } from '../../electron/topology/answers/matrix';
import { selectDevices } from '../../electron/topology/answers/select';
import { loadInput } from '../../electron/topology/load';
import { openApp, REPO, type OpenedApp } from './fixtures';

// Callbacks passed to page.evaluate run in the browser; this (node) project has no DOM types.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
type Any = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const SHOTS = join(REPO, 'test-output', 'screenshots');
const LAB = 'fixtures/lab/x86-q35-dpdk-spdk/capture.tar.gz';
const GPU = 'fixtures/gpu-server/2rc-dual-k80-lstopo.xml';
let app: OpenedApp;
let page: Page;
let pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  app = await openApp(LAB);
  ({ page, pageErrors } = app);
}, 180_000);

afterAll(async () => {
  await app?.close();
});

const cellClasses = () =>
  page.evaluate(() => [...document.querySelectorAll('[data-testid=matrix-grid] td[data-class]')].map((td: Any) => `${td.dataset.a} ${td.dataset.b} ${td.dataset.class}`));

describe('answers panels on the DPDK/SPDK lab machine', () => {
  it('Matrix: every cell is the engine\'s class for the default devices; a cell marks the path through the switch', async () => {
    const t = (await loadInput(join(REPO, LAB), { hostFacts: false })).topology;
    const devs = selectDevices(t).devices;
    const m = buildMatrix(t, devs);
    const want = m.devices.flatMap((a, i) => m.devices.map((b, j) => `${a} ${b} ${m.matrix[i]![j]}`));
    await page.click('[data-testid=tab-matrix]');
    await expect.poll(cellClasses).toEqual(want);
    const i = m.devices.indexOf('0000:23:00.0');
    const j = m.devices.indexOf('0000:24:00.0');
    await page.click(`[data-testid=matrix-cell-${i}-${j}]`);
    await expect.poll(() => page.locator('[data-testid=matrix-why]').textContent()).toMatch(/PIX/);
    // The switch's upstream port 21:00.0 joins the two downstream ports: it is on the marked path.
    const marked = await page.evaluate(() => window.__topolens.view.cy.nodes('.path').map((n: Any) => n.id()));
    expect(marked).toEqual(expect.arrayContaining(['0000:23:00.0', '0000:24:00.0', '0000:21:00.0']));
    expect(marked).not.toContain('0000:26:00.0');
    await page.screenshot({ path: join(SHOTS, 'answers-matrix-lab-dpdk-spdk.png') });
  });

  it('Placement: the engine\'s EAL arguments and commands for the node-1 NVMe; Copy buttons present', async () => {
    const t = (await loadInput(join(REPO, LAB), { hostFacts: false })).topology;
    const a = advise(t, selectDevices(t, '0000:81:00.0').devices);
    await page.click('[data-testid=tab-advice]');
    await page.fill('[data-testid=advice-sel]', '0000:81:00.0');
    await page.click('[data-testid=advice-apply]');
    await expect.poll(() => page.locator('[data-testid=advice-eal]').textContent()).toBe(a.dpdk.eal);
    expect(await page.locator('[data-testid=advice-spdk]').textContent()).toBe(`-m ${a.spdk.cpumask}`);
    const cmds = await page.evaluate(() => [...document.querySelectorAll('[data-testid=advice-commands] code')].map((c: Any) => c.textContent));
    expect(cmds).toEqual(a.commands);
    expect(await page.locator('[data-testid=advice-out] .copy-btn').count()).toBe(2 + a.commands.length);
    await page.screenshot({ path: join(SHOTS, 'answers-placement-lab-dpdk-spdk.png') });
  });

  it('Health: the engine\'s findings; a finding\'s device selects it in the graph', async () => {
    const t = (await loadInput(join(REPO, LAB), { hostFacts: false })).topology;
    const r = checkTopology(t);
    await page.click('[data-testid=tab-health]');
    await expect.poll(() => page.locator('[data-testid=health-out] .finding').count()).toBe(r.findings.length);
    const k = r.findings.findIndex((f) => f.device === '0000:00:1f.0' || f.check === 'iommu-group');
    expect(k).toBeGreaterThanOrEqual(0);
    await page.click(`[data-testid=finding-device-${k}]`);
    await expect.poll(() => page.evaluate(() => window.__topolens.view.selectedId())).toBe(r.findings[k]!.device);
    expect(await page.locator('[data-testid=tab-health]').textContent()).toBe(r.warnings ? `Health (${r.warnings})` : 'Health');
    await page.screenshot({ path: join(SHOTS, 'answers-health-lab-dpdk-spdk.png') });
  });

  it('GPU server (hwloc XML, PEX 8747 switches): the grid matches the engine and the two GPUs of a K80 are PIX', async () => {
    await page.setInputFiles('#file-input', join(REPO, GPU));
    await page.waitForFunction((name: string) => (document.querySelector('#status')?.textContent ?? '').includes(name), '2rc-dual-k80-lstopo.xml');
    const t = (await loadInput(join(REPO, GPU), { hostFacts: false })).topology;
    const m = buildMatrix(t, selectDevices(t).devices);
    await page.click('[data-testid=tab-matrix]');
    await expect.poll(cellClasses).toEqual(m.devices.flatMap((a, i) => m.devices.map((b, j) => `${a} ${b} ${m.matrix[i]![j]}`)));
    const i = m.devices.indexOf('0000:06:00.0');
    const j = m.devices.indexOf('0000:07:00.0');
    expect(await page.locator(`[data-testid=matrix-cell-${i}-${j}]`).getAttribute('data-class')).toBe('PIX');
    await page.click(`[data-testid=matrix-cell-${i}-${j}]`);
    await expect.poll(() => page.evaluate(() => window.__topolens.view.cy.nodes('.path').map((n: Any) => n.id()))).toEqual(expect.arrayContaining(['0000:06:00.0', '0000:07:00.0']));
    await page.screenshot({ path: join(SHOTS, 'answers-matrix-gpu-server.png') });
    expect(pageErrors).toEqual([]);
  });
});
