// End to end in Debian's Chromium against `topolens serve`: one server and one browser
// for the whole file; every fixture is opened through the page's own file picker (the
// browser-mode "Open…"), then checked against the engine's reading of the same file:
// the devices drawn, details on click, search, role filter, SVG export, AArch64 flag.
// Screenshots of every fixture go to test-output/screenshots/.
import { mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driversRecorded, noDriversReason } from '../../electron/topology/export/describe';
import { loadInput } from '../../electron/topology/load';
import type { PciDevice, Snapshot } from '../../electron/topology/model';
import { allFixtures, fixtureSlug, openApp, REPO, type OpenedApp, type Served } from './fixtures';

// Callbacks passed to page.evaluate run in the browser; this (node) project has no DOM types.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const SHOTS = join(REPO, 'test-output', 'screenshots');
const fixtures = allFixtures();
let app: OpenedApp;
let served: Served;
let page: Page;
let pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  app = await openApp(fixtures[0]!, { viewport: { width: 1500, height: 950 }, consoleErrors: true });
  ({ served, page, pageErrors } = app);
}, 180_000);

afterAll(async () => {
  await app?.close();
});

type Hook = { view: { cy: unknown; deviceIds(): string[]; elements: { scene: { hidden: Record<string, string[]> } } } };

async function openFixture(file: string): Promise<void> {
  const before = await page.evaluate(() => document.querySelector('[data-testid=counts]')?.textContent ?? '');
  await page.setInputFiles('#file-input', join(REPO, file));
  await page.waitForFunction(
    ([name]) => (document.querySelector('#status')?.textContent ?? '').includes(`source:`) && (document.querySelector('#status')?.textContent ?? '').includes(name!),
    [file.split('/').pop()!],
    { timeout: 30_000 },
  );
  // The app's own render-complete signal (set after Cytoscape drew this load), not elapsed time.
  await page.waitForSelector('body[data-rendered=true]', { timeout: 60_000 });
  void before;
}

async function drawnDevices(): Promise<string[]> {
  return page.evaluate(() => {
    const t = (window as unknown as { __topolens: { view: { cy: { nodes(s: string): { map<T>(f: (n: { id(): string }) => T): T[] } } } } }).__topolens;
    return t.view.cy.nodes('node.device').map((n) => n.id());
  });
}

async function hidden(): Promise<Record<string, string[]>> {
  return page.evaluate(() => (window as unknown as { __topolens: Hook }).__topolens.view.elements.scene.hidden);
}

