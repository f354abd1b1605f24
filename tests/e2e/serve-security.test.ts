// `topolens serve` as an attacker sees it, over raw loopback HTTP (node:http with
// explicit Host headers; fetch cannot set Host): where it listens, the token on every
// route, the Host check against DNS rebinding, the Origin check, no CORS, body limits that answer 413
// without reading the rest, security headers on every answer, and a bounded load test.
// All traffic goes to 127.0.0.1 (one case binds 127.0.0.2, also loopback).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DROP_BYTES } from '../../electron/ipc';
import { REPO, startServeProcess, type Served } from './fixtures';

const INPUT = 'fixtures/hwloc/linux/2pa-pcidomain32bits.tar.bz2';
let served: Served;
/** The page's own files (index.html and what it links), found once with the token. */
let assets: string[] = [];

interface Answer {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
}

function raw(path: string, headers: Record<string, string> = {}, method = 'GET', body?: Buffer | string, agent?: Agent): Promise<Answer> {
  return new Promise((res, rej) => {
    const r = request({ host: '127.0.0.1', port: served.port, path, method, headers, agent: agent ?? false, setHost: false }, (resp) => {
      const chunks: Buffer[] = [];
      resp.on('data', (c: Buffer) => chunks.push(c));
      resp.on('end', () => res({ status: resp.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: resp.headers }));
      resp.on('error', rej);
    });
    r.on('error', rej);
    if (body !== undefined) r.write(body);
    r.end();
  });
}

/** Write raw bytes on one connection; resolve with everything read until the server closes it (or timeout). */
function rawSocket(text: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((res, rej) => {
    const sock = connect(served.port, '127.0.0.1', () => sock.write(text));
    let got = '';
    sock.on('data', (b) => (got += b.toString()));
    sock.on('close', () => res(got));
    sock.on('error', rej);
    setTimeout(() => sock.destroy(), timeoutMs);
  });
}

const host = () => `127.0.0.1:${served.port}`;
const auth = () => ({ Host: host(), Authorization: `Bearer ${served.token}` });

/** Listening TCP sockets on a port, from /proc/net/tcp{,6}: local addresses as the kernel prints them. */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue; // 0A = LISTEN
      const [addr, p] = cols[1]!.split(':');
      if (p === hexPort) out.push(addr!);
    }
  }
  return out;
}

/** `topolens serve` with extra flags: resolves once it prints its URL (or exits). */
function spawnServe(args: string[]): Promise<{ child: ChildProcess; out: () => string; url?: string; port?: number; code?: number | null; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin/topolens.mjs'), 'serve', INPUT, '--port', '0', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let done = false;
    const stop = () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null || child.signalCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      });
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`serve printed no URL in time:\n${out}`));
    }, 120_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /at (http:\/\/([0-9.]+|\[[0-9a-f:]+\]):(\d+)\/\?token=[A-Za-z0-9_-]+)/.exec(out);
      if (m && !done) {
        done = true;
        clearTimeout(timer);
        resolve({ child, out: () => out, url: m[1]!, port: Number(m[3]), stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!done) {
        done = true;
        resolve({ child, out: () => out, code, stop });
      }
    });
  });
}

beforeAll(async () => {
  served = await startServeProcess(INPUT);
  const index = await raw('/', auth());
  expect(index.status).toBe(200);
  assets = ['/', '/index.html', ...[...index.body.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => `/${m[1]}`)];
}, 180_000);

afterAll(async () => {
  await served?.stop();
});

describe('serve: where it listens', () => {
  it('binds 127.0.0.1 only by default', () => {
    if (!existsSync('/proc/net/tcp')) return; // Linux only
    // 0100007F is 127.0.0.1 in the kernel's little-endian hex; no wildcard, no IPv6 listener.
    expect(listeners(served.port)).toEqual(['0100007F']);
  });

  it('refuses a non-loopback address without --allow-remote, before binding anything', async () => {
    const r = await spawnServe(['--host', '0.0.0.0']);
    expect(r.code).toBe(2);
    expect(r.out()).toMatch(/refusing to listen on 0\.0\.0\.0: serve is loopback-only; add --allow-remote/);
  });

  it('--allow-remote on another address prints a warning on stderr (tested on 127.0.0.2, still loopback)', async () => {
    const r = await spawnServe(['--host', '127.0.0.2', '--allow-remote']);
    try {
      expect(r.port).toBeGreaterThan(0);
      expect(r.out()).toMatch(/WARNING: listening on 127\.0\.0\.2, not only loopback/);
      if (existsSync('/proc/net/tcp')) expect(listeners(r.port!)).toEqual(['0200007F']);
    } finally {
      await r.stop();
    }
  });
});

