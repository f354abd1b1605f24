#!/usr/bin/env node
// Entry point of the `topolens` command. Runs the CLI bundle out/cli/topolens.cjs,
// building it from the TypeScript sources with esbuild when it is missing or older
// than a source file (so `node bin/topolens.mjs` works right after `npm ci`).
// The bundle is compiled through vm.Script with a V8 code cache kept beside it
// (topolens.cjs.cache): Node 20 has no module.enableCompileCache(), and compiling the
// bundle is a visible share of a short run. A missing, stale or unwritable cache only
// costs the compile; V8 rejects a cache that does not match the source.
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(repo, 'out', 'cli', 'topolens.cjs');
const cacheFile = `${bundle}.cache`;
const srcDirs = [join(repo, 'electron', 'cli'), join(repo, 'electron', 'topology')];

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') || e.name.endsWith('.json')) newest = Math.max(newest, statSync(p).mtimeMs);
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

function loadBundle() {
  const source = readFileSync(bundle, 'utf8');
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname, __topolens_import) {${source}\n})`;
  const script = new Script(wrapper, {
    filename: bundle,
    cachedData,
  });
  if (process.env.TOPOLENS_DEBUG_CODE_CACHE) process.stderr.write(`code cache: ${cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used'}\n`);
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle), (spec) => import(spec));
  if (cachedData === undefined || script.cachedDataRejected) {
    // Written at exit, when the functions this run needed have been compiled too.
    process.once('exit', () => {
      try {
        const tmp = `${cacheFile}.${process.pid}`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // read-only install: run without a cache
      }
    });
  }
  return mod.exports;
}

const { run } = loadBundle();
process.exitCode = await run(process.argv.slice(2));
