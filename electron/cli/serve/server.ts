// `topolens serve`'s server: loads the INPUT through the host service, then answers
// each request in a fixed order — Host header, Origin, token, the anti-CSRF header —
// before the API routes or the built UI's files. Composition only: the guards, routes,
// files and HTTP plumbing are the modules beside this one.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { InputError } from '../../topology/errors';
import { createHostService, type HostService } from '../../host/service';
import { handleApi } from './api-routes';
import { authorised, cookieName, csrfHeaderOk, hostAllowed, isLoopback, originAllowed, type Listening } from './guards';
import { HttpError, send, sendError, sendText } from './http';
import { packageRoot, rendererDir } from './package-root';
import { readStatic } from './static-files';

export interface ServeOptions {
  readonly input?: string;
  /** 0: any free port. */
  readonly port?: number;
  readonly host?: string;
  readonly allowRemote?: boolean;
  /** Token to require (tests); random by default. */
  readonly token?: string;
  /** Where notes for the user go (default stderr). */
  readonly log?: (line: string) => void;
  /** Most browser tabs whose opened files are kept (least recently used first out). */
  readonly maxSessions?: number;
}

export interface ServeHandle {
  readonly server: Server;
  readonly url: string;
  readonly token: string;
  readonly port: number;
  readonly service: HostService;
  close(): Promise<void>;
}

interface Context {
  readonly listening: () => Listening;
  readonly token: string;
  readonly staticDir: string;
  readonly service: HostService;
}

/** Guards, then the API or a file. Throws HttpError for refused requests. */
async function answer(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const l = ctx.listening();
  if (!hostAllowed(req.headers.host, l)) return sendText(res, 403, 'forbidden: foreign Host header\n');
  if (!originAllowed(req.headers.origin, req.headers.host)) return sendText(res, 403, 'forbidden: cross-origin request\n');
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${l.port}`);
  const queryToken = url.searchParams.get('token');
  if (!authorised({ queryToken, cookie: req.headers.cookie, authorization: req.headers.authorization }, ctx.token, l.port)) {
    return sendText(res, 403, 'forbidden: missing or wrong token (use the URL topolens serve printed)\n');
  }
  const isApi = url.pathname.startsWith('/api/');
  if (queryToken && req.method === 'GET' && !isApi) {
    // Trade the URL token for a cookie so the page's own requests carry it, and drop it from the address bar.
    return send(res, 303, '', 'text/plain', {
      Location: url.pathname,
      'Set-Cookie': `${cookieName(l.port)}=${encodeURIComponent(ctx.token)}; HttpOnly; SameSite=Strict; Path=/`,
    });
  }
  if (isApi) {
    if (!csrfHeaderOk(req.method, req.headers['x-topolens'])) throw new HttpError(403, 'missing X-Topolens header');
    return handleApi(req, res, url.pathname, ctx.service);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method not allowed');
  const file = readStatic(ctx.staticDir, url.pathname);
  return send(res, 200, file.body, file.type);
}

function shownHost(host: string): string {
  if (host === '::1') return '[::1]';
  if (host === 'localhost') return '127.0.0.1';
  if (host === '0.0.0.0' || host === '::') return hostname();
  return host.includes(':') ? `[${host}]` : host;
}

/** Start the server (no signal handling, no printing of the URL); runServe wraps it. */
export async function startServe(opts: ServeOptions = {}): Promise<ServeHandle> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host) && !opts.allowRemote) {
    throw new InputError(`refusing to listen on ${host}: serve is loopback-only; add --allow-remote to expose it (anyone who gets the URL sees this machine's topology)`);
  }
  const service = createHostService({ initialInput: opts.input, maxSessions: opts.maxSessions ?? 16 });
  await service.loadInitial(); // unusable INPUT: exit 2 before listening
  const staticDir = rendererDir(packageRoot(), log);
  const token = opts.token ?? randomBytes(24).toString('base64url');
  let port = 0;
  const ctx: Context = { listening: () => ({ bindHost: host, port, allowRemote: opts.allowRemote ?? false }), token, staticDir, service };
  const server = createServer({ maxHeaderSize: 16 * 1024, requestTimeout: 60_000 }, (req, res) => {
    answer(req, res, ctx).catch((e: unknown) => sendError(req, res, e));
  });
  server.headersTimeout = 20_000;
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port ?? 0, host, () => res());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    server,
    url: `http://${shownHost(host)}:${port}/?token=${token}`,
    token,
    port,
    service,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}
