// `npm start [-- FILE]`: build and launch the Electron app where an Electron binary
// exists and can start; otherwise say why in a line or two and run the same UI in
// browser mode (`topolens serve`), printing its URL. Never prints a stack trace.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** The Electron binary, found without side effects (never require('electron'): it downloads). */
export function electronBinary() {
  let pkg;
  try {
    pkg = createRequire(join(repo, 'package.json')).resolve('electron/package.json');
  } catch {
    return { path: null, why: 'the electron package is not installed (npm ci installs it)' };
  }
  const pathTxt = join(dirname(pkg), 'path.txt');
  if (!existsSync(pathTxt)) return { path: null, why: 'the Electron binary is not installed (no node_modules/electron/path.txt: it was never downloaded)' };
  const bin = join(dirname(pkg), 'dist', readFileSync(pathTxt, 'utf8').trim());
  if (!existsSync(bin)) return { path: null, why: `the Electron binary ${bin} is missing` };
  return { path: bin, why: '' };
}

function displayProblem() {
  if (process.platform !== 'linux') return '';
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)';
  return '';
}

async function serve(reason, rebuild = true) {
  process.stderr.write(`topolens: not starting the desktop app: ${reason}.\n`);
  process.stderr.write('topolens: running the same UI in browser mode instead (topolens serve):\n');
  // serve only serves the built UI: bring out/renderer up to date with the sources first.
  if (rebuild) await buildApp().catch((e) => process.stderr.write(`topolens: could not rebuild the UI (${String(e?.message ?? e).split('\n')[0]}); serving the last build\n`));
  const child = spawn(process.execPath, [join(repo, 'bin', 'topolens.mjs'), 'serve', ...args], { stdio: 'inherit', cwd: process.cwd() });
  const stop = (sig) => child.kill(sig);
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  child.on('exit', (code) => process.exit(code ?? 0));
}

async function buildApp() {
  const { build } = await import('electron-vite');
  await build({ configFile: join(repo, 'electron.vite.config.ts'), root: repo, logLevel: 'warn' });
}

/**
 * Electron ≥ 42 has no postinstall: the binary is fetched on first use. Fetch it the
 * way `require('electron')` would (its own install.js), bounded in time; on machines
 * that cannot reach the download host this fails within seconds and we fall back.
 */
function fetchElectron() {
  let pkg;
  try {
    pkg = createRequire(join(repo, 'package.json')).resolve('electron/package.json');
  } catch {
    return Promise.resolve(false);
  }
  process.stderr.write('topolens: fetching the Electron binary (first start)...\n');
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(dirname(pkg), 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b) => (err += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', () => done(false));
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        const line = err.split('\n').find((l) => /Error|error/.test(l)) ?? `exit code ${code}`;
        process.stderr.write(`topolens: the Electron download failed: ${line.trim().slice(0, 200)}\n`);
      }
      done(code === 0);
    });
  });
}

async function main() {
  let bin = electronBinary();
  if (!bin.path && (await fetchElectron())) bin = electronBinary();
  if (!bin.path) return serve(bin.why);
  const noDisplay = displayProblem();
  if (noDisplay) return serve(noDisplay);
  try {
    await buildApp();
  } catch (e) {
    return serve(`building the app failed (${String(e?.message ?? e).split('\n')[0]})`, false);
  }
  const started = Date.now();
  let err = '';
  const child = spawn(bin.path, [join(repo, 'out', 'main', 'index.js'), ...args], { stdio: ['ignore', 'inherit', 'pipe'], cwd: process.cwd() });
  child.stderr.on('data', (b) => {
    err += b.toString();
    process.stderr.write(b);
  });
  child.on('error', (e) => serve(`Electron could not be started (${e.message})`, false));
  child.on('exit', (code, signal) => {
    // Died at once: a missing shared library, no GPU/display access... fall back.
    if (code && Date.now() - started < 5000) {
      const first = err.split('\n').find((l) => l.trim()) ?? `exit code ${code}`;
      return serve(`Electron exited at start (${first.trim().slice(0, 160)})`, false);
    }
    process.exit(code ?? (signal ? 1 : 0));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    process.stderr.write(`topolens: ${String(e?.message ?? e).split('\n')[0]}\n`);
    process.exit(1);
  });
}