/** Put a node on screen at zoom 1 and click it like a user. */
async function clickNode(id: string): Promise<void> {
  const pos = await page.evaluate((nid) => {
    const cy = (window as unknown as { __topolens: { view: { cy: any } } }).__topolens.view.cy; // eslint-disable-line @typescript-eslint/no-explicit-any
    const n = cy.getElementById(nid);
    cy.zoom(1);
    cy.center(n);
    const p = n.renderedPosition();
    const r = document.getElementById('graph')!.getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, id);
  await page.mouse.click(pos.x, pos.y);
}

function pickDevice(t: Snapshot, drawn: Set<string>): PciDevice | undefined {
  const c = t.pci.devices.filter((d) => drawn.has(d.address));
  return c.find((d) => d.portKind === 'endpoint' && d.driver && d.numaNode !== null) ?? c.find((d) => d.driver) ?? c[0];
}

function svgOk(svg: string): { ok: boolean; texts: string } {
  const p = new SaxesParser({ xmlns: true });
  let root = '';
  let texts = '';
  let ok = true;
  p.on('error', () => {
    ok = false;
  });
  p.on('opentag', (tag) => {
    if (!root) root = `${tag.uri}|${tag.local}`;
  });
  p.on('text', (x) => (texts += `${x}\n`));
  p.write(svg).close();
  return { ok: ok && root === 'http://www.w3.org/2000/svg|svg', texts };
}

describe('topolens serve in Chromium: every fixture', () => {
  for (const file of fixtures) {
    it(`${file}`, async () => {
      const { topology: t } = await loadInput(join(REPO, file), { hostFacts: false });
      await openFixture(file);
      // 1. The graph shows exactly the model's devices; folded VFs are counted, not lost.
      const drawn = await drawnDevices();
      const hid = await hidden();
      expect(new Set(drawn).size).toBe(drawn.length);
      expect([...drawn, ...hid['collapsedVfs']!, ...hid['folded']!].sort()).toEqual(t.pci.devices.map((d) => d.address).sort());
      expect(hid['bridges']).toEqual([]);
      expect(hid['plain']).toEqual([]);
      expect(hid['filtered']).toEqual([]);
      if (hid['collapsedVfs']!.length) {
        const counted = await page.evaluate(() => document.querySelector('[data-testid=counts]')!.textContent);
        expect(counted).toContain(`${hid['collapsedVfs']!.length} VFs collapsed`);
      }
      // The canvas really painted something (Cytoscape's top layer is empty: check all).
      const painted = await page.evaluate(() =>
        [...document.querySelectorAll('#graph canvas')].some((c) => {
          const cv = c;
          const ctx = cv.getContext('2d');
          if (!ctx || !cv.width) return false;
          const d = ctx.getImageData(0, 0, cv.width, cv.height).data;
          for (let i = 3; i < d.length; i += 4 * 97) if (d[i]! > 0) return true;
          return false;
        }),
      );
      expect(painted).toBe(true);
      // 2. The header: AArch64 flagged prominently, with its core names.
      const arch = await page.locator('[data-testid=arch]').textContent();
      if (t.machine.arch === 'aarch64') {
        expect(arch).toMatch(/^AArch64/);
        expect(await page.locator('[data-testid=arch]').getAttribute('class')).toContain('arch-aarch64');
        const u = t.machine.cpus.find((c) => c.uarch)?.uarch;
        if (u) expect(arch).toContain(u);
      } else expect(arch).not.toMatch(/AArch64/);
      await page.screenshot({ path: join(SHOTS, `${fixtureSlug(file)}.png`) });
      if (drawn.length === 0) return;

      // 3. Click a device: details show its address, driver and NUMA node.
      const dev = pickDevice(t, new Set(drawn))!;
      await clickNode(dev.address);
      await expect.poll(() => page.locator('[data-testid=details-address]').textContent()).toBe(dev.address);
      // An input that records no drivers (hwloc XML, lspci without -k) says so instead of "unbound".
      expect(await page.locator('[data-testid=details-driver]').textContent()).toBe(dev.driver ?? (driversRecorded(t) ? 'none (unbound)' : `not recorded (${noDriversReason(t)})`));
      expect(await page.locator('[data-testid=details-numa]').textContent()).toBe(dev.numaNode === null ? 'unknown' : String(dev.numaNode));
      await page.screenshot({ path: join(SHOTS, `${fixtureSlug(file)}.selected.png`) });

      // 4. Search finds a netdev.
      const net = t.pci.devices.flatMap((d) => d.osDevices.filter((o) => o.kind === 'net').map((o) => ({ d, o })))[0];
      if (net) {
        await page.fill('[data-testid=search]', net.o.name);
        await expect.poll(() => page.locator('[data-testid=search-count]').textContent()).toMatch(/^[1-9]\d* match/);
        const hit = await page.evaluate(
          (a) => {
            const cy = (window as unknown as { __topolens: { view: { cy: any } } }).__topolens.view.cy; // eslint-disable-line @typescript-eslint/no-explicit-any
            return cy.nodes('.match').map((n: { id(): string; data(k: string): unknown }) => [n.id(), n.data('vfs')]).some(([id, vfs]: [string, string[] | undefined]) => id === a || (vfs ?? []).includes(a));
          },
          net.d.address,
        );
        expect(hit).toBe(true);
        await page.fill('[data-testid=search]', '');
      }

      // 5. A role filter hides the rest: only devices with the role, plus their path as context.
      const role = ['dpdk', 'spdk', 'rdma', 'cxl', 'gpu', 'nvme', 'dpdk-capable', 'sriov-pf', 'switch', 'root-port'].find((r) => t.pci.devices.some((d) => d.roles.includes(r)));
      if (role) {
        await page.selectOption('[data-testid=role-filter]', role);
        const f = await page.evaluate(() => {
          const cy = (window as unknown as { __topolens: { view: { cy: any } } }).__topolens.view.cy; // eslint-disable-line @typescript-eslint/no-explicit-any
          return cy.nodes('node.device').map((n: { id(): string; hasClass(c: string): boolean }) => [n.id(), n.hasClass('context')]) as Array<[string, boolean]>;
        });
        const fh = await hidden();
        const want = t.pci.devices.filter((d) => d.roles.includes(role)).map((d) => d.address);
        const shownWith = f.filter(([, ctx]) => !ctx).map(([a]) => a);
        expect([...shownWith, ...fh['collapsedVfs']!].sort()).toEqual(want.sort());
        // Context nodes are ancestors of matches only.
        for (const [a, ctx] of f) if (ctx) expect(t.pci.devices.find((d) => d.address === a)!.roles).not.toContain(role);
        expect(f.length + fh['filtered']!.length + fh['collapsedVfs']!.length).toBe(t.pci.devices.length);
        await page.selectOption('[data-testid=role-filter]', '');
      }

      // 6. SVG export (Export ▸ SVG, a browser download here): valid SVG with the device labels.
      const [download] = await Promise.all([page.waitForEvent('download'), page.selectOption('[data-testid=export]', 'svg')]);
      const svg = readFileSync((await download.path())!, 'utf8');
      const { ok, texts } = svgOk(svg);
      expect(ok).toBe(true);
      for (const a of drawn) expect(texts).toContain(a.startsWith('0000:') ? a.slice(5) : a);
    });
  }

  it('keyboard walks the tree, VFs expand on click, dark theme, PNG export', async () => {
    const file = 'fixtures/lab/x86-q35-sriov-nvme/capture.tar.gz';
    const { topology: t } = await loadInput(join(REPO, file), { hostFacts: false });
    await openFixture(file);
    const pf = t.pci.devices.find((d) => d.roles.includes('sriov-pf'))!;
    // Collapsed: a counter under the PF; a click on it draws the VFs.
    await clickNode(`vfs:${pf.address}`);
    await expect.poll(drawnDevices).toEqual(expect.arrayContaining(pf.sriov!.vfs as string[]));
    expect((await hidden())['collapsedVfs']).toEqual([]);
    // Arrow keys: left goes to the parent, right back down to the first child.
    await clickNode(pf.address);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.locator('[data-testid=details-address]').textContent()).toBe(pf.parent);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('[data-testid=details-address]').textContent()).toBe(pf.address);
    // Dark theme.
    await page.keyboard.press('t');
    expect(await page.evaluate(() => document.body.className)).toBe('theme-dark');
    await page.evaluate(() => window.__topolens.view.fit());
    await page.screenshot({ path: join(SHOTS, `${fixtureSlug(file)}.dark.png`) });
    // Interesting-only and plain-bridge toggles: fewer drawn, every device still accounted for.
    await page.check('#opt-interesting');
    await page.check('#opt-bridges');
    const h2 = await hidden();
    const d2 = await drawnDevices();
    expect(h2['plain']!.length).toBeGreaterThan(0);
    expect([...d2, ...h2['plain']!, ...h2['bridges']!, ...h2['collapsedVfs']!, ...h2['folded']!].sort()).toEqual(t.pci.devices.map((d) => d.address).sort());
    expect(await page.locator('[data-testid=counts]').textContent()).toContain('plain functions hidden');
    await page.uncheck('#opt-interesting');
    await page.uncheck('#opt-bridges');
    // PNG of the view as shown.
    const [download] = await Promise.all([page.waitForEvent('download'), page.selectOption('[data-testid=export]', 'png')]);
    const png = readFileSync((await download.path())!);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await page.keyboard.press('t');
  });

  it('opened every fixture without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('topolens serve: access control', () => {
  const raw = (path: string, headers: Record<string, string> = {}, method = 'GET', body?: Buffer): Promise<{ status: number; body: string; headers: Record<string, unknown> }> =>
    new Promise((res, rej) => {
      const r = request({ host: '127.0.0.1', port: served.port, path, method, headers }, (resp) => {
        let b = '';
        resp.on('data', (c: Buffer) => (b += c.toString()));
        resp.on('end', () => res({ status: resp.statusCode ?? 0, body: b, headers: resp.headers }));
      });
      r.on('error', rej);
      if (body) r.write(body);
      r.end();
    });
  const host = () => `127.0.0.1:${served.port}`;

  it('rejects requests without the token', async () => {
    expect((await raw('/', { Host: host() })).status).toBe(403);
    expect((await raw('/api/topology', { Host: host() })).status).toBe(403);
    expect((await raw('/api/topology?token=wrong', { Host: host() })).status).toBe(403);
  });
  it('accepts the token (URL, bearer) and trades the URL token for a cookie', async () => {
    const r = await raw(`/?token=${served.token}`, { Host: host() });
    expect(r.status).toBe(303);
    expect(String(r.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const api = await raw('/api/topology', { Host: host(), Authorization: `Bearer ${served.token}` });
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body).ok).toBe(true);
    expect(String(api.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(api.headers['access-control-allow-origin']).toBeUndefined();
  });
  it('rejects a foreign Host header even with the token (DNS rebinding)', async () => {
    expect((await raw(`/?token=${served.token}`, { Host: `evil.example:${served.port}` })).status).toBe(403);
    expect((await raw('/api/topology', { Host: 'evil.example', Authorization: `Bearer ${served.token}` })).status).toBe(403);
  });
  it('refuses cross-site style POSTs and oversized bodies, and stays inside the renderer folder', async () => {
    const auth = { Host: host(), Authorization: `Bearer ${served.token}` };
    expect((await raw('/api/reload', auth, 'POST')).status).toBe(403); // no X-Topolens header
    const reload = await raw('/api/reload', { ...auth, 'X-Topolens': '1' }, 'POST');
    expect(reload.status).toBe(200);
    expect(JSON.parse(reload.body).ok).toBe(true);
    // Declares 200 MB (over the 64 MB limit) and sends a little: refused at once, unread.
    const big = await new Promise<string>((res, rej) => {
      const sock = connect(served.port, '127.0.0.1', () => {
        sock.write(`POST /api/open HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${served.token}\r\nX-Topolens: 1\r\nX-Filename: x.txt\r\nContent-Length: ${200 * 1024 * 1024}\r\n\r\n`);
        sock.write(Buffer.alloc(4096));
      });
      let got = '';
      sock.on('data', (b) => (got += b.toString()));
      sock.on('close', () => res(got));
      sock.on('error', rej);
      setTimeout(() => sock.destroy(), 10_000);
    });
    expect(big).toMatch(/^HTTP\/1\.1 413/);
    expect((await raw('/../package.json', auth)).status).toBe(404);
    expect((await raw('/%2e%2e/package.json', auth)).status).toBe(404);
  });
});
