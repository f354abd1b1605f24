// The host service: the one set of handlers behind the renderer's API, shared by both
// transports — Electron IPC (electron/main) and loopback HTTP (electron/cli/serve). Every
// call's arguments go through checkArgs first; answers are Result values, never throws.
// It keeps what each viewer has open (sessions) and the host's own input. It knows no
// transport, no dialogs (the Electron adapter passes those in as a HostPlatform), and
// reads no file except through the engine's loadInput.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkArgs, exportFileName, type ExportKind, type InvokeChannel, type InvokeChannels, type LoadedTopology, type Result } from '../ipc';
import { InputError } from '../topology/errors';
import { exportJson } from '../topology/export/json';
import { exportText } from '../topology/export/text';
import { loadInput } from '../topology/load';
import type { Snapshot } from '../topology/model';
import { SessionStore, type Session } from './sessions';

/** What only some hosts can do (Electron: dialogs, a recent list). Absent → a clear error. */
export interface HostPlatform {
  /** A path the user picked in the host's own dialog; undefined when cancelled. */
  chooseFile?(): Promise<string | undefined>;
  recent?(): readonly string[];
  addRecent?(path: string): void;
  /** Save through the host's save dialog; the path chosen, or null when cancelled. */
  saveExport?(kind: ExportKind, data: string | Uint8Array, suggestedName: string): Promise<string | null>;
  saveCapture?(): Promise<string | null>;
}

export interface HostServiceOptions {
  /** The host's own input: a path, "live" or undefined (this machine). */
  readonly initialInput?: string;
  readonly platform?: HostPlatform;
  /** Most sessions kept (serve: browser tabs); the least recently used is forgotten. */
  readonly maxSessions?: number;
  /** Loads an input (tests inject one); default the engine's loadInput. */
  readonly load?: (input: string | undefined) => Promise<Snapshot>;
}

export interface HostService {
  /** Load the host's own input now; throws InputError when it is unusable. */
  loadInitial(): Promise<LoadedTopology>;
  /** One API call from a viewer: checked arguments, then the channel's handler. */
  invoke(sessionId: string, channel: InvokeChannel | string, args: readonly unknown[]): Promise<Result<unknown>>;
  /** Open a path (or live) in a session, as the host's menus and command line do. */
  openPath(sessionId: string, input: string | undefined): Promise<Result<LoadedTopology>>;
  /** What a session shows now (its own file, else the host's input). */
  current(sessionId: string): Promise<Result<LoadedTopology>>;
  readonly sessions: SessionStore;
}

/** The one-line message a viewer sees for an error. */
export function errorMessage(e: unknown): string {
  if (e instanceof InputError) return `${e.path ? `${e.path}: ` : ''}${e.message}`;
  return `internal error: ${(e as Error)?.message ?? String(e)}`;
}

const defaultLoad = async (input: string | undefined): Promise<Snapshot> => (await loadInput(input)).topology;

/**
 * Load a file the user handed over as bytes (drop, browser file picker): written under
 * a private temp folder with its base name, loaded, removed. Errors name the user's
 * file (`name`), never the temp path.
 */
