#!/usr/bin/env node
// The `topolens` command. Runs the CLI bundle out/cli/topolens.cjs, which `npm run build`
// makes (npm's prepare runs it on `npm ci`, and `npm pack` ships it). In a repository
// checkout only — TypeScript sources and esbuild present — a bundle that is missing or
// older than a file it was built from is rebuilt first, so edits show up at once; an
// installed package never builds anything. bin/topolens.mjs is a thin ESM door to this
// file, for `node bin/topolens.mjs`.
//
// CommonJS on purpose: an ES module entry makes Node set up its ESM loader (resolve,
// load, module jobs, an async read of the file, fs/promises...) before any of our code
// runs, ≈ 10–15 ms of CPU on this machine; a .cjs entry goes through the CommonJS loader
// that a bare `node` start has already set up.
//
// The bundle is compiled through vm.Script with a V8 code cache kept beside it
// (topolens.cjs.cache): Node 20 has no module.enableCompileCache(), and compiling the
// bundle is a visible share of a short run. A missing, stale or unwritable cache only
// costs the compile; V8 rejects a cache that does not match the source or the flags.
//
// Builtins come from process.getBuiltinModule (Node >= 20.16) or require.
const builtin = process.getBuiltinModule ?? require;
const { existsSync, readFileSync, renameSync, statSync, writeFileSync } = builtin('node:fs');
const { createRequire } = builtin('node:module');
const { dirname, join } = builtin('node:path');
const { pathToFileURL } = builtin('node:url');
const { Script } = builtin('node:vm');

const repo = join(__dirname, '..');
const bundle = join(repo, 'out', 'cli', 'topolens.cjs');
const cacheFile = `${bundle}.cache`;

// Stale when a file the bundle was built from (its esbuild inputs and the build script,
// listed in topolens.cjs.inputs) is newer than it or gone: one stat per input, no walk of
// the source tree. A bundle without the list predates it and is rebuilt once.
function stale() {
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return true;
  }
  if (!existsSync(join(repo, 'electron'))) return false; // installed package: sources not shipped
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(`${bundle}.inputs`, 'utf8'));
  } catch {
    return true;
  }
  for (const f of inputs) {
    const st = statSync(join(repo, f), { throwIfNoEntry: false });
    if (!st || st.mtimeMs > built) return true;
  }
  return false;
}


/**
 * The code path a command line takes, roughly: command, format, kind of input. The code
 * cache holds the functions compiled by the runs that wrote it, so it is rewritten
 * (union of the old one and this run's functions) the first time a path is seen;
 * otherwise `--help` (what a first run often is) would leave `export DIR` compiling
 * its functions on every run (≈ 15 ms here).
 */
function pathKey(args) {
  const [cmd = '', ...rest] = args;
  let format = '';
  let input = 'live';
  for (let i = 0; i < rest.length; i += 1) {
    const a = rest[i];
    if (a === '--format' || a === '-f') format = rest[(i += 1)] ?? '';
    else if (a.startsWith('--format=')) format = a.slice(9);
    else if (a === '-o' || a === '--output' || a === '--port' || a === '--host') i += 1;
    else if (!a.startsWith('-')) input = a === 'live' ? a : (/\.(tar\.gz|tar\.bz2|tgz|json|xml|txt)$/i.exec(a)?.[1].toLowerCase() ?? 'path');
  }
  return `${cmd}:${format}:${input}`.replace(/[^\w.:-]/g, '_');
}

// Cache file: "TLCC1 key,key,...\n" then V8's code cache data.
const CACHE_MAGIC = 'TLCC1 ';
const MAX_KEYS = 32;

function readCache() {
  try {
    const raw = readFileSync(cacheFile);
    const nl = raw.indexOf(10);
    if (nl < 0 || raw.toString('latin1', 0, CACHE_MAGIC.length) !== CACHE_MAGIC) return { keys: [], data: undefined };
    return { keys: raw.toString('latin1', CACHE_MAGIC.length, nl).split(',').filter(Boolean), data: raw.subarray(nl + 1) };
  } catch {
    return { keys: [], data: undefined };
  }
}

function loadBundle(args) {
  const source = readFileSync(bundle, 'utf8');
  const cache = readCache();
  const wrapper = `(function (exports, require, module, __filename, __dirname, __topolens_import) {${source}\n})`;
  const script = new Script(wrapper, {
    filename: bundle,
    cachedData: cache.data,
  });
  const usable = cache.data !== undefined && !script.cachedDataRejected;
  if (process.env.TOPOLENS_DEBUG_CODE_CACHE) process.stderr.write(`code cache: ${cache.data === undefined ? 'none' : usable ? 'used' : 'rejected'}\n`);
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle), (spec) => import(spec));
  const key = pathKey(args);
  if (!usable || (!cache.keys.includes(key) && cache.keys.length < MAX_KEYS)) {
    // Written at exit, when the functions this run needed have been compiled too.
    const keys = usable ? [...cache.keys, key] : [key];
    process.once('exit', () => {
      try {
        const tmp = `${cacheFile}.${process.pid}`;
        writeFileSync(tmp, Buffer.concat([Buffer.from(`${CACHE_MAGIC}${keys.join(',')}\n`, 'latin1'), script.createCachedData()]));
        renameSync(tmp, cacheFile);
      } catch {
        // read-only install: run without a cache
      }
    });
  }
  return mod.exports;
}

/** Rebuild a stale bundle in a checkout; in an installed package say what is missing. */
async function rebuild() {
  const script = join(repo, 'scripts', 'build-cli.mjs');
  if (!existsSync(join(repo, 'electron')) || !existsSync(script)) {
    throw new Error(`the CLI bundle ${bundle} is missing from this installation (reinstall topolens, or run npm run build in a checkout)`);
  }
  try {
    const { buildCli } = await import(pathToFileURL(script).href);
    await buildCli();
  } catch (e) {
    if (e?.code === 'ERR_MODULE_NOT_FOUND') throw new Error(`the CLI bundle is out of date and esbuild is not installed to rebuild it (${e.message.split('\n')[0]}): run npm ci, then npm run build`);
    throw e;
  }
}

async function main() {
  if (stale()) await rebuild();
  const args = process.argv.slice(2);
  const { run } = loadBundle(args);
  process.exitCode = await run(args);
}

main().catch((e) => {
  if (/^the CLI bundle/.test(e?.message)) process.stderr.write(`topolens: ${e.message}\n`);
  else process.stderr.write(`topolens: internal error: ${e?.stack ?? e}\n`);
  process.exitCode = 1;
});