describe('serve: the token guards every route', () => {
  const apiRoutes: Array<[string, string]> = [
    ['GET', '/api/topology'],
    ['POST', '/api/reload'],
    ['POST', '/api/open'],
    ['POST', '/api/parse'],
    ['POST', '/api/open-initial'],
    ['GET', '/api/export/json'],
    ['GET', '/api/export/text'],
    ['GET', '/api/no-such-thing'],
    ['DELETE', '/api/topology'],
  ];
  const staticRoutes = () => [...assets, '/no-such-file.js', '/favicon.ico'];

  it('finds the page and its assets (so the checks below cover real files)', () => {
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.length).toBeGreaterThanOrEqual(3);
  });

  it('every route answers 403 without a token, with a wrong one, or with one of the wrong length', async () => {
    const wrong = `${served.token.slice(0, -1)}${served.token.endsWith('A') ? 'B' : 'A'}`;
    const variants: Array<Record<string, string>> = [
      {},
      { Authorization: `Bearer ${wrong}` },
      { Authorization: `Bearer ${served.token}x` },
      { Authorization: `Basic ${served.token}` },
      { Cookie: `topolens_token_${served.port}=${wrong}` },
      { Cookie: `topolens_token_${served.port + 1}=${served.token}` }, // another serve's cookie
      { Cookie: `topolens_token=${served.token}` },
    ];
    let checked = 0;
    for (const [method, path] of [...apiRoutes, ...staticRoutes().map((p) => ['GET', p] as [string, string])]) {
      for (const v of variants) {
        const post: Record<string, string> = method === 'POST' ? { 'X-Topolens': '1', 'X-Filename': 'x.txt', 'Content-Type': 'application/octet-stream' } : {};
        const r = await raw(path, { Host: host(), ...post, ...v }, method, method === 'POST' ? 'x' : undefined);
        expect(r.status, `${method} ${path} ${JSON.stringify(v)}`).toBe(403);
        expect(r.body).not.toContain('"snapshot"');
        expect(r.body).not.toContain('<script');
        checked += 1;
      }
      // A wrong token in the URL is no better.
      const q = await raw(`${path}?token=${wrong}`, { Host: host() }, method === 'POST' ? 'GET' : method);
      expect(q.status, `${path}?token=wrong`).toBe(403);
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('the same routes work with the token (bearer, cookie, URL) so the 403s above are the token check', async () => {
    const cookie = { Host: host(), Cookie: `other=1; topolens_token_${served.port}=${encodeURIComponent(served.token)}` };
    for (const a of assets) expect((await raw(a, cookie)).status, a).toBe(200);
    for (const p of ['/api/topology', '/api/export/json', '/api/export/text']) {
      const r = await raw(p, auth());
      expect(r.status, p).toBe(200);
      expect(JSON.parse(r.body).ok).toBe(true);
      expect((await raw(p, cookie)).status).toBe(200);
      expect((await raw(`${p}?token=${served.token}`, { Host: host() })).status).toBe(200);
    }
    // The URL token is traded for a cookie scoped to this port, HttpOnly and SameSite=Strict.
    const first = await raw(`/?token=${served.token}`, { Host: host() });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^topolens_token_${served.port}=`));
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).not.toMatch(/Domain=/i);
  });

  it('a cross-site POST (no X-Topolens header) is refused even with the cookie', async () => {
    const cookie = { Host: host(), Cookie: `topolens_token_${served.port}=${encodeURIComponent(served.token)}`, 'Content-Type': 'text/plain' };
    expect((await raw('/api/reload', cookie, 'POST', '')).status).toBe(403);
    expect((await raw('/api/open', { ...cookie, 'X-Filename': 'x.txt' }, 'POST', 'hello')).status).toBe(403);
  });

  it('paths never leave the built renderer', async () => {
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/%2e%2e%2fpackage.json', '/assets/..%2f..%2f..%2fpackage.json', '//etc/passwd', '/%2fetc%2fpasswd', '/..%5cpackage.json', '/index.html%00.js']) {
      const r = await raw(p, auth());
      expect(r.status, p).toBe(404);
      expect(r.body).not.toContain('"name": "topolens"');
      expect(r.body).not.toContain('root:');
    }
    expect((await raw('/%E0%A4%A', auth())).status).toBe(400); // malformed escape: a client error, not a 500
  });
});

describe('serve: Origin (cross-site requests)', () => {
  it('a request from another origin is refused even with the token and the header; our own origin passes', async () => {
    for (const origin of ['https://evil.example', `http://127.0.0.1:${served.port + 1}`, 'null', `https://127.0.0.1:${served.port}`]) {
      for (const [method, path] of [['GET', '/api/topology'], ['POST', '/api/reload'], ['POST', '/api/open-initial'], ['GET', assets[0]!]] as const) {
        const r = await raw(path, { ...auth(), Origin: origin, 'X-Topolens': '1' }, method, method === 'POST' ? '' : undefined);
        expect(r.status, `${origin} ${method} ${path}`).toBe(403);
        expect(r.body).toMatch(/cross-origin/);
      }
    }
    const own = await raw('/api/reload', { ...auth(), Origin: `http://${host()}`, 'X-Topolens': '1' }, 'POST', '');
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body).ok).toBe(true);
  });
});