export async function loadBytes(name: string, bytes: Uint8Array, load: (input: string) => Promise<Snapshot> = defaultLoad): Promise<Snapshot> {
  const dir = mkdtempSync(join(tmpdir(), 'topolens-drop-'));
  const file = join(dir, name.replace(/^\.+/, '_'));
  const scrub = (s: string) => s.split(file).join(name).split(dir).join('(dropped file)');
  try {
    writeFileSync(file, bytes);
    return await load(file);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(scrub(e.message), e.path === undefined ? name : scrub(e.path));
    const err = new Error(scrub((e as Error)?.message ?? String(e)));
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Handlers = { [C in InvokeChannel]: (s: Session, ...args: InvokeChannels[C]['args']) => Promise<InvokeChannels[C]['result']> };

function need<T>(fn: T | undefined, what: string): T {
  if (!fn) throw new InputError(`${what} is not available here`);
  return fn;
}

/** What the viewers see: the host's own input (loaded once, shared) and each session's file. */
class Viewers {
  private initial: LoadedTopology | null = null;
  readonly sessions: SessionStore;

  constructor(
    private readonly initialInput: string | undefined,
    private readonly load: (input: string | undefined) => Promise<Snapshot>,
    private readonly platform: HostPlatform,
    maxSessions: number,
  ) {
    this.sessions = new SessionStore(maxSessions, (id) => ({ id, loaded: null, input: initialInput }));
  }

  async loadInitial(): Promise<LoadedTopology> {
    this.initial = { snapshot: await this.load(this.initialInput), input: this.initialInput ?? 'live', reloadable: true, initial: true };
    return this.initial;
  }

  async showInitial(s: Session): Promise<LoadedTopology> {
    s.loaded = this.initial ?? (await this.loadInitial());
    s.input = this.initialInput;
    return s.loaded;
  }

  async shown(s: Session): Promise<LoadedTopology> {
    return s.loaded ?? this.showInitial(s);
  }

  async openIn(s: Session, input: string | undefined): Promise<LoadedTopology> {
    const path = input === 'live' ? undefined : input;
    // The host's own input again: re-read it; it stays "the input".
    if (path === this.initialInput) s.loaded = await this.loadInitial();
    else s.loaded = { snapshot: await this.load(path), input: path ?? 'live', reloadable: true, initial: false };
    s.input = path;
    if (path) this.platform.addRecent?.(path);
    return s.loaded;
  }

  /** Re-read what the session shows; dropped bytes cannot be re-read and stay as they are. */
  async reload(s: Session): Promise<LoadedTopology> {
    const cur = await this.shown(s);
    if (s.input === null || !cur.reloadable) return cur;
    s.loaded = cur.initial ? await this.loadInitial() : { ...cur, snapshot: await this.load(s.input) };
    return s.loaded;
  }

  async parseBytes(name: string, bytes: Uint8Array): Promise<LoadedTopology> {
    return { snapshot: await loadBytes(name, bytes, this.load), input: name, reloadable: false, initial: false };
  }

  async openBytes(s: Session, name: string, bytes: Uint8Array): Promise<LoadedTopology> {
    s.loaded = await this.parseBytes(name, bytes);
    s.input = null;
    return s.loaded;
  }
}

/** One handler per channel of the contract (arguments already checked). */
function channelHandlers(v: Viewers, platform: HostPlatform): Handlers {
  return {
    'topology:get': (s) => v.shown(s),
    'topology:reload': (s) => v.reload(s),
    'topology:open-initial': (s) => v.showInitial(s),
    'topology:open-dialog': async (s) => {
      const p = await need(platform.chooseFile, 'a file dialog')();
      return p === undefined ? null : v.openIn(s, p);
    },
    'topology:recent': async () => [...(platform.recent?.() ?? [])],
    'topology:open-recent': async (s, i) => {
      const p = platform.recent?.()[i];
      if (!p) throw new InputError('no such recent file');
      return v.openIn(s, p);
    },
    'topology:open-bytes': (s, name, bytes) => v.openBytes(s, name, bytes),
    'topology:parse-bytes': (_s, name, bytes) => v.parseBytes(name, bytes),
    'export:data': async (s, kind) => {
      const t = (await v.shown(s)).snapshot;
      return kind === 'json' ? exportJson(t) : exportText(t, { all: true });
    },
    'export:save': async (s, kind, data) => need(platform.saveExport, 'saving through a dialog')(kind, data, exportFileName((await v.shown(s)).snapshot, kind)),
    'capture:save': async () => need(platform.saveCapture, 'capture')(),
  };
}

async function attempt<T>(f: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    return { ok: false, error: errorMessage(e) };
  }
}

export function createHostService(opts: HostServiceOptions = {}): HostService {
  const platform = opts.platform ?? {};
  const v = new Viewers(opts.initialInput === 'live' ? undefined : opts.initialInput, opts.load ?? defaultLoad, platform, opts.maxSessions ?? 16);
  const handlers = channelHandlers(v, platform);
  return {
    sessions: v.sessions,
    loadInitial: () => v.loadInitial(),
    async invoke(sessionId, channel, args) {
      const bad = checkArgs(channel as InvokeChannel, args);
      if (bad) return { ok: false, error: bad };
      const fn = handlers[channel as InvokeChannel] as (s: Session, ...a: readonly unknown[]) => Promise<unknown>;
      return attempt(() => fn(v.sessions.get(sessionId), ...args));
    },
    openPath: (sessionId, input) => attempt(() => v.openIn(v.sessions.get(sessionId), input)),
    current: (sessionId) => attempt(() => v.shown(v.sessions.get(sessionId))),
  };
}
