// Bundles bench/lib/engine-entry.ts (the engine, no TypeScript at run time) into
// out/bench/engine.mjs and returns its path; benchmarks import it in-process.
import { build } from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outdir = join(repo, 'out', 'bench');

export async function buildEngine() {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { engine: join(repo, 'bench', 'lib', 'engine-entry.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  cpSync(join(repo, 'electron', 'topology', 'data'), join(outdir, 'data'), { recursive: true });
  return pathToFileURL(join(outdir, 'engine.mjs')).href;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await buildEngine());
