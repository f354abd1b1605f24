// Bundles the CLI (electron/cli/entry.ts and the engine) into out/cli/topolens.mjs with
// esbuild: one file, no TypeScript at run time, dependencies left external.
import { build } from 'esbuild';
import { mkdirSync, cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function buildCli() {
  const outdir = join(repo, 'out', 'cli');
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { topolens: join(repo, 'electron', 'cli', 'main.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    chunkNames: 'chunks/[name]-[hash]',
  });
  cpSync(join(repo, 'electron', 'topology', 'data'), join(outdir, 'data'), { recursive: true });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildCli();
