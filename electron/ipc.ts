// The one contract between the app's renderer and its hosts (the Electron main
// process over IPC, or `topolens serve` over HTTP): channel names, argument and result
// types, and the argument checks both hosts run. Types and pure checks only.
import type { Snapshot } from './topology/model';

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export interface LoadedTopology {
  readonly snapshot: Snapshot;
  /** What was loaded, for the title bar: "live", a file name. */
  readonly input: string;
  /** True when Reload re-reads a live machine or a file (false for dropped bytes). */
  readonly reloadable: boolean;
  /**
   * True when this is the host's own input (the app's command-line FILE, serve's INPUT);
   * false after the user opened something else ("Back to INPUT" then makes sense).
   * Absent from hosts that predate it.
   */
  readonly initial?: boolean;
}

export type ExportKind = 'svg' | 'png' | 'json' | 'text';
export const EXPORT_KINDS: readonly ExportKind[] = ['svg', 'png', 'json', 'text'];

/** Commands the host's menus send to the renderer. */
export type MenuCommand =
  | 'find'
  | 'zoom-in'
  | 'zoom-out'
  | 'fit'
  | 'toggle-theme'
  | 'export-svg'
  | 'export-png'
  | 'export-json'
  | 'export-text';
export const MENU_COMMANDS: readonly MenuCommand[] = ['find', 'zoom-in', 'zoom-out', 'fit', 'toggle-theme', 'export-svg', 'export-png', 'export-json', 'export-text'];

/** Largest capture a user may drop onto the window (bytes). */
export const MAX_DROP_BYTES = 64 * 1024 * 1024;
/** Largest SVG/PNG/JSON/text the renderer may hand over for saving. */
export const MAX_EXPORT_BYTES = 128 * 1024 * 1024;

/** Renderer → main invocations: channel → [arguments, result]. */
export interface InvokeChannels {
  'topology:get': { args: []; result: LoadedTopology };
  'topology:reload': { args: []; result: LoadedTopology };
  /** Shows the main process's open dialog; null when cancelled. */
  'topology:open-dialog': { args: []; result: LoadedTopology | null };
  'topology:open-recent': { args: [index: number]; result: LoadedTopology };
  'topology:recent': { args: []; result: string[] };
  /** A file dropped on the window: its bytes and base name (never a path). It becomes the current topology. */
  'topology:open-bytes': { args: [name: string, bytes: Uint8Array]; result: LoadedTopology };
  /** Parse a file's bytes into a topology WITHOUT making it the current one (the compare view). */
  'topology:parse-bytes': { args: [name: string, bytes: Uint8Array]; result: LoadedTopology };
  /** Back to the host's own input (command-line FILE, serve's INPUT). */
  'topology:open-initial': { args: []; result: LoadedTopology };
  /** JSON or text export of the current snapshot, made by the host. */
  'export:data': { args: [kind: 'json' | 'text']; result: string };
  /** Save export content through the host's save dialog; the chosen path, or null when cancelled. */
  'export:save': { args: [kind: ExportKind, data: string | Uint8Array]; result: string | null };
  /** Capture this machine into an archive through a save dialog. */
  'capture:save': { args: []; result: string | null };
}
export type InvokeChannel = keyof InvokeChannels;
export const INVOKE_CHANNELS: readonly InvokeChannel[] = [
  'topology:get', 'topology:reload', 'topology:open-dialog', 'topology:open-recent', 'topology:recent',
  'topology:open-bytes', 'topology:parse-bytes', 'topology:open-initial', 'export:data', 'export:save', 'capture:save',
];

/**
 * HTTP transport: the header that names the browser tab's session (each tab has its own
 * opened topology). The page makes the id; the server keeps a bounded number of them.
 */
export const SESSION_HEADER = 'X-Topolens-Session';
/** A session id the server accepts: 16–64 URL-safe characters. */
export function isSessionId(s: unknown): s is string {
  return typeof s === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(s);
}

/** Main → renderer events. */
export interface EventChannels {
  'menu:command': MenuCommand;
  /** The main process loaded another input (menu, command line, recent): fetch it. */
  'topology:changed': null;
}
export type EventChannel = keyof EventChannels;

