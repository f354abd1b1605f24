// Shared by the browser e2e tests and the benchmark: which fixtures exist, how to
// launch Debian's Chromium headless, and how to start `topolens serve` as a child.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureRenderer } from '../../scripts/ensure-renderer.mjs';

export const REPO = join(__dirname, '..', '..');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const CHROMIUM = process.env['TOPOLENS_CHROMIUM'] ?? '/usr/bin/chromium';

/** Every fixture the app should open: hwloc sysfs archives, hwloc XML, lspci text, lab captures. */
export function allFixtures(): string[] {
  const list = (dir: string, re: RegExp) => (existsSync(join(REPO, dir)) ? readdirSync(join(REPO, dir)).filter((f) => re.test(f)).sort().map((f) => join(dir, f)) : []);
  const lab = existsSync(join(REPO, 'fixtures/lab'))
    ? readdirSync(join(REPO, 'fixtures/lab')).sort().filter((d) => existsSync(join(REPO, 'fixtures/lab', d, 'capture.tar.gz'))).map((d) => `fixtures/lab/${d}/capture.tar.gz`)
    : [];
  return [...list('fixtures/hwloc/linux', /\.tar\.bz2$/), ...list('fixtures/hwloc/xml', /\.xml$/), ...list('fixtures/lspci', /\.txt$/), ...lab];
}

/** A file-system-safe name for a fixture's screenshot. */
export function fixtureSlug(f: string): string {
  return f.replace(/^fixtures\//, '').replace(/\/capture\.tar\.gz$/, '').replace(/\.(tar\.bz2|xml|txt)$/, '').replace(/[^A-Za-z0-9+.-]+/g, '_');
}

export interface Served {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly port: number;
  readonly child: ChildProcess;
  readonly output: () => string;
  stop(): Promise<void>;
}

/**
 * Start `node bin/topolens.mjs serve INPUT --port 0` and wait for the URL it prints.
 * serve only serves the built UI: a stale or missing out/renderer is rebuilt first
 * (tests only; the product builds it with npm run build).
 */
export async function startServeProcess(input: string, extra: string[] = []): Promise<Served> {
  await ensureRenderer(REPO);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin/topolens.mjs'), 'serve', input, '--port', '0', ...extra], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in time:\n${out}`)), 170_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+))/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.on('data', (x: Buffer) => (out += x.toString()));
        resolve({
          url: m[1]!,
          origin: `http://127.0.0.1:${m[2]}`,
          port: Number(m[2]),
          token: m[3]!,
          child,
          output: () => out,
          stop: () =>
            new Promise((r) => {
              if (child.exitCode !== null) return r();
              child.once('exit', () => r());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
}

/** A served input opened in headless Chromium: the page, what it reported as errors, and one close. */
export interface OpenedApp {
  readonly served: Served;
  readonly browser: Browser;
  readonly page: Page;
  /** Uncaught page errors (and console errors when asked for), in order. */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

export interface OpenAppOptions {
  readonly viewport?: { readonly width: number; readonly height: number };
  /** The app's own signal to wait for: data-ready (the page is up) or data-rendered (the topology is drawn). */
  readonly waitFor?: 'ready' | 'rendered';
  /** Count console errors (favicon misses aside) as page errors too. */
  readonly consoleErrors?: boolean;
}

/** Serve INPUT and open it in a fresh headless Chromium page, waiting on the app's own signal. */
export async function openApp(input: string, opts: OpenAppOptions = {}): Promise<OpenedApp> {
  const served = await startServeProcess(input);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const ctx = await browser.newContext({ viewport: opts.viewport ?? { width: 1600, height: 1000 } });
  const page = await ctx.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  if (opts.consoleErrors) page.on('console', (m) => (m.type() === 'error' && !/favicon/.test(m.text()) ? pageErrors.push(m.text()) : undefined));
  await page.goto(served.url);
  await page.waitForSelector(opts.waitFor === 'rendered' ? 'body[data-rendered=true]' : 'body[data-ready=true]');
  return {
    served,
    browser,
    page,
    pageErrors,
    close: async () => {
      await browser.close();
      await served.stop();
    },
  };
}
