// Where `topolens serve` finds the app's built UI: out/renderer of the package it runs
// from (a repository checkout or an installed package). It never builds anything: the
// renderer is built by `npm run build` (npm's prepare) and shipped in the package.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../topology/errors';
import { rendererOutdated } from './renderer-freshness.mjs';

/** The repository (or installed package) root: the nearest folder above `from` with topolens's package.json. */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let i = 0; i < 8; i += 1) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      try {
        if ((JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === 'topolens') return dir;
      } catch {
        /* not ours */
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return process.cwd();
}

/** The built UI folder; a checkout whose renderer sources are newer gets a note (not a build). */
export function rendererDir(root: string, note: (line: string) => void = () => {}): string {
  const dir = join(root, 'out', 'renderer');
  const index = join(dir, 'index.html');
  if (!existsSync(index)) throw new InputError("the app's UI is not built (no out/renderer/index.html): run npm run build", dir);
  if (rendererOutdated(root, index)) {
    note('topolens: note: out/renderer is older than its sources — serving it anyway; npm run build brings it up to date');
  }
  return dir;
}
