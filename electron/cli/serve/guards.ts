// The checks `topolens serve` runs on every request before anything else, as small pure
// functions over header values: the Host header (DNS rebinding), the Origin header
// (cross-site requests), the token (URL, cookie or bearer, compared in constant time)
// and the header that a cross-site form cannot send. No I/O, no routing.
import { timingSafeEqual } from 'node:crypto';

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}

/** Where the server listens, as the Host and Origin checks need it. */
export interface Listening {
  /** The address given to listen() (127.0.0.1 by default). */
  readonly bindHost: string;
  readonly port: number;
  readonly allowRemote: boolean;
}

/**
 * The Host header names this server: a loopback name with our port; with --allow-remote
 * also the address it listens on (any name of this machine on a wildcard address — the
 * token still guards every request). Anything else is a rebound DNS name.
 */
export function hostAllowed(hostHeader: string | undefined, l: Listening): boolean {
  const h = (hostHeader ?? '').toLowerCase();
  if ([`127.0.0.1:${l.port}`, `localhost:${l.port}`, `[::1]:${l.port}`].includes(h)) return true;
  if (!l.allowRemote) return false;
  if (l.bindHost === '0.0.0.0' || l.bindHost === '::') return /^[a-z0-9.-]+:\d+$|^\[[0-9a-f:.]+\]:\d+$/.test(h) && h.endsWith(`:${l.port}`);
  return h === `${l.bindHost}:${l.port}` || h === `[${l.bindHost}]:${l.port}`;
}

/**
 * A request that carries an Origin must come from a page of this server (the Host it
 * asked for, over http). Browsers send Origin on cross-site requests and on same-site
 * POSTs; a missing Origin (navigation, same-origin GET, curl) is fine — the token and
 * the Host check still apply. "null" (sandboxed frames, file: pages) is refused.
 */
export function originAllowed(originHeader: string | undefined, hostHeader: string | undefined): boolean {
  if (originHeader === undefined) return true;
  return originHeader.toLowerCase() === `http://${(hostHeader ?? '').toLowerCase()}`;
}

/** Same token, compared in constant time (a length mismatch answers at once: the length is not secret). */
export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The cookie a server on this port sets: one per port, so two serves never share a token. */
export function cookieName(port: number): string {
  return `topolens_token_${port}`;
}

/** The value of cookie `name` in a Cookie header, or null. */
export function cookieValue(cookieHeader: string | undefined, name: string): string | null {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}

/** The token of an `Authorization: Bearer TOKEN` header, or null. */
export function bearerToken(authorization: string | undefined): string | null {
  return /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? null;
}

/** The request's headers and query as the token check sees them. */
export interface Credentials {
  readonly queryToken: string | null;
  readonly cookie: string | undefined;
  readonly authorization: string | undefined;
}

export function authorised(c: Credentials, token: string, port: number): boolean {
  return tokenMatches(c.queryToken, token) || tokenMatches(cookieValue(c.cookie, cookieName(port)), token) || tokenMatches(bearerToken(c.authorization), token);
}

/**
 * A state-changing API call must carry `X-Topolens: 1`: a cross-site form or image
 * cannot set it, and a script cannot without a CORS preflight (which gets no CORS answer).
 */
export function csrfHeaderOk(method: string | undefined, xTopolens: string | string[] | undefined): boolean {
  return method !== 'POST' || xTopolens === '1';
}
