// Electron end to end (Playwright _electron): launch with a FILE, the window shows its
// devices, the preload exposes named methods only and no Node, IPC validates
// arguments, dropped-file bytes open, navigation is blocked. Runs only where an
// Electron binary exists (found without require('electron'), which would download);
// elsewhere it prints that it was not run and skips (not counted as passed).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInput } from '../../electron/topology/load';
import { electronBinary } from '../../scripts/start.mjs';
import { REPO } from './fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any;
declare const document: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The binary as `npm start` finds it (never require('electron'): that downloads), plus a display. */
function findElectron(): { path: string | null; why: string } {
  const found = electronBinary();
  if (found.path && process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) return { path: null, why: 'Electron binary found but there is no display (run under xvfb-run)' };
  return found;
}

const electron = findElectron();
const FIXTURE = 'fixtures/lab/x86-q35-sriov-nvme/capture.tar.gz';
const OTHER = 'fixtures/lab/arm64-virt-neoverse-n1/capture.tar.gz';

if (!electron.path) {
  console.log(`\n*** Electron e2e tests NOT RUN: ${electron.why}. They are skipped, not passed. ***\n`);
}

describe.skipIf(!electron.path)('Electron app', () => {
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    const b = spawnSync(process.execPath, [join(REPO, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: REPO, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`electron-vite build failed:\n${b.stderr}`);
    app = await _electron.launch({ executablePath: electron.path!, args: [join(REPO, 'out/main/index.js'), join(REPO, FIXTURE)], cwd: REPO });
    page = await app.firstWindow();
    await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  it('launches with the FILE from the command line and draws its devices', async () => {
    const { topology: t } = await loadInput(join(REPO, FIXTURE), { hostFacts: false });
    const drawn: string[] = await page.evaluate(() => window.__topolens.view.deviceIds());
    const folded: string[] = await page.evaluate(() => window.__topolens.view.elements.scene.hidden.collapsedVfs);
    expect([...drawn, ...folded].sort()).toEqual(t.pci.devices.map((d) => d.address).sort());
  });

  it('isolates the page: named API methods only, no Node', async () => {
    const r = await page.evaluate(() => ({ keys: Object.keys(window.topolens).sort(), require: typeof window.require, process: typeof window.process, ipc: typeof window.ipcRenderer }));
    expect(r.keys).toEqual(['captureMachine', 'exportData', 'getTopology', 'onMenu', 'onTopologyChanged', 'openBytes', 'openDialog', 'openInitial', 'openRecent', 'parseBytes', 'recent', 'reload', 'save']);
    expect(r.require).toBe('undefined');
    expect(r.process).toBe('undefined');
    expect(r.ipc).toBe('undefined');
    const web = await app.evaluate(({ BrowserWindow }) => {
      const w = BrowserWindow.getAllWindows()[0]!;
      const p = (w.webContents as unknown as { getLastWebPreferences?: () => object | null }).getLastWebPreferences?.() ?? {};
      return { sandbox: (p as { sandbox?: boolean }).sandbox, ci: (p as { contextIsolation?: boolean }).contextIsolation, ni: (p as { nodeIntegration?: boolean }).nodeIntegration };
    });
    expect(web).toEqual({ sandbox: true, ci: true, ni: false });
  });

  it('IPC validates arguments and answers with results, not throws', async () => {
    const bad = await page.evaluate(() => window.topolens.openRecent(-1));
    expect(bad.ok).toBe(false);
    const bad2 = await page.evaluate(() => window.topolens.openBytes('../etc/passwd', new Uint8Array(1)));
    expect(bad2).toEqual({ ok: false, error: 'file name must be a base name' });
    const good = await page.evaluate(() => window.topolens.exportData('json'));
    expect(good.ok).toBe(true);
    expect(JSON.parse(good.value).format).toBe('topolens-snapshot');
  });

  it('opens dropped file bytes', async () => {
    const bytes = [...readFileSync(join(REPO, OTHER))];
    const r = await page.evaluate(async (b: number[]) => window.topolens.openBytes('capture.tar.gz', new Uint8Array(b)), bytes);
    expect(r.ok).toBe(true);
    expect(r.value.snapshot.machine.arch).toBe('aarch64');
    await page.evaluate(() => window.__topolens.select('0000:01:00.0'));
  });

  it('parses bytes without making them current; Back to the command-line input', async () => {
    const bytes = [...readFileSync(join(REPO, FIXTURE))];
    const parsed = await page.evaluate(async (b: number[]) => window.topolens.parseBytes('again.tar.gz', new Uint8Array(b)), bytes);
    expect(parsed.ok).toBe(true);
    expect(parsed.value.input).toBe('again.tar.gz');
    const cur = await page.evaluate(() => window.topolens.getTopology());
    expect(cur.value.snapshot.machine.arch).toBe('aarch64'); // still the dropped capture above
    const broken = await page.evaluate(() => window.topolens.parseBytes('broken.tar.gz', new Uint8Array(4000)));
    expect(broken.ok).toBe(false);
    expect(broken.error).toMatch(/^broken\.tar\.gz: /);
    const back = await page.evaluate(() => window.topolens.openInitial());
    expect(back.ok).toBe(true);
    expect(back.value.initial).toBe(true);
    expect(back.value.input).toBe(join(REPO, FIXTURE));
  });

  it('blocks navigation and new windows', async () => {
    const before = page.url();
    await page.evaluate(() => {
      window.open('https://example.com/');
      document.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    expect(app.windows().length).toBe(1);
  });
});
