// Bundles the CLI (electron/cli/main.ts and the engine) into one CommonJS file,
// out/cli/topolens.cjs, with esbuild: no TypeScript and no chunk loader at run time,
// dependencies left external. CommonJS rather than ESM because esbuild then turns each
// lazy `import()` into a deferred `require()`, so heavy modules (ajv, saxes,
// systeminformation, the lspci parser...) load only on the paths that need them,
// while ESM output would hoist their imports to the top of the file and load them on
// every run. bin/topolens.cjs runs the bundle with a V8 code cache.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The compact pci.ids index (electron/topology/parse/pci-ids.ts) for the pci.ids.gz the
 * bundle ships, so a run reads the few entries it needs instead of inflating and
 * indexing 1.3 MB of text. Built by the engine's own text index, from the same file;
 * the loader uses it only beside a pci.ids.gz of the size it records. Null when the
 * database has ids the index cannot hold (the text path is then used).
 */
export async function compactPciIds(gzFile) {
  const gen = await build({
    stdin: { contents: "export { buildCompactPciIds } from './electron/topology/parse/pci-ids';", resolveDir: repo, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'warning',
  });
  const { buildCompactPciIds } = await import(`data:text/javascript;base64,${Buffer.from(gen.outputFiles[0].contents).toString('base64')}`);
  const gz = readFileSync(gzFile);
  return buildCompactPciIds(gunzipSync(gz).toString('utf8'), gz.length);
}

/**
 * Builtins that a plain `node` has not loaded by the time the bundle runs. esbuild's
 * CommonJS output requires a module's imports when the module initialises, and the
 * engine's modules initialise together (load.ts imports the archive reader, host facts,
 * ...), so `export DIR` would load child_process (with net, dgram, streams) and zlib
 * without calling them: ≈ 10–15 ms here. In the bundle these become a proxy that
 * requires the builtin on first property access. Named imports compile to property
 * reads at the call site (`(0, import_node_zlib.gunzipSync)(...)`), and the
 * `__toESM(require(...), 1)` namespace form gets `default` = the module itself.
 */
const LAZY = new Set(['node:child_process', 'node:zlib', 'node:os', 'node:crypto', 'node:http', 'node:https', 'node:net', 'node:module', 'node:worker_threads', 'node:v8', 'node:vm', 'node:stream', 'node:readline']);

export async function buildCli() {
  const final = join(repo, 'out', 'cli');
  // Build beside the old bundle and rename file by file, so a CLI started meanwhile
  // (tests run in parallel) never reads half a bundle.
  const outdir = `${final}.tmp-${process.pid}`;
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const { metafile } = await build({
    absWorkingDir: repo,
    metafile: true,
    entryPoints: { topolens: join(repo, 'electron', 'cli', 'main.ts') },
    outdir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    // Whitespace and syntax only: names stay, so stack traces still name functions
    // (positions through topolens.cjs.map). 276 → 195 KB and no non-ASCII comment
    // (which made V8 hold the whole source as a two-byte string): reading the bundle and
    // consuming its code cache ≈ 22 → 13 ms per run here.
    minifyWhitespace: true,
    minifySyntax: true,
    // import.meta does not exist in CommonJS: give the modules that locate files
    // beside themselves (pci.ids, the renderer) the bundle's own URL.
    define: { 'import.meta.url': '__topolens_bundle_url' },
    banner: {
      js: [
        'var __topolens_bundle_url = require("node:url").pathToFileURL(__filename).href;',
        // bin/topolens.cjs passes an ESM import function: code compiled with vm.Script
        // cannot call import() itself without an experimental flag.
        'if (typeof __topolens_import !== "function") var __topolens_import = (s) => import(s);',
        // Builtins Node has not loaded at start-up are required on first use (see LAZY).
        'var __topolens_lazy = (id, ns) => { let m; const get = () => (m ??= require(id));',
        '  return new Proxy({}, { get: (_, k) => (ns && k === "default" ? get() : get()[k]), has: (_, k) => k in get() }); };',
      ].join('\n'),
    },
  });
  // ESM-only packages (systeminformation, vite) stay import(): route those through it.
  const file = join(outdir, 'topolens.cjs');
  const code = readFileSync(file, 'utf8');
  const banner = code.indexOf('\n', code.indexOf('__topolens_import') ) + 1;
  const body = code
    .slice(banner)
    .replace(/\bimport\((?=["'])/g, '__topolens_import(')
    .replace(/__toESM\(require\("(node:[a-z_]+)"\),\s*1\)/g, (m, id) => (LAZY.has(id) ? `__topolens_lazy("${id}", true)` : m))
    .replace(/\brequire\("(node:[a-z_]+)"\)/g, (m, id) => (LAZY.has(id) ? `__topolens_lazy("${id}")` : m));
  writeFileSync(file, code.slice(0, banner) + body);
  cpSync(join(repo, 'electron', 'topology', 'data'), join(outdir, 'data'), { recursive: true });
  const idx = await compactPciIds(join(outdir, 'data', 'pci.ids.gz'));
  if (idx) writeFileSync(join(outdir, 'data', 'pci.ids.idx'), idx);
  else rmSync(join(final, 'data', 'pci.ids.idx'), { force: true });
  mkdirSync(join(final, 'data'), { recursive: true });
  for (const f of readdirSync(join(outdir, 'data'))) renameSync(join(outdir, 'data', f), join(final, 'data', f));
  // The code cache belongs to the old bundle: drop it before the new bundle lands.
  rmSync(join(final, 'topolens.cjs.cache'), { force: true });
  // What bin/topolens.cjs checks for staleness: the sources in the bundle and this script.
  const inputs = [...Object.keys(metafile.inputs).filter((f) => !f.startsWith('node_modules/')), 'scripts/build-cli.mjs'];
  writeFileSync(join(outdir, 'topolens.cjs.inputs'), `${JSON.stringify(inputs)}\n`);
  for (const f of ['topolens.cjs.map', 'topolens.cjs.inputs', 'topolens.cjs']) renameSync(join(outdir, f), join(final, f));
  rmSync(outdir, { recursive: true, force: true });
  // Left over from the earlier ESM build with chunks.
  for (const f of ['chunks', 'topolens.mjs', 'topolens.mjs.map']) rmSync(join(final, f), { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildCli();
