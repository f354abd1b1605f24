// The renderer's one API, over two transports: Electron IPC through the preload's
// window.topolens, or HTTP to `topolens serve` (same origin, token cookie). Callers
// see the same TopolensApi either way. Over HTTP each browser tab is its own session
// (an id kept in sessionStorage, so a reload of the tab keeps what it opened, and a new
// tab starts from the served INPUT).
import { SESSION_HEADER, isSessionId, type ExportKind, type LoadedTopology, type MenuCommand, type PreloadApi, type Result, type TopolensApi } from '../../electron/ipc';

declare global {
  interface Window {
    topolens?: PreloadApi;
  }
}

function ipcApi(p: PreloadApi): TopolensApi {
  return {
    transport: 'ipc',
    getTopology: () => p.getTopology(),
    reload: () => p.reload(),
    openDialog: () => p.openDialog(),
    openRecent: (i) => p.openRecent(i),
    recent: () => p.recent(),
    openBytes: (n, b) => p.openBytes(n, b),
    parseBytes: (n, b) => p.parseBytes(n, b),
    openInitial: () => p.openInitial(),
    exportData: (k) => p.exportData(k),
    save: (kind, data) => p.save(kind, data),
    captureMachine: () => p.captureMachine(),
    onMenu: (cb) => p.onMenu(cb),
    onTopologyChanged: (cb) => p.onTopologyChanged(cb),
  };
}

/** This tab's session id: kept for the tab's life (sessionStorage), made from 16 random bytes. */
function tabSession(): string {
  const key = 'topolens.session';
  let id: string | null = null;
  try {
    id = sessionStorage.getItem(key);
  } catch {
    /* storage disabled: a fresh id per page load */
  }
  if (isSessionId(id)) return id;
  id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  try {
    sessionStorage.setItem(key, id);
  } catch {
    /* see above */
  }
  return id;
}

let session: string | null = null;

async function call<T>(method: 'GET' | 'POST', path: string, body?: BodyInit, headers: Record<string, string> = {}): Promise<Result<T>> {
  session ??= tabSession();
  try {
    const r = await fetch(path, {
      method,
      body,
      credentials: 'same-origin',
      headers: { [SESSION_HEADER]: session, ...(method === 'POST' ? { 'X-Topolens': '1' } : {}), ...headers },
    });
    if (!r.ok) return { ok: false, error: `${r.status} ${(await r.text()).trim()}` };
    return (await r.json()) as Result<T>;
  } catch (e) {
    return { ok: false, error: `the topolens server did not answer (${(e as Error).message})` };
  }
}

/** Header values must be Latin-1: the file name goes URL-encoded (the server decodes it). */
function fileHeaders(name: string): Record<string, string> {
  return { 'X-Filename': encodeURIComponent(name), 'Content-Type': 'application/octet-stream' };
}

const MIME: Record<ExportKind, string> = { svg: 'image/svg+xml', png: 'image/png', json: 'application/json', text: 'text/plain' };

function httpApi(): TopolensApi {
  const menuCbs = new Set<(c: MenuCommand) => void>();
  return {
    transport: 'http',
    getTopology: () => call<LoadedTopology>('GET', 'api/topology'),
    reload: () => call<LoadedTopology>('POST', 'api/reload'),
    openDialog: async () => ({ ok: false, error: 'use the file picker in the browser' }),
    openRecent: async () => ({ ok: false, error: 'no recent files in browser mode' }),
    recent: async () => ({ ok: true, value: [] }),
    openBytes: (name, bytes) => call<LoadedTopology>('POST', 'api/open', bytes as unknown as BodyInit, fileHeaders(name)),
    parseBytes: (name, bytes) => call<LoadedTopology>('POST', 'api/parse', bytes as unknown as BodyInit, fileHeaders(name)),
    openInitial: () => call<LoadedTopology>('POST', 'api/open-initial'),
    exportData: (kind) => call<string>('GET', `api/export/${kind}`),
    save: async (kind, data, suggestedName) => {
      // The browser's own download is the atomic, never-overwriting save here.
      const blob = new Blob([data as BlobPart], { type: MIME[kind] });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = suggestedName;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return { ok: true, value: suggestedName };
    },
    captureMachine: async () => ({ ok: false, error: 'capture runs on the machine itself: topolens capture -o FILE.tar.gz' }),
    onMenu: (cb) => {
      menuCbs.add(cb);
      return () => menuCbs.delete(cb);
    },
    onTopologyChanged: () => () => {},
  };
}

export function createApi(): TopolensApi {
  return window.topolens ? ipcApi(window.topolens) : httpApi();
}
