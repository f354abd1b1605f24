// HTTP plumbing for `topolens serve`: answers with the security headers every answer
// carries, size-limited request bodies, and the error type routes throw. No routing,
// no guards, no topology.
import type { IncomingMessage, ServerResponse } from 'node:http';

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

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
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
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  send(res, status, text, 'text/plain; charset=utf-8');
}

export function sendJson(res: ServerResponse, value: unknown): void {
  send(res, 200, JSON.stringify(value), 'application/json; charset=utf-8');
}

/** The request body, refused with 413 as soon as it (declared or sent) passes `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
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

/** How long a connection whose body was refused (413) may keep sending before it is cut. */
const BODY_LINGER_MS = 1000;

/**
 * Answer an error thrown by a route. A refused body is never kept: answer, half-close so
 * the client can read the 413 (closing at once would reset the connection under the
 * answer while the client is still sending), discard what still arrives, and cut the
 * connection after a short grace period.
 */
export function sendError(req: IncomingMessage, res: ServerResponse, e: unknown): void {
  const status = e instanceof HttpError ? e.status : 500;
  if (status === 413) {
    res.on('finish', () => {
      const sock = req.socket;
      sock.end();
      const t = setTimeout(() => sock.destroy(), BODY_LINGER_MS);
      t.unref();
      sock.once('close', () => clearTimeout(t));
    });
  }
  if (!res.headersSent) sendText(res, status, `${status === 500 ? 'internal error' : (e as Error).message}\n`);
  else res.destroy();
}
