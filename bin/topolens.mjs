#!/usr/bin/env node
// Entry point of the `topolens` command. Runs the CLI bundle out/cli/topolens.mjs,
// building it from the TypeScript sources with esbuild when it is missing or older
// than a source file (so `node bin/topolens.mjs` works right after `npm ci`).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(repo, 'out', 'cli', 'topolens.mjs');
const srcDirs = [join(repo, 'electron', 'cli'), join(repo, 'electron', 'topology')];

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function stale() {
  if (!existsSync(bundle)) return true;
  if (!srcDirs.every((d) => existsSync(d))) return false; // installed package: sources not shipped
  const built = statSync(bundle).mtimeMs;
  return srcDirs.some((d) => newestSource(d) > built);
}

if (stale()) {
  const { buildCli } = await import(pathToFileURL(join(repo, 'scripts', 'build-cli.mjs')).href);
  await buildCli();
}
const { run } = await import(pathToFileURL(bundle).href);
process.exitCode = await run(process.argv.slice(2));
