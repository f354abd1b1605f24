// For tests and development only: make sure out/renderer holds a build of the renderer
// that is not older than its sources, building it with vite when it is (concurrent
// callers — parallel test files — wait for one build behind a lock). The product never
// runs this: `npm run build` (npm's prepare) builds out/renderer, and `topolens serve`
// only serves it.
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rendererOutdated } from '../electron/cli/serve/renderer-freshness.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

async function acquire(lock) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch {
      // Another process builds; a lock older than 3 minutes is from a crash.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for another renderer build (${lock})`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function buildInto(root, tmp) {
  const vite = await import('vite');
  await vite.build({
    configFile: false,
    root: join(root, 'renderer'),
    base: './',
    logLevel: 'warn',
    build: { outDir: tmp, emptyOutDir: true, chunkSizeWarningLimit: 2048, rolldownOptions: { input: join(root, 'renderer', 'index.html') } },
  });
}

/** Returns { dir, built }. */
export async function ensureRenderer(root = repo, log = () => {}) {
  const dir = join(root, 'out', 'renderer');
  const index = join(dir, 'index.html');
  const fresh = () => existsSync(index) && !rendererOutdated(root, index);
  if (fresh()) return { dir, built: false };
  const lock = join(root, 'out', '.renderer-build.lock');
  mkdirSync(join(root, 'out'), { recursive: true });
  await acquire(lock);
  try {
    if (fresh()) return { dir, built: false };
    log('building the renderer (out/renderer is missing or older than its sources)…');
    const tmp = join(root, 'out', `.renderer-${process.pid}-${randomBytes(3).toString('hex')}`);
    await buildInto(root, tmp);
    const old = `${dir}.old-${process.pid}`;
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(tmp, dir);
    rmSync(old, { recursive: true, force: true });
    return { dir, built: true };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await ensureRenderer(repo, (l) => console.error(l));
