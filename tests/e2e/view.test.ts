// The picture in Chromium against `topolens serve` at 1600×1000, checked against the
// engine's own reading of the same files: it opens fitted, every function sits in its
// NUMA node's box, folded groups open for search / keyboard / the details list, the
// table and diagnostics tabs follow the selection, bad input is reported in the window,
// and Cytoscape is the exact version whose internals cyfast.ts relies on (no helper fell
// back). Every wait is on the app's own signals (body[data-rendered], selection, DOM),
// never on elapsed time.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInput } from '../../electron/topology/load';
import type { Snapshot } from '../../electron/topology/model';
import { allFixtures, openApp, REPO, type OpenedApp } from './fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const XEON = 'fixtures/hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2';
const FOUR_NODES = 'fixtures/hwloc/linux/40intel64-2g2n4c+pcilocality.tar.bz2';
const SRIOV = 'fixtures/lab/x86-q35-sriov-nvme/capture.tar.gz';

let app: OpenedApp;
let page: Page;
let pageErrors: string[] = [];

beforeAll(async () => {
  app = await openApp(XEON, { waitFor: 'rendered' });
  ({ page, pageErrors } = app);
}, 180_000);

afterAll(async () => {
  await app?.close();
});

async function open(file: string): Promise<Snapshot> {
  const seq = await page.evaluate(() => Number(document.body.dataset.renderSeq ?? 0));
  await page.setInputFiles('#file-input', join(REPO, file));
  await page.waitForFunction((s: number) => Number(document.body.dataset.renderSeq ?? 0) > s && document.body.dataset.rendered === 'true', seq);
  return (await loadInput(join(REPO, file), { hostFacts: false })).topology;
}

/** Rendered (screen) boxes of cy nodes, by id. */
async function screenBoxes(ids: string[]): Promise<Record<string, { x1: number; y1: number; x2: number; y2: number } | null>> {
  return page.evaluate((list: string[]) => {
    const cy = window.__topolens.view.cy;
    const out: Record<string, unknown> = {};
    for (const id of list) {
      const n = cy.getElementById(id);
      out[id] = n.empty() ? null : n.renderedBoundingBox({ includeLabels: false, includeOverlays: false });
    }
    return out as never;
  }, ids);
}

