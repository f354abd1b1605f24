// Whether out/renderer is older than what it is built from: the one rule behind serve's
// note (package-root.ts) and the dev/test build (scripts/ensure-renderer.mjs). Plain
// JavaScript so that script runs it without a build. It reads mtimes only; it builds
// nothing.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest mtime (ms) below `path`; 0 when it does not exist. */
export function newestMtime(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const e of readdirSync(path)) m = Math.max(m, newestMtime(join(path, e)));
  return m;
}

/**
 * Sources the renderer bundle is built from: renderer/ and the engine modules it imports,
 * directly or not (checked against the bundle's inputs when written: view, export,
 * compare, answers, cpulist, drivers, the model and the IPC contract). An installed
 * package has none of them.
 */
export function rendererSources(root) {
  const t = join(root, 'electron', 'topology');
  return [
    join(root, 'renderer'),
    ...['view', 'export', 'compare', 'answers', join('parse', 'cpulist.ts'), 'drivers.ts', 'model.ts'].map((p) => join(t, p)),
    join(root, 'electron', 'ipc.ts'),
  ];
}

/** True when some source of the renderer is newer than the built `index` (false when `index` is missing: the caller says so). */
export function rendererOutdated(root, index) {
  let built;
  try {
    built = statSync(index).mtimeMs;
  } catch {
    return false;
  }
  return rendererSources(root).some((s) => newestMtime(s) > built);
}