describe('serve: Host header (DNS rebinding)', () => {
  it('accepts the loopback names on this port', async () => {
    for (const h of [`127.0.0.1:${served.port}`, `localhost:${served.port}`, `[::1]:${served.port}`, `LOCALHOST:${served.port}`]) {
      expect((await raw('/api/topology', { ...auth(), Host: h })).status, h).toBe(200);
    }
  });

  it('refuses every other Host, even with the token', async () => {
    const p = served.port;
    const bad = [
      `evil.example:${p}`,
      'evil.example',
      `127.0.0.1.nip.io:${p}`,
      `localhost.evil.example:${p}`,
      `127.0.0.1:${p}.evil.example`,
      `127.0.0.1:${p + 1}`,
      '127.0.0.1',
      'localhost',
      `127.0.0.2:${p}`,
      `0.0.0.0:${p}`,
      `[::ffff:127.0.0.1]:${p}`,
      `2130706433:${p}`,
      `localhost.:${p}`,
      `user@127.0.0.1:${p}`,
      ` 127.0.0.1:${p}x`,
    ];
    for (const h of bad) {
      for (const path of ['/api/topology', `/?token=${served.token}`, assets.find((a) => a.endsWith('.js'))!]) {
        const r = await raw(path, { ...auth(), Host: h });
        expect(r.status, `${h} ${path}`).toBe(403);
        expect(r.body).toMatch(/foreign Host/);
        expect(r.headers['set-cookie']).toBeUndefined();
      }
    }
  });

  it('refuses an empty or missing Host', async () => {
    const empty = await rawSocket(`GET /api/topology HTTP/1.1\r\nHost: \r\nAuthorization: Bearer ${served.token}\r\nConnection: close\r\n\r\n`);
    expect(empty).toMatch(/^HTTP\/1\.1 (400|403) /);
    expect(empty).not.toContain('"snapshot"');
    const none10 = await rawSocket(`GET /api/topology HTTP/1.0\r\nAuthorization: Bearer ${served.token}\r\n\r\n`);
    expect(none10).toMatch(/^HTTP\/1\.[01] (400|403) /);
    expect(none10).not.toContain('"snapshot"');
    const none11 = await rawSocket(`GET /api/topology HTTP/1.1\r\nAuthorization: Bearer ${served.token}\r\nConnection: close\r\n\r\n`);
    expect(none11).toMatch(/^HTTP\/1\.1 (400|403) /);
    expect(none11).not.toContain('"snapshot"');
  });
});

