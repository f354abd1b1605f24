// The built UI's files for `topolens serve`: maps a URL path to a file inside the
// renderer folder, never outside it (no .., no encoded separators, no NUL). Read-only;
// no directory listings.
import { readFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { HttpError } from './http';

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

/** The file a URL path names inside `root`; HttpError 400/404 otherwise. Pure. */
export function staticPath(root: string, pathname: string): string {
  let rel: string;
  try {
    rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  } catch {
    throw new HttpError(400, 'malformed path');
  }
  const file = normalize(join(root, rel));
  if (!file.startsWith(root + sep) || rel.includes('\0')) throw new HttpError(404, 'not found');
  return file;
}

export function readStatic(root: string, pathname: string): { body: Buffer; type: string } {
  const file = staticPath(root, pathname);
  try {
    return { body: readFileSync(file), type: TYPES[extname(file)] ?? 'application/octet-stream' };
  } catch {
    throw new HttpError(404, 'not found');
  }
}
