// `topolens serve` with several browser tabs (issue 16 item 9): each tab has its own
// opened topology, a new tab and every Reload of an untouched tab show the served INPUT,
// "Back to INPUT" returns to it, and view options do not carry over to another file.
// Chromium tabs share the token cookie (one browser context) but not sessionStorage,
// where the page keeps its session id. Waits on the page's own signals only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, REPO, startServeProcess, type Served } from './fixtures';

// Callbacks passed to page.evaluate run in the browser; this (node) project has no DOM types.
declare const document: { querySelector(s: string): { textContent: string | null; hidden?: boolean; checked?: boolean } | null };
declare const window: unknown;

const INPUT = 'fixtures/hwloc/linux/2pa-pcidomain32bits.tar.bz2';
const OTHER = 'fixtures/hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2';
let served: Served;
let browser: Browser;
let ctx: BrowserContext;

beforeAll(async () => {
  served = await startServeProcess(INPUT);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

async function ready(p: Page): Promise<void> {
  await p.waitForSelector('body[data-ready=true]');
}
/** Wait until the footer names `source` as what is shown (the app's own status line). */
async function shows(p: Page, source: string): Promise<void> {
  await p.waitForFunction((s) => (document.querySelector('#status')?.textContent ?? '').includes(` ${s}`), source, { timeout: 60_000 });
}
const statusText = (p: Page) => p.evaluate(() => document.querySelector('#status')?.textContent ?? '');
const backHidden = (p: Page) => p.evaluate(() => document.querySelector('#btn-initial')?.hidden ?? null);

describe('serve: each browser tab has its own topology', () => {
  let a: Page;
  let b: Page;
  it('a tab opens another file; a new tab still shows the served INPUT', async () => {
    a = await ctx.newPage();
    await a.goto(served.url);
    await ready(a);
    await shows(a, INPUT);
    expect(await backHidden(a)).toBe(true);
    // An option set for INPUT...
    await a.check('#opt-interesting');
    await a.setInputFiles('#file-input', join(REPO, OTHER));
    await shows(a, OTHER.split('/').pop()!);
    // ...does not carry over to the other file.
    expect(await a.isChecked('#opt-interesting')).toBe(false);
    expect(await a.evaluate(() => (window as unknown as { __topolens: { state: { opts: { interestingOnly: boolean } } } }).__topolens.state.opts.interestingOnly)).toBe(false);
    expect(await backHidden(a)).toBe(false);

    b = await ctx.newPage();
    await b.goto(`${served.origin}/`); // the cookie from tab A's visit is enough
    await ready(b);
    await shows(b, INPUT);
    expect(await statusText(b)).not.toContain(OTHER.split('/').pop()!);
    expect(await backHidden(b)).toBe(true);
  });

  it('reloading each tab keeps what that tab had open', async () => {
    await a.reload();
    await ready(a);
    await shows(a, OTHER.split('/').pop()!);
    await b.reload();
    await ready(b);
    await shows(b, INPUT);
    // The app's own Reload in tab B re-reads INPUT and leaves tab A alone.
    await b.click('#btn-reload');
    await shows(b, INPUT);
    await a.reload();
    await ready(a);
    await shows(a, OTHER.split('/').pop()!);
  });

  it('"Back to INPUT" returns a tab to the served INPUT; other tabs are unchanged', async () => {
    await b.setInputFiles('#file-input', join(REPO, OTHER));
    await shows(b, OTHER.split('/').pop()!);
    await a.click('#btn-initial');
    await shows(a, INPUT);
    expect(await backHidden(a)).toBe(true);
    await b.reload();
    await ready(b);
    await shows(b, OTHER.split('/').pop()!);
  });
});

describe('serve: sessions over HTTP', () => {
  const api = async (path: string, session: string | null, method = 'GET', body?: Uint8Array, headers: Record<string, string> = {}) => {
    const r = await fetch(`${served.origin}${path}`, {
      method,
      body,
      headers: { Authorization: `Bearer ${served.token}`, ...(session ? { 'X-Topolens-Session': session } : {}), ...(method === 'POST' ? { 'X-Topolens': '1' } : {}), ...headers },
    });
    return { status: r.status, json: r.status === 200 ? ((await r.json()) as { ok: boolean; value: { input: string; initial?: boolean; snapshot: { pci: { devices: unknown[] } } }; error?: string }) : null, text: r.status === 200 ? '' : await r.text() };
  };
  const s1 = 'a'.repeat(32);
  const s2 = 'b'.repeat(32);

  it('open in one session, parse in another: only the first changes', async () => {
    const bytes = readFileSync(join(REPO, OTHER));
    const opened = await api('/api/open', s1, 'POST', bytes, { 'X-Filename': encodeURIComponent('other 1.tar.bz2') });
    expect(opened.json?.value).toMatchObject({ input: 'other 1.tar.bz2', initial: false });
    const parsed = await api('/api/parse', s2, 'POST', bytes, { 'X-Filename': 'x.tar.bz2' });
    expect(parsed.json?.value.input).toBe('x.tar.bz2');
    expect(parsed.json?.value.snapshot.pci.devices).toHaveLength(opened.json!.value.snapshot.pci.devices.length);
    expect((await api('/api/topology', s1)).json?.value.input).toBe('other 1.tar.bz2');
    expect((await api('/api/topology', s2)).json?.value).toMatchObject({ input: INPUT, initial: true });
    expect((await api('/api/topology', null)).json?.value).toMatchObject({ input: INPUT, initial: true });
    expect((await api('/api/open-initial', s1, 'POST')).json?.value).toMatchObject({ input: INPUT, initial: true });
  });
  it('unusable bytes answer {ok:false} naming the file as the user named it', async () => {
    const r = await api('/api/parse', s2, 'POST', new Uint8Array(4000).fill(0), { 'X-Filename': 'broken.tar.gz' });
    expect(r.json).toMatchObject({ ok: false });
    expect(r.json!.error).toMatch(/^broken\.tar\.gz: /);
    expect(r.json!.error).not.toMatch(/topolens-drop-|\/tmp\//);
  });
  it('a malformed session id or file name is a 400, before the body is used', async () => {
    expect((await api('/api/topology', 'short')).status).toBe(400);
    expect((await api('/api/open', s1, 'POST', new Uint8Array([1]), { 'X-Filename': '..%2Fetc' })).status).toBe(400);
  });
});
