// Bundles the CLI (electron/cli/main.ts and the engine) into one CommonJS file,
// out/cli/topolens.cjs, with esbuild: no TypeScript and no chunk loader at run time,
// dependencies left external. CommonJS rather than ESM because esbuild then turns each
// lazy `import()` into a deferred `require()`, so heavy modules (ajv, saxes,
// systeminformation, the lspci parser...) load only on the paths that need them,
// while ESM output would hoist their imports to the top of the file and load them on
// every run. bin/topolens.mjs runs the bundle with a V8 code cache.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function buildCli() {
  const final = join(repo, 'out', 'cli');
  // Build beside the old bundle and rename file by file, so a CLI started meanwhile
  // (tests run in parallel) never reads half a bundle.
  const outdir = `${final}.tmp-${process.pid}`;
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
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
    // import.meta does not exist in CommonJS: give the modules that locate files
    // beside themselves (pci.ids, the renderer) the bundle's own URL.
    define: { 'import.meta.url': '__topolens_bundle_url' },
    banner: {
      js: [
        'var __topolens_bundle_url = require("node:url").pathToFileURL(__filename).href;',
        // bin/topolens.mjs passes an ESM import function: code compiled with vm.Script
        // cannot call import() itself without an experimental flag.
        'if (typeof __topolens_import !== "function") var __topolens_import = (s) => import(s);',
      ].join('\n'),
    },
  });
  // ESM-only packages (systeminformation, vite) stay import(): route those through it.
  const file = join(outdir, 'topolens.cjs');
  const code = readFileSync(file, 'utf8');
  const banner = code.indexOf('\n', code.indexOf('__topolens_import') ) + 1;
  writeFileSync(file, code.slice(0, banner) + code.slice(banner).replace(/\bimport\((?=["'])/g, '__topolens_import('));
  cpSync(join(repo, 'electron', 'topology', 'data'), join(outdir, 'data'), { recursive: true });
  mkdirSync(join(final, 'data'), { recursive: true });
  for (const f of readdirSync(join(outdir, 'data'))) renameSync(join(outdir, 'data', f), join(final, 'data', f));
  // The code cache belongs to the old bundle: drop it before the new bundle lands.
  rmSync(join(final, 'topolens.cjs.cache'), { force: true });
  for (const f of ['topolens.cjs.map', 'topolens.cjs']) renameSync(join(outdir, f), join(final, f));
  rmSync(outdir, { recursive: true, force: true });
  // Left over from the earlier ESM build with chunks.
  for (const f of ['chunks', 'topolens.mjs', 'topolens.mjs.map']) rmSync(join(final, f), { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildCli();