describe('the picture in Chromium', () => {
  it('Cytoscape is the pinned version and every cyfast helper found its internals', async () => {
    // Build-time only (bundled into out/renderer): a devDependency, pinned exactly.
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const status = await page.evaluate(() => window.__topolens.view.cyfast);
    expect(pkg.devDependencies['cytoscape']).toBe(status.version);
    // …and cyfast.ts says it was read against that same version.
    expect(/CYTOSCAPE_CHECKED = '([^']+)'/.exec(readFileSync(join(REPO, 'renderer/src/graph/cyfast.ts'), 'utf8'))?.[1]).toBe(status.version);
    expect(status).toEqual({ version: status.version, styleFresh: true, cullOffscreen: true, labelSizes: true, gestureTexture: true });
  });

  it('opens the 137-function Xeon fitted, with readable text, everything on screen', async () => {
    const t = await open(XEON);
    const r = await page.evaluate(() => {
      const v = window.__topolens.view;
      const b = v.cy.elements().renderedBoundingBox({ includeLabels: true });
      return { zoom: v.cy.zoom(), w: v.cy.width(), h: v.cy.height(), b };
    });
    expect(t.pci.devices.length).toBe(137);
    expect(r.zoom * 11).toBeGreaterThanOrEqual(9);
    expect(r.b.x1).toBeGreaterThanOrEqual(-1);
    expect(r.b.y1).toBeGreaterThanOrEqual(-1);
    expect(r.b.x2).toBeLessThanOrEqual(r.w + 1);
    expect(r.b.y2).toBeLessThanOrEqual(r.h + 1);
  });

  /** The fitted text the app is showing: its own zoom times the base font of its device labels. */
  const fittedText = () =>
    page.evaluate(() => {
      const cy = window.__topolens.view.cy;
      return cy.zoom() * Number.parseFloat(cy.nodes('.device').first().style('font-size'));
    });
  const hiddenPanel = () => page.evaluate(() => document.querySelector('main').classList.contains('panel-hidden') as boolean);

  it('every real fixture of up to 150 functions opens with text >= 9 px at 1600x1000 (default settings)', async () => {
    const seen: string[] = [];
    for (const f of allFixtures()) {
      const t = await open(f);
      if (t.pci.devices.length > 150 || t.pci.devices.length === 0) continue;
      const px = await fittedText();
      seen.push(`${f} ${px.toFixed(1)}`);
      expect(px, `${f}: ${t.pci.devices.length} functions`).toBeGreaterThanOrEqual(9);
      // Everything is on screen at that size.
      const r = await page.evaluate(() => ({ b: window.__topolens.view.cy.elements().renderedBoundingBox({ includeLabels: false }), w: window.__topolens.view.cy.width(), h: window.__topolens.view.cy.height() }));
      expect(r.b.x2 - r.b.x1, f).toBeLessThanOrEqual(r.w + 1);
      expect(r.b.y2 - r.b.y1, f).toBeLessThanOrEqual(r.h + 1);
    }
    expect(seen.length).toBeGreaterThan(10);
  }, 300_000);

  it('the side panel closes by itself only when the map would be under 9 px beside it; Panel docks it (text shrinks) and back', async () => {
    const toggle = async () => {
      const seq = await page.evaluate(() => document.body.dataset.renderSeq);
      await page.click('[data-testid=toggle-panel]');
      await page.waitForFunction((s: string) => document.body.dataset.renderSeq !== s && document.body.dataset.rendered === 'true', seq);
    };
    // A small machine: docked.
    await open(SRIOV);
    expect(await hiddenPanel()).toBe(false);
    // The Kunpeng lspci file (49 functions) is under 9 px beside the panel: it opens closed.
    await open('fixtures/lspci/aarch64-huawei-taishan2280v2-kunpeng920-hi1822-switch.txt');
    expect(await hiddenPanel()).toBe(true);
    const wide = await fittedText();
    expect(wide).toBeGreaterThanOrEqual(9);
    await expect.poll(() => page.locator('[data-testid=panel-note]').textContent()).toMatch(/side panel closed/);
    await toggle();
    expect(await hiddenPanel()).toBe(false);
    const docked = await fittedText();
    expect(docked).toBeLessThan(9);
    expect(wide).toBeGreaterThan(docked * 1.05);
    await toggle();
    expect(Math.abs((await fittedText()) - wide)).toBeLessThan(0.05);
  });

  it('with the panel closed, a selection shows it over the map without laying the picture out again', async () => {
    const t = await open('fixtures/lspci/aarch64-huawei-taishan2280v2-kunpeng920-hi1822-switch.txt');
    expect(await hiddenPanel()).toBe(true);
    const seq = await page.evaluate(() => document.body.dataset.renderSeq);
    const zoom = await page.evaluate(() => window.__topolens.view.cy.zoom() as number);
    // The rightmost drawn function: the panel must not cover it.
    const ids = await page.evaluate(() => window.__topolens.view.deviceIds() as string[]);
    const right = (await screenBoxes(ids)) as Record<string, { x2: number }>;
    const target = ids.reduce((a, b) => (right[b]!.x2 > right[a]!.x2 ? b : a));
    await page.evaluate((a: string) => window.__topolens.select(a), target);
    await expect.poll(() => page.locator('[data-testid=details-address]').textContent()).toBe(target);
    expect(await page.locator('[data-testid=side]').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.body.dataset.renderSeq)).toBe(seq);
    expect(await page.evaluate(() => window.__topolens.view.cy.zoom() as number)).toBe(zoom);
    const side = (await page.locator('[data-testid=side]').boundingBox())!;
    const node = (await screenBoxes([target]))[target]!;
    const graph = (await page.locator('#graph').boundingBox())!;
    expect(graph.x + node.x2).toBeLessThanOrEqual(side.x);
    expect(t.pci.devices.some((d) => d.address === target)).toBe(true);
    // Esc clears the selection and the panel closes again.
    await page.focus('#graph');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=side]').isVisible()).toBe(false);
  });

  it('draws every function inside the box of the NUMA node its details give', async () => {
    const t = await open(FOUR_NODES);
    const drawn = await page.evaluate(() => window.__topolens.view.deviceIds());
    const folded = await page.evaluate(() => {
      const out: Record<string, string> = {};
      for (const n of window.__topolens.view.elements.scene.nodes) for (const m of n.members ?? []) out[m] = n.id;
      return out;
    });
    const ids = [...new Set([...t.numaNodes.map((n) => `numa:${n.id}`), ...drawn, ...Object.values(folded)])];
    const boxes = await screenBoxes(ids);
    for (const d of t.pci.devices) {
      if (d.numaNode === null) continue;
      const b = boxes[drawn.includes(d.address) ? d.address : folded[d.address]!]!;
      const box = boxes[`numa:${d.numaNode}`]!;
      expect(b.x1 >= box.x1 && b.x2 <= box.x2 && b.y1 >= box.y1 && b.y2 <= box.y2, `${d.address} in numa:${d.numaNode}`).toBe(true);
    }
    // The RDMA card with numa_node 2 behind a root port of unknown locality (issue 16): node 2.
    await page.evaluate(() => window.__topolens.select('0000:43:00.0'));
    await expect.poll(() => page.locator('[data-testid=details-numa]').textContent()).toBe('2');
  });

  it('search reaches a folded member: the group opens and the member is selected, with its details', async () => {
    const t = await open(XEON);
    const folded = t.pci.devices.find((d) => d.driver === 'ioatdma')!;
    expect(await page.evaluate((a: string) => window.__topolens.view.cy.getElementById(a).empty(), folded.address)).toBe(true);
    await page.fill('[data-testid=search]', folded.address);
    await page.press('[data-testid=search]', 'Enter');
    await expect.poll(() => page.evaluate(() => window.__topolens.view.selectedId())).toBe(folded.address);
    await expect.poll(() => page.locator('[data-testid=details-address]').textContent()).toBe(folded.address);
    await page.fill('[data-testid=search]', '');
  });

  it('"Fold platform" off draws every function; on folds them again', async () => {
    const t = await open(XEON);
    const counts = () => page.evaluate(() => ({ drawn: window.__topolens.view.deviceIds().length, folded: window.__topolens.view.elements.scene.hidden.folded.length }));
    const folded = await counts();
    expect(folded.folded).toBeGreaterThan(0);
    const toggle = async () => {
      const seq = await page.evaluate(() => document.body.dataset.renderSeq);
      await page.click('[data-testid=opt-fold]');
      await page.waitForFunction((s: string) => document.body.dataset.renderSeq !== s && document.body.dataset.rendered === 'true', seq);
    };
    await toggle();
    expect(await counts()).toEqual({ drawn: t.pci.devices.length, folded: 0 });
    await toggle();
    expect(await counts()).toEqual(folded);
  });

  it("a group's details list its members; Enter opens it and selects the first", async () => {
    await open(SRIOV);
    const g = await page.evaluate(() => window.__topolens.view.elements.scene.nodes.find((n: { kind: string }) => n.kind === 'vf-group'));
    await page.evaluate((id: string) => window.__topolens.view.select(id), g.id);
    const items = await page.locator('[data-testid=details-members] li').allTextContents();
    expect(items.map((s) => s.split(' ')[0])).toEqual(g.members);
    await page.focus('#graph');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => window.__topolens.view.selectedId())).toBe(g.members[0]);
  });

  it("arrow keys walk from a subtree up to its root-complex frame and along the frame's subtrees", async () => {
    await open(SRIOV);
    const frame = await page.evaluate(() => window.__topolens.view.elements.scene.nodes.find((n: { kind: string; units?: string[] }) => n.kind === 'complex' && (n.units?.length ?? 0) > 1));
    await page.evaluate((id: string) => window.__topolens.view.select(id), frame.units[0]);
    await page.focus('#graph');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.evaluate(() => window.__topolens.view.selectedId())).toBe(frame.units[1]);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.evaluate(() => window.__topolens.view.selectedId())).toBe(frame.id);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.evaluate(() => window.__topolens.view.selectedId())).toBe(frame.units[0]);
  });

  it('the table lists every function and follows the selection both ways; CSV export', async () => {
    const t = await open(SRIOV);
    await page.click('[data-testid=tab-table]');
    await expect.poll(() => page.locator('[data-testid=function-table] tbody tr').count()).toBe(t.pci.devices.length);
    const nvme = t.pci.devices.find((d) => d.roles.includes('nvme'))!;
    await page.click(`[data-testid=function-table] tr[data-address="${nvme.address}"]`);
    await expect.poll(() => page.evaluate(() => window.__topolens.view.selectedId())).toBe(nvme.address);
    await page.evaluate((a: string) => window.__topolens.select(a), t.pci.devices[0]!.address);
    await expect.poll(() => page.locator('[data-testid=function-table] tr.selected').getAttribute('data-address')).toBe(t.pci.devices[0]!.address);
    await page.fill('[data-testid=table-filter]', 'nvme');
    await expect.poll(() => page.locator('[data-testid=function-table] tbody tr').count()).toBe(t.pci.devices.filter((d) => JSON.stringify(d).toLowerCase().includes('nvme')).length);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=table-csv]')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^Address,Name,NUMA,Local CPUs,Driver/);
    expect(csv).toContain(nvme.address);
    await page.fill('[data-testid=table-filter]', '');
    await page.click('[data-testid=tab-details]');
  });

  it('the diagnostics tab lists every diagnostic and a device link selects it', async () => {
    const file = 'fixtures/lspci/x86-2s-xeon-e5-sandybridge-ibm-dx360m4-infiniband.txt';
    const t = await open(file);
    await page.click('[data-testid=tab-diagnostics]');
    await page.check('[data-testid=panel-diagnostics] input[type=checkbox]');
    await expect.poll(() => page.locator('[data-testid=diagnostics-list] li').count()).toBe(t.diagnostics.length);
    const withDev = t.diagnostics.find((d) => d.address && t.pci.devices.some((x) => x.address === d.address));
    if (withDev) {
      await page.locator('[data-testid=diagnostics-list] a.addr', { hasText: withDev.address! }).first().click();
      await expect.poll(() => page.evaluate(() => window.__topolens.view.selectedId())).toBe(withDev.address);
    }
    await page.click('[data-testid=tab-details]');
  });

  it('an unusable file is reported in the window, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-view-'));
    const bad = join(dir, 'not-a-topology.txt');
    writeFileSync(bad, 'hello, this is not lspci output\n');
    await page.setInputFiles('#file-input', bad);
    await page.waitForSelector('[data-testid=load-error]:not([hidden])');
    expect(await page.locator('[data-testid=load-error-text]').textContent()).toContain('not-a-topology.txt');
  });

  it('no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
