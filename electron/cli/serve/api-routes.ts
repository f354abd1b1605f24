// The HTTP adapter of the host service: maps `/api/...` routes to the service's
// channels and their arguments (from the body, X-Filename, the path), and the tab's
// session header to a session. The service checks the arguments (checkArgs) and does
// the work; this file does neither.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isBaseName, isSessionId, MAX_DROP_BYTES, SESSION_HEADER, type InvokeChannel } from '../../ipc';
import type { HostService } from '../../host/service';
import { HttpError, readBody, sendJson } from './http';

interface Route {
  readonly channel: InvokeChannel;
  /** Fixed arguments (export kind). */
  readonly args?: readonly unknown[];
  /** The body is a file: [X-Filename, bytes] are the arguments. */
  readonly file?: boolean;
}

export const API_ROUTES: Readonly<Record<string, Route>> = {
  'GET /api/topology': { channel: 'topology:get' },
  'POST /api/reload': { channel: 'topology:reload' },
  'POST /api/open-initial': { channel: 'topology:open-initial' },
  'POST /api/open': { channel: 'topology:open-bytes', file: true },
  'POST /api/parse': { channel: 'topology:parse-bytes', file: true },
  'GET /api/export/json': { channel: 'export:data', args: ['json'] },
  'GET /api/export/text': { channel: 'export:data', args: ['text'] },
};

/** Clients that send no session header (curl, scripts) share this one. */
export const DEFAULT_SESSION = 'default-session-for-clients-without-one';

/** The tab's session id from its header; 400 for a malformed one. Pure. */
export function sessionOf(header: string | string[] | undefined): string {
  if (header === undefined) return DEFAULT_SESSION;
  if (!isSessionId(header)) throw new HttpError(400, `${SESSION_HEADER} must be 16–64 URL-safe characters`);
  return header;
}

/** The user's file name from X-Filename (the page sends it URL-encoded; a raw base name is accepted too). Pure. */
export function fileNameOf(header: string | string[] | undefined): string {
  const raw = typeof header === 'string' ? header : '';
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {
    /* a raw name with a lone % */
  }
  if (!isBaseName(name)) throw new HttpError(400, 'X-Filename must be a base name');
  return name;
}

async function routeArgs(route: Route, req: IncomingMessage): Promise<unknown[]> {
  if (route.file) {
    // The name is checked before a byte of the body is read.
    const name = fileNameOf(req.headers['x-filename']);
    return [name, await readBody(req, MAX_DROP_BYTES)];
  }
  if (req.method === 'POST') await readBody(req, 1024);
  return [...(route.args ?? [])];
}

export async function handleApi(req: IncomingMessage, res: ServerResponse, pathname: string, service: HostService): Promise<void> {
  const key = `${req.method} ${pathname}`;
  const route = API_ROUTES[key];
  if (!route) throw new HttpError(404, `no such API: ${key}`);
  const session = sessionOf(req.headers[SESSION_HEADER.toLowerCase()]);
  const args = await routeArgs(route, req);
  sendJson(res, await service.invoke(session, route.channel, args));
}