/** The API the renderer sees, whatever carries it (preload's window.topolens, or HTTP). */
export interface TopolensApi {
  readonly transport: 'ipc' | 'http';
  getTopology(): Promise<Result<LoadedTopology>>;
  reload(): Promise<Result<LoadedTopology>>;
  /** Host dialog (IPC only); null when cancelled. */
  openDialog(): Promise<Result<LoadedTopology | null>>;
  openRecent(index: number): Promise<Result<LoadedTopology>>;
  recent(): Promise<Result<string[]>>;
  openBytes(name: string, bytes: Uint8Array): Promise<Result<LoadedTopology>>;
  /** Parse bytes into a topology without changing the current one (for comparing). */
  parseBytes(name: string, bytes: Uint8Array): Promise<Result<LoadedTopology>>;
  /** Back to the host's own input; Reload then re-reads it. */
  openInitial(): Promise<Result<LoadedTopology>>;
  exportData(kind: 'json' | 'text'): Promise<Result<string>>;
  /** Saves through the host (IPC: a save dialog; HTTP: a browser download). */
  save(kind: ExportKind, data: string | Uint8Array, suggestedName: string): Promise<Result<string | null>>;
  captureMachine(): Promise<Result<string | null>>;
  onMenu(cb: (cmd: MenuCommand) => void): () => void;
  onTopologyChanged(cb: () => void): () => void;
}

/** The preload's surface (window.topolens): the IPC subset of TopolensApi. */
export type PreloadApi = Omit<TopolensApi, 'transport' | 'save'> & {
  save(kind: ExportKind, data: string | Uint8Array): Promise<Result<string | null>>;
};

/** Argument checks, shared by the IPC handlers and the HTTP server. Null when valid, else why not. */
export function checkArgs(channel: InvokeChannel, args: readonly unknown[]): string | null {
  const n = (k: number) => (args.length === k ? null : `${channel}: expected ${k} argument(s), got ${args.length}`);
  switch (channel) {
    case 'topology:get':
    case 'topology:reload':
    case 'topology:open-dialog':
    case 'topology:recent':
    case 'topology:open-initial':
    case 'capture:save':
      return n(0);
    case 'topology:open-recent':
      return n(1) ?? (Number.isInteger(args[0]) && (args[0] as number) >= 0 && (args[0] as number) < 50 ? null : 'recent index out of range');
    case 'topology:open-bytes':
    case 'topology:parse-bytes': {
      const bad = n(2);
      if (bad) return bad;
      const [name, bytes] = args;
      if (!isBaseName(name)) return 'file name must be a base name';
      if (!(bytes instanceof Uint8Array)) return 'file content must be bytes';
      if (bytes.byteLength > MAX_DROP_BYTES) return `file is larger than ${MAX_DROP_BYTES} bytes`;
      return null;
    }
    case 'export:data':
      return n(1) ?? (args[0] === 'json' || args[0] === 'text' ? null : 'export kind must be json or text');
    case 'export:save': {
      const bad = n(2);
      if (bad) return bad;
      const [kind, data] = args;
      if (!EXPORT_KINDS.includes(kind as ExportKind)) return 'unknown export kind';
      if (kind === 'png' ? !(data instanceof Uint8Array) : typeof data !== 'string') return kind === 'png' ? 'PNG data must be bytes' : 'export data must be text';
      const size = typeof data === 'string' ? data.length : (data as Uint8Array).byteLength;
      return size > MAX_EXPORT_BYTES ? 'export data too large' : null;
    }
    default:
      return `unknown channel ${String(channel)}`;
  }
}

/** A file's base name as a user's file picker gives it: 1–255 characters, no slash, backslash or NUL, not "." or "..". */
export function isBaseName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= 255 && !/[/\\\0]/.test(name) && name !== '.' && name !== '..';
}

/** Suggested file name for an export of this snapshot. */
export function exportFileName(s: Pick<Snapshot, 'machine' | 'source'>, kind: ExportKind): string {
  const base = (s.machine.hostname ?? s.source.name ?? 'topology').replace(/\.(tar\.(gz|bz2)|tgz|json|xml|txt)$/i, '').replace(/[^A-Za-z0-9._+-]+/g, '_').slice(0, 80) || 'topology';
  const ext = kind === 'text' ? 'txt' : kind;
  return `${base}-topology.${ext}`;
}