describe('serve: no CORS', () => {
  it('no Access-Control-* header on any answer, with an Origin, on preflights, with or without the token', async () => {
    const origin = { Origin: 'https://evil.example' };
    const answers: Array<[string, Answer]> = [];
    for (const path of [...assets, '/api/topology', '/api/export/json', '/api/reload', '/api/open', '/nope']) {
      answers.push([`GET ${path} no token`, await raw(path, { Host: host(), ...origin })]);
      answers.push([`GET ${path} token`, await raw(path, { ...auth(), ...origin })]);
      const pre = { 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-topolens, authorization' };
      answers.push([`OPTIONS ${path} no token`, await raw(path, { Host: host(), ...origin, ...pre }, 'OPTIONS')]);
      answers.push([`OPTIONS ${path} token`, await raw(path, { ...auth(), ...origin, ...pre }, 'OPTIONS')]);
    }
    answers.push(['POST /api/reload token+origin', await raw('/api/reload', { ...auth(), ...origin, 'X-Topolens': '1' }, 'POST', '')]);
    for (const [what, a] of answers) {
      for (const k of Object.keys(a.headers)) expect(k.startsWith('access-control-'), `${what}: ${k}`).toBe(false);
      if (what.startsWith('OPTIONS')) expect(a.status, what).toBeGreaterThanOrEqual(400);
    }
  });
});

describe('serve: request bodies', () => {
  /**
   * Send headers, then body chunks as fast as the socket takes them, until `maxBytes`,
   * until the server closes, or (a polite client) until an answer arrives.
   */
  function stream(headers: string, maxBytes: number, polite: boolean): Promise<{ answer: string; written: number; ms: number }> {
    return new Promise((res, rej) => {
      const t0 = Date.now();
      const sock = connect(served.port, '127.0.0.1');
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
      let written = 0;
      let answer = '';
      let stopped = false;
      const pump = () => {
        while (!stopped && written < maxBytes) {
          written += chunk.length;
          if (!sock.write(frame)) return void sock.once('drain', pump);
        }
      };
      sock.on('connect', () => {
        sock.write(headers);
        pump();
      });
      sock.on('data', (b) => {
        answer += b.toString();
        if (polite && !stopped) {
          stopped = true;
          sock.end();
        }
      });
      sock.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code !== 'EPIPE' && e.code !== 'ECONNRESET') rej(e);
      });
      sock.on('close', () => {
        stopped = true;
        res({ answer, written, ms: Date.now() - t0 });
      });
      setTimeout(() => sock.destroy(), 20_000);
    });
  }
  const chunkedHead = (path: string) => `POST ${path} HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${served.token}\r\nX-Topolens: 1\r\nX-Filename: x.txt\r\nTransfer-Encoding: chunked\r\n\r\n`;

  it('a declared length over the limit gets 413 at once, the body unread (reload: 1 KiB, open: 64 MiB)', async () => {
    for (const [path, len] of [['/api/reload', 1025], ['/api/open', MAX_DROP_BYTES + 1], ['/api/open', 200 * 1024 * 1024]] as const) {
      const t0 = Date.now();
      const got = await rawSocket(
        `POST ${path} HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${served.token}\r\nX-Topolens: 1\r\nX-Filename: x.txt\r\nContent-Length: ${len}\r\n\r\nabc`,
      );
      expect(got, `${path} ${len}`).toMatch(/^HTTP\/1\.1 413 /);
      expect(got).toMatch(/content-security-policy: /i);
      expect(Date.now() - t0).toBeLessThan(5_000); // answered and closed, not waiting for the rest
    }
  });

  it('a chunked body (no length) gets 413 as soon as it passes the limit, readable by the client', async () => {
    const small = await stream(chunkedHead('/api/reload'), 32 * 1024 * 1024, true);
    expect(small.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(small.written).toBeLessThan(16 * 1024 * 1024);
    // 64 MiB limit: the client would send up to 512 MiB; the 413 comes soon after 64 MiB.
    const big = await stream(chunkedHead('/api/open'), 512 * 1024 * 1024, true);
    expect(big.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(big.written).toBeLessThan(MAX_DROP_BYTES + 64 * 1024 * 1024);
    console.log(`serve body limit: chunked /api/open answered 413 after ${(big.written / 2 ** 20).toFixed(0)} MiB sent, ${big.ms} ms (limit ${MAX_DROP_BYTES / 2 ** 20} MiB)`);
  });

  it('a client that keeps sending after the 413 is cut off within seconds', async () => {
    const r = await stream(chunkedHead('/api/reload'), 64 * 1024 ** 3, false);
    expect(r.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.ms).toBeLessThan(6_000);
    expect(r.written).toBeLessThan(64 * 1024 ** 3);
  });

  it('an unauthorised POST is refused before its body is read', async () => {
    const t0 = Date.now();
    const got = await rawSocket(`POST /api/open HTTP/1.1\r\nHost: ${host()}\r\nX-Topolens: 1\r\nX-Filename: x.txt\r\nContent-Length: ${200 * 1024 * 1024}\r\nConnection: close\r\n\r\nabc`, 3_000);
    expect(got).toMatch(/^HTTP\/1\.1 403 /);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});

describe('serve: security headers on every answer', () => {
  it('CSP without unsafe-eval/unsafe-inline scripts, frame-ancestors none, X-Frame-Options, nosniff, no-referrer', async () => {
    const answers: Array<[string, Answer]> = [];
    for (const a of assets) answers.push([`${a} 200`, await raw(a, auth())]);
    answers.push(['/?token 303', await raw(`/?token=${served.token}`, { Host: host() })]);
    answers.push(['api 200', await raw('/api/topology', auth())]);
    answers.push(['403 token', await raw('/api/topology', { Host: host() })]);
    answers.push(['403 host', await raw('/api/topology', { ...auth(), Host: 'evil.example' })]);
    answers.push(['404', await raw('/nope', auth())]);
    answers.push(['404 api', await raw('/api/nope', auth())]);
    answers.push(['405', await raw('/', auth(), 'PUT', 'x')]);
    expect(answers.map(([, a]) => a.status)).toEqual([...assets.map(() => 200), 303, 200, 403, 403, 404, 404, 405]);
    for (const [what, a] of answers) {
      const csp = String(a.headers['content-security-policy'] ?? '');
      expect(csp, what).toMatch(/default-src 'self'/);
      expect(csp, what).toMatch(/script-src 'self'(;|$)/);
      expect(csp, what).not.toMatch(/unsafe-eval|unsafe-inline|\*/);
      expect(csp, what).toMatch(/frame-ancestors 'none'/);
      expect(csp, what).toMatch(/object-src 'none'/);
      expect(a.headers['x-content-type-options'], what).toBe('nosniff');
      expect(a.headers['x-frame-options'], what).toBe('DENY');
      expect(a.headers['referrer-policy'], what).toBe('no-referrer');
      expect(a.headers['cache-control'], what).toBe('no-store');
      expect(a.headers['content-type'], what).toBeTruthy();
    }
    // The page's own meta CSP agrees (no eval in the renderer either).
    const page = answers[0]![1].body;
    expect(page).toMatch(/http-equiv="Content-Security-Policy"/);
    expect(page).not.toMatch(/unsafe-eval/);
  });
});

describe('serve: bounded load test', () => {
  it('2,000 authorised GET /api/topology, 20 at a time, no errors', async () => {
    const TOTAL = 2000;
    const CONCURRENCY = 20;
    const DEADLINE_MS = 10_000;
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const lat: number[] = [];
    let errors = 0;
    const statuses = new Map<number, number>();
    let next = 0;
    let bytes = 0;
    const t0 = performance.now();
    const worker = async () => {
      while (next < TOTAL && performance.now() - t0 < DEADLINE_MS) {
        next += 1;
        const s = performance.now();
        try {
          const r = await raw('/api/topology', auth(), 'GET', undefined, agent);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status === 200 && !r.body.startsWith('{"ok":true')) errors += 1;
          bytes = r.body.length;
        } catch {
          errors += 1;
        }
        lat.push(performance.now() - s);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const secs = (performance.now() - t0) / 1000;
    agent.destroy();
    lat.sort((a, b) => a - b);
    const pct = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]!;
    const non200 = [...statuses].filter(([s]) => s !== 200).reduce((n, [, c]) => n + c, 0);
    console.log(
      `serve load test: ${lat.length} requests in ${secs.toFixed(1)} s (${Math.round(lat.length / secs)} req/s), ${errors} errors, ${non200} non-200, p50 ${pct(0.5).toFixed(0)} ms, p99 ${pct(0.99).toFixed(0)} ms (concurrency ${CONCURRENCY}, keep-alive, ${(bytes / 1024).toFixed(0)} KiB of JSON each, ${INPUT.split('/').pop()})`,
    );
    expect(errors).toBe(0);
    expect(non200).toBe(0);
    expect(lat.length).toBeGreaterThanOrEqual(200); // at least a tenth got through before the deadline
    // The server is still fine afterwards.
    expect((await raw('/api/topology', auth())).status).toBe(200);
  }, 30_000);
});
