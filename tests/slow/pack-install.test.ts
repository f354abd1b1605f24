// The package as a user gets it: `npm pack` (which runs prepare = npm run build), then
// the tarball installed with production dependencies only, in a scratch folder, and
// `topolens show/export/capture/serve` run from there against real captures. The
// installed CLI must give what the checkout's CLI gives, and must never need a build
// tool (no esbuild, vite, electron or typescript is installed).
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = join(__dirname, '../..');
const FX = join(REPO, 'fixtures/hwloc/linux/2pa-pcidomain32bits.tar.bz2');
const ROOTED = join(REPO, 'fixtures/hwloc/linux/40intel64-2g2n4c+pcilocality.tar.bz2');
let work: string;
let tgz: string;
let bin: string;

function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd ?? work, env: { ...process.env, ...opts.env }, timeout: 300_000, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
}
const ok = (r: SpawnSyncReturns<string>) => {
  expect(r.status, `${r.stderr}`).toBe(0);
  return r.stdout;
};
/** Snapshot JSON without the moment it was made. */
const snap = (json: string) => {
  const { capturedAt: _c, ...rest } = JSON.parse(json) as Record<string, unknown>;
  return rest;
};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'topolens-pack-'));
  const packed = ok(run('npm', ['pack', '--json', '--pack-destination', work], { cwd: REPO }));
  const info = JSON.parse(packed.slice(packed.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tgz = join(work, info[0]!.filename);
  writeFileSync(join(work, 'files.json'), JSON.stringify(info[0]!.files.map((f) => f.path)));
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{"name":"topolens-install-check","private":true}\n');
  ok(run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', tgz], { cwd: app }));
  bin = join(app, 'node_modules/.bin/topolens');
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack, then install with production dependencies only', () => {
  it('ships the built app, UI and CLI, and no sources, tests or fixtures', async () => {
    const { readFileSync } = await import('node:fs');
    const files = JSON.parse(readFileSync(join(work, 'files.json'), 'utf8')) as string[];
    for (const f of ['bin/topolens.cjs', 'out/cli/topolens.cjs', 'out/cli/data/pci.ids.gz', 'out/renderer/index.html', 'out/main/index.js', 'out/preload/index.cjs', 'package.json', 'README.md']) expect(files, f).toContain(f);
    expect(files.filter((f) => /^(electron|renderer|tests|fixtures|scripts|bench)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.cache') || f.endsWith('.inputs'))).toEqual([]);
    const installed = readdirSync(join(work, 'app/node_modules'));
    // Build tools, and what only the build needs (cytoscape is bundled into out/renderer).
    for (const tool of ['esbuild', 'vite', 'electron', 'electron-vite', 'typescript', 'vitest', 'tsx', 'cytoscape']) expect(installed, tool).not.toContain(tool);
  });
  it('show and export give what the checkout gives', () => {
    expect(ok(run(bin, ['show', FX]))).toBe(ok(run(process.execPath, [join(REPO, 'bin/topolens.cjs'), 'show', FX])));
    expect(snap(ok(run(bin, ['export', FX, '--format', 'json'])))).toEqual(snap(ok(run(process.execPath, [join(REPO, 'bin/topolens.cjs'), 'export', FX, '--format', 'json']))));
    expect(ok(run(bin, ['export', FX, '--format', 'svg']))).toMatch(/^<\?xml[^>]*>\s*<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const bad = run(bin, ['show', join(work, 'missing.tar.gz')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^topolens: .*missing\.tar\.gz: no such file or folder\n$/);
  });
  it('capture of a sysfs root (TOPOLENS_FS_ROOT) opens to the same devices as the original capture', () => {
    const root = join(work, 'root');
    mkdirSync(root);
    ok(run('tar', ['-xjf', ROOTED, '-C', root]));
    const top = readdirSync(root)[0]!;
    const cap = join(work, 'cap.tar.gz');
    ok(run(bin, ['capture', '-o', cap], { env: { TOPOLENS_FS_ROOT: join(root, top) } }));
    expect(existsSync(cap)).toBe(true);
    const a = JSON.parse(ok(run(bin, ['export', cap]))) as { pci: { devices: unknown[] }; numaNodes: unknown[] };
    const b = JSON.parse(ok(run(bin, ['export', ROOTED]))) as typeof a;
    expect(a.pci.devices).toEqual(b.pci.devices);
    expect(a.numaNodes).toEqual(b.numaNodes);
  });
  it('serve serves the shipped UI and the API', async () => {
    const child = spawn(bin, ['serve', FX, '--port', '0'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((res, rej) => {
        let out = '';
        const t = setTimeout(() => rej(new Error(`no URL: ${out}`)), 60_000);
        const on = (b: Buffer) => {
          out += b.toString();
          const m = /at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
          if (m) {
            clearTimeout(t);
            res(m[1]!);
          }
        };
        child.stdout.on('data', on);
        child.stderr.on('data', on);
        child.once('exit', (c) => rej(new Error(`serve exited ${c}: ${out}`)));
      });
      const u = new URL(url);
      const auth = { Authorization: `Bearer ${u.searchParams.get('token')}` };
      const page = await fetch(`${u.origin}/`, { headers: auth });
      expect(page.status).toBe(200);
      const html = await page.text();
      const script = /src="\.?\/?(assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeTruthy();
      expect((await fetch(`${u.origin}/${script}`, { headers: auth })).status).toBe(200);
      const api = (await (await fetch(`${u.origin}/api/topology`, { headers: auth })).json()) as { ok: boolean; value: { snapshot: { source: { name: string } } } };
      expect(api.ok).toBe(true);
      expect(api.value.snapshot.source.name).toBe('2pa-pcidomain32bits.tar.bz2');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
