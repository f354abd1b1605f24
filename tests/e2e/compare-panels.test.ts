// Issue 18 in the app (browser/serve mode, Debian's Chromium): the Compare tab diffs the
// map's capture against a second one and marks the map; the Fleet tab groups many
// captures. Expected values come from the engine run here on the same files
// (compare/diff, compare/fleet over loadInput). The "after" capture is a real QEMU-lab
// capture with a NIC rebound to vfio-pci and an NVMe pulled. Waits on the page's own
// signals (body[data-ready], body[data-fleet-done], DOM and graph state), never on
// elapsed time. Screenshots: test-output/screenshots/compare-*.png.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../electron/topology/compare/diff';
import { compactForCompare } from '../../electron/topology/compare/fingerprint';
import { analyseFleet } from '../../electron/topology/compare/fleet';
import { loadInput } from '../../electron/topology/load';
import { copyTree, rebindDriver, removeFunction, removeTempTrees, unpack } from '../support/mutate-sysfs';
import { openApp, REPO, type OpenedApp } from './fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
type Any = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const SHOTS = join(REPO, 'test-output', 'screenshots');
const LAB = 'fixtures/lab/x86-q35-2numa-switch/capture.tar.gz';
const work = mkdtempSync(join(tmpdir(), 'topolens-e2e-cmp-'));
let after: string;
let app: OpenedApp;
let page: Page;
let pageErrors: string[] = [];

/** The lab machine with 0000:24:00.0 rebound to vfio-pci and the NVMe 0000:81:00.0 pulled, packed like a capture. */
function mutatedCapture(): string {
  const tree = copyTree(unpack(join(REPO, LAB)));
  rebindDriver(tree, '0000:24:00.0', 'vfio-pci');
  removeFunction(tree, '0000:81:00.0');
  const out = join(work, 'after.tar.gz');
  execFileSync('tar', ['czf', out, '-C', dirname(tree), basename(tree)]);
  return out;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  after = mutatedCapture();
  app = await openApp(LAB);
  ({ page, pageErrors } = app);
}, 180_000);

afterAll(async () => {
  await app?.close();
  removeTempTrees();
  rmSync(work, { recursive: true, force: true });
});

const marked = (cls: string) => page.evaluate((c: string) => window.__topolens.view.cy.nodes(`.${c}`).map((n: Any) => n.id()).sort(), cls);

describe('Compare and Fleet tabs', () => {
  it('Compare with… lists the engine\'s differences, marks removed and changed devices, and clicks through', async () => {
    const a = (await loadInput(join(REPO, LAB), { hostFacts: false })).topology;
    const b = (await loadInput(after, { hostFacts: false })).topology;
    const d = diffSnapshots(a, b);
    expect(d.removed).toEqual(['0000:81:00.0']);
    await page.click('[data-testid=tab-compare]');
    await page.setInputFiles('[data-testid=compare-file]', after);
    await page.waitForSelector('[data-testid=compare-summary]');
    const items = await page.evaluate(() => [...document.querySelectorAll('[data-testid=compare-list] li[data-kind=changed]')].map((li: Any) => `${li.querySelector('.dev').textContent} ${li.dataset.field}`));
    expect(items).toEqual(d.changed.map((c) => `${c.address} ${c.field}`));
    expect(await page.locator('[data-testid=compare-list] li[data-kind=removed] .dev').allTextContents()).toEqual(d.removed);
    await expect.poll(() => marked('cmp-removed')).toEqual(d.removed);
    await expect.poll(() => marked('cmp-changed')).toEqual([...new Set(d.changed.map((c) => c.address))].sort());
    // A redraw (a view option rebuilds every element) keeps the marks.
    const seq = await page.evaluate(() => Number(document.body.dataset.renderSeq));
    await page.click('#opt-bridges');
    await page.waitForFunction((s: number) => Number(document.body.dataset.renderSeq) > s && document.body.dataset.rendered === 'true', seq);
    await expect.poll(() => marked('cmp-removed')).toEqual(d.removed);
    await expect.poll(() => marked('cmp-changed')).toEqual([...new Set(d.changed.map((c) => c.address))].sort());
    await page.click('#opt-bridges');
    await page.screenshot({ path: join(SHOTS, 'compare-lab-rebind-pull.png') });
    await page.click('[data-testid=compare-list] li[data-kind=changed] .dev');
    await expect.poll(() => page.evaluate(() => window.__topolens.view.selectedId())).toBe(d.changed[0]!.address);
    await page.click('[data-testid=compare-clear]');
    await expect.poll(() => marked('cmp-changed')).toEqual([]);
  });

  it('Fleet: picked captures are grouped like compare/fleet groups them, the outlier explained', async () => {
    const files = ['a1', 'a2', 'a3'].map((n) => {
      const f = join(work, `${n}.tar.gz`);
      copyFileSync(join(REPO, LAB), f);
      return f;
    });
    const odd = join(work, 'a4.tar.gz');
    copyFileSync(after, odd);
    const all = [...files, odd];
    const entries = await Promise.all(all.map(async (f) => ({ member: basename(f), snapshot: compactForCompare((await loadInput(f, { hostFacts: false })).topology) })));
    const want = analyseFleet(entries);
    await page.click('[data-testid=tab-fleet]');
    await page.setInputFiles('[data-testid=fleet-files]', all);
    await page.waitForSelector('body[data-fleet-done="4"]');
    const fps = await page.evaluate(() => [...document.querySelectorAll('[data-testid=fleet-groups] tr[data-fingerprint]')].map((tr: Any) => tr.dataset.fingerprint));
    expect(fps).toEqual(want.groups.map((g) => g.fingerprint));
    expect(await page.locator('[data-testid=fleet-outliers] .fleet-outlier').evaluateAll((els: Any[]) => els.map((e) => e.dataset.member))).toEqual(['a4.tar.gz']);
    const lines = await page.locator('[data-testid=fleet-outliers] li').allTextContents();
    expect(lines.length).toBe(want.outliers[0]!.differences.length);
    expect(lines.join('\n')).toContain('0000:24:00.0  driver: e1000e → vfio-pci');
    expect(lines.join('\n')).toContain('0000:81:00.0  missing');
    // The map shows the lab machine (the model's majority): an outlier's address selects it there.
    await page.click('[data-testid=fleet-outliers] li .dev >> text=0000:24:00.0');
    await expect.poll(() => page.evaluate(() => window.__topolens.view.selectedId())).toBe('0000:24:00.0');
    await page.screenshot({ path: join(SHOTS, 'compare-fleet.png') });
    expect(pageErrors).toEqual([]);
  });
});
