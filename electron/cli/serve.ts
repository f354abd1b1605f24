// `topolens serve`: the app's renderer and its API over loopback HTTP, for headless
// servers (through an ssh tunnel) and for browser tests. A random token guards every
// request (URL once, then a same-site cookie), foreign Host headers are refused (DNS
// rebinding), there is no CORS, and bodies are size-limited. It never serves files
// outside the built renderer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../topology/errors';
import type { LoadedTopology, Result } from '../ipc';
import { MAX_DROP_BYTES } from '../ipc';

export interface ServeOptions {
  readonly input?: string;
  /** 0: any free port. */
  readonly port?: number;
  readonly host?: string;
  readonly allowRemote?: boolean;
  /** Token to require (tests); random by default. */
  readonly token?: string;
  /** Where lines for the user go (default stderr/stdout). */
  readonly log?: (line: string) => void;
}

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Cytoscape inserts one tiny <style> for its container; allow exactly that one by hash.
  "style-src 'self' 'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** The repository (or installed package) root: the nearest folder above us with topolens's package.json. */
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

function newestMtime(path: string): number {
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

/** Sources the renderer bundle is built from (renderer/ plus the pure engine parts it imports). */
function rendererSources(root: string): string[] {
  const t = join(root, 'electron', 'topology');
  return [join(root, 'renderer'), join(t, 'view'), join(t, 'export'), join(t, 'parse', 'cpulist.ts'), join(t, 'model.ts'), join(root, 'electron', 'ipc.ts')];
}

/**
 * Make sure out/renderer holds a build of the renderer that is not older than its
 * sources; build it with vite when it does not. Concurrent callers (parallel test
 * files) wait for one build. Returns the folder and whether it was built now.
 */
export async function ensureRenderer(root = packageRoot(), log: (l: string) => void = () => {}): Promise<{ dir: string; built: boolean }> {
  const dir = join(root, 'out', 'renderer');
  const index = join(dir, 'index.html');
  const hasSources = existsSync(join(root, 'renderer', 'index.html'));
  const fresh = () => existsSync(index) && (!hasSources || rendererSources(root).every((s) => newestMtime(s) <= statSync(index).mtimeMs));
  if (fresh()) return { dir, built: false };
  if (!hasSources) throw new InputError('the renderer is not built and its sources are not here', dir);
  const lock = join(root, 'out', '.renderer-build.lock');
  mkdirSync(join(root, 'out'), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another process builds; a lock older than 3 minutes is from a crash.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new InputError('timed out waiting for another renderer build', lock);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (fresh()) return { dir, built: false };
    log('topolens: building the renderer (out/renderer is missing or older than its sources)…');
    const tmp = join(root, 'out', `.renderer-${process.pid}-${randomBytes(3).toString('hex')}`);
    const vite = await import('vite');
    await vite.build({
      configFile: false,
      root: join(root, 'renderer'),
      base: './',
      logLevel: 'warn',
      build: { outDir: tmp, emptyOutDir: true, chunkSizeWarningLimit: 2048, rolldownOptions: { input: join(root, 'renderer', 'index.html') } },
    } as Parameters<typeof vite.build>[0]);
    const old = `${dir}.old-${process.pid}`;
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(tmp, dir);
    rmSync(old, { recursive: true, force: true });
    return { dir, built: true };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}

/** How long a connection whose body was refused (413) may keep sending before it is cut. */
const BODY_LINGER_MS = 1000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((res, rej) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      rej(new HttpError(413, `request body larger than ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        rej(new HttpError(413, `request body larger than ${limit} bytes`));
        req.pause();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => res(Buffer.concat(chunks)));
    req.on('error', rej);
  });
}

export interface ServeHandle {
  readonly server: Server;
  readonly url: string;
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Start the server (no signal handling, no printing of the URL); runServe wraps it. */
export async function startServe(opts: ServeOptions = {}): Promise<ServeHandle> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host) && !opts.allowRemote) {
    throw new InputError(`refusing to listen on ${host}: serve is loopback-only; add --allow-remote to expose it (anyone who gets the URL sees this machine's topology)`);
  }
  const { loadInput } = await import('../topology/load');
  const { exportJson } = await import('../topology/export/json');
  const { exportText } = await import('../topology/export/text');
  const input = opts.input;
  const label = input ?? 'live';
  let current: LoadedTopology = { snapshot: (await loadInput(input)).topology, input: label, reloadable: true };
  const { dir: staticDir } = await ensureRenderer(packageRoot(), log);
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const tokenBuf = Buffer.from(token);
  let port = 0;
  const cookieName = () => `topolens_token_${port}`;

  const tokenOk = (t: string | undefined | null) => {
    if (!t) return false;
    const b = Buffer.from(t);
    return b.length === tokenBuf.length && timingSafeEqual(b, tokenBuf);
  };
  const cookieToken = (req: IncomingMessage) => {
    const raw = req.headers.cookie ?? '';
    for (const part of raw.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === cookieName()) return decodeURIComponent(v.join('='));
    }
    return null;
  };
  const hostOk = (req: IncomingMessage) => {
    const h = (req.headers.host ?? '').toLowerCase();
    const allowed = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
    if (allowed.includes(h)) return true;
    if (!opts.allowRemote) return false;
    // Exposed on purpose: the address it listens on; on a wildcard address any name of
    // this machine (the token still guards every request).
    if (host === '0.0.0.0' || host === '::') return h.endsWith(`:${port}`);
    return h === `${host}:${port}` || h === `[${host}]:${port}`;
  };

  const send = (res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
      ...extra,
    });
    res.end(body);
  };
  const sendJson = <T>(res: ServerResponse, r: Result<T>, status = 200) => send(res, status, JSON.stringify(r), 'application/json; charset=utf-8');
  const fail = (e: unknown): Result<never> => ({ ok: false, error: e instanceof InputError ? `${e.path ? `${e.path}: ` : ''}${e.message}` : `internal error: ${(e as Error).message}` });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!hostOk(req)) return send(res, 403, 'forbidden: foreign Host header\n', 'text/plain; charset=utf-8');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const queryToken = url.searchParams.get('token');
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const authed = tokenOk(queryToken) || tokenOk(cookieToken(req)) || tokenOk(bearer);
    if (!authed) return send(res, 403, 'forbidden: missing or wrong token (use the URL topolens serve printed)\n', 'text/plain; charset=utf-8');
    if (queryToken && req.method === 'GET' && !url.pathname.startsWith('/api/')) {
      // Trade the URL token for a cookie so the page's own requests carry it, and drop it from the address bar.
      return send(res, 303, '', 'text/plain', {
        Location: url.pathname,
        'Set-Cookie': `${cookieName()}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      });
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method === 'POST' && req.headers['x-topolens'] !== '1') throw new HttpError(403, 'missing X-Topolens header');
      const route = `${req.method} ${url.pathname}`;
      switch (route) {
        case 'GET /api/topology':
          return sendJson(res, { ok: true, value: current });
        case 'POST /api/reload': {
          await readBody(req, 1024);
          if (current.reloadable) {
            try {
              current = { ...current, snapshot: (await loadInput(input)).topology };
            } catch (e) {
              return sendJson(res, fail(e));
            }
          }
          return sendJson(res, { ok: true, value: current });
        }
        case 'POST /api/open': {
          const name = String(req.headers['x-filename'] ?? 'dropped');
          if (!/^[^/\\\0]{1,255}$/.test(name)) throw new HttpError(400, 'X-Filename must be a base name');
          const body = await readBody(req, MAX_DROP_BYTES);
          const tmp = mkdtempSync(join(tmpdir(), 'topolens-drop-'));
          try {
            const file = join(tmp, name.replace(/^\.+/, '_'));
            writeFileSync(file, body);
            const snap = (await loadInput(file)).topology;
            current = { snapshot: snap, input: name, reloadable: false };
            return sendJson(res, { ok: true, value: current });
          } catch (e) {
            return sendJson(res, fail(e));
          } finally {
            rmSync(tmp, { recursive: true, force: true });
          }
        }
        case 'GET /api/export/json':
          return sendJson(res, { ok: true, value: exportJson(current.snapshot) });
        case 'GET /api/export/text':
          return sendJson(res, { ok: true, value: exportText(current.snapshot, { all: true }) });
        default:
          throw new HttpError(404, `no such API: ${route}`);
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method not allowed');
    let rel: string;
    try {
      rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    } catch {
      throw new HttpError(400, 'malformed path');
    }
    const file = normalize(join(staticDir, rel));
    if (!file.startsWith(staticDir + sep) || rel.includes('\0')) throw new HttpError(404, 'not found');
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      throw new HttpError(404, 'not found');
    }
    return send(res, 200, body, TYPES[extname(file)] ?? 'application/octet-stream');
  };

  const server = createServer({ maxHeaderSize: 16 * 1024, requestTimeout: 60_000 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : 500;
      // Never keep the rest of a refused body: answer, half-close so the client can read
      // the 413 (closing at once would reset the connection under the answer while the
      // client is still sending), discard what still arrives, and cut the connection
      // after a short grace period.
      if (status === 413) {
        res.on('finish', () => {
          const sock = req.socket;
          sock.end();
          const t = setTimeout(() => sock.destroy(), BODY_LINGER_MS);
          t.unref();
          sock.once('close', () => clearTimeout(t));
        });
      }
      if (!res.headersSent) send(res, status, `${status === 500 ? 'internal error' : (e as Error).message}\n`, 'text/plain; charset=utf-8');
      else res.destroy();
    });
  });
  server.headersTimeout = 20_000;
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port ?? 0, host, () => res());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  const shownHost = host === '::1' ? '[::1]' : host === 'localhost' ? '127.0.0.1' : host === '0.0.0.0' || host === '::' ? hostname() : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/?token=${token}`;
  return {
    server,
    url,
    token,
    port,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections?.();
      server.close(() => r());
    }),
  };
}

/** The CLI's `serve`: print the URL, serve until SIGINT/SIGTERM. Exit code. */
export async function runServe(opts: { input?: string; port?: number; host?: string; allowRemote?: boolean }): Promise<number> {
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)) {
    process.stderr.write(`topolens: --port must be 0..65535\n`);
    return 2;
  }
  let h: ServeHandle;
  try {
    h = await startServe({ ...opts, log: (l) => process.stderr.write(`${l}\n`) });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') {
      process.stderr.write(`topolens: port ${opts.port} is in use (try --port 0 for any free port)\n`);
      return 2;
    }
    throw e;
  }
  if (opts.allowRemote && !isLoopback(opts.host ?? '127.0.0.1')) {
    process.stderr.write(`topolens: WARNING: listening on ${opts.host}, not only loopback: anyone who can reach it and has the URL sees this machine's topology.\n`);
  }
  process.stdout.write(`topolens: serving ${opts.input ?? 'live'} at ${h.url}\n`);
  process.stdout.write(`topolens: open that URL in a browser (from a laptop: ssh -L ${h.port}:127.0.0.1:${h.port} THIS-HOST). Ctrl-C stops.\n`);
  await new Promise<void>((res) => {
    const stop = () => res();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await h.close();
  return 0;
}

