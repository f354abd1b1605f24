// Loading a fleet for `topolens fleet`: which files and folders are members (and what
// each is called), and loading them in parallel in child processes of the same CLI,
// one per core. Each child answers with a capture's model and fingerprint and keeps
// the compact snapshot until the parent asks for the few its diffs need. Progress on
// stderr only when it is a terminal. It does not analyse anything (compare/fleet does).
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { InputError } from '../topology/errors';
import type { Snapshot } from '../topology/model';
import type { FleetKey, FleetReport } from '../topology/compare/fleet';

export interface Member {
  /** Name in the report: the argument as given, or the entry's name inside a DIR argument. */
  readonly member: string;
  /** What to load: a capture file or a sysfs folder. */
  readonly path: string;
}

const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
const isSysfsFolder = (p: string) => isDir(join(p, 'sys')) || isDir(join(p, 'proc'));
const visible = (dir: string) => readdirSync(dir).filter((n) => !n.startsWith('.')).sort();

/**
 * Members inside one entry of a DIR: a capture file is one member; a sysfs folder is
 * one; a folder per host (what Ansible's fetch and `ssh host topolens capture -o -`
 * loops make) holding one capture is one member named by the folder, and holding
 * several, one member per file ("host/file").
 */
function membersOfEntry(dir: string, name: string): Member[] {
  const p = join(dir, name);
  if (isFile(p)) return [{ member: name, path: p }];
  if (!isDir(p)) return [];
  if (isSysfsFolder(p)) return [{ member: name, path: p }];
  const files = visible(p).filter((f) => isFile(join(p, f)) || isSysfsFolder(join(p, f)));
  if (files.length === 1) return [{ member: name, path: join(p, files[0]!) }];
  return files.map((f) => ({ member: `${name}/${f}`, path: join(p, f) }));
}

/** Expand the command line's DIR|FILE arguments into members. Unusable argument → InputError. */
export function listMembers(args: readonly string[]): Member[] {
  const out: Member[] = [];
  for (const a of args) {
    if (isFile(a) || (isDir(a) && isSysfsFolder(a))) out.push({ member: a, path: a });
    else if (isDir(a)) {
      const inside = visible(a).flatMap((n) => membersOfEntry(a, n));
      if (inside.length === 0) throw new InputError('folder holds no captures', a);
      out.push(...inside);
    } else throw new InputError('no such file or folder', a);
  }
  const seen = new Set<string>();
  for (const m of out) {
    if (seen.has(m.member)) throw new InputError(`named twice in this fleet (${m.member}); give each capture once`, m.path);
    seen.add(m.member);
  }
  return out;
}

/** What a loader answers for one capture: its grouping key, or why it is unusable. */
type Keyed = { ok: true; model: string; fingerprint: string } | { ok: false; error: string };

/** Load one capture, reduced to what the comparison reads, with its model and fingerprint. */
export async function loadOne(path: string): Promise<{ keyed: Keyed; snapshot: Snapshot | null }> {
  const [{ loadInput }, { compactForCompare, fingerprint, modelKey }] = await Promise.all([import('../topology/load'), import('../topology/compare/fingerprint')]);
  try {
    const snap = compactForCompare((await loadInput(path, { hostFacts: false })).topology);
    return { keyed: { ok: true, model: modelKey(snap), fingerprint: fingerprint(snap) }, snapshot: snap };
  } catch (e) {
    const error = e instanceof InputError ? e.message : `internal error: ${(e as Error).message}`;
    return { keyed: { ok: false, error }, snapshot: null };
  }
}

/** The environment variable that makes `topolens fleet` a loader child. */
export const WORKER_ENV = 'TOPOLENS_FLEET_WORKER';

type ToWorker = { id: number; path: string } | { get: number[] };
type FromWorker = ({ id: number } & Keyed) | { got: Array<[number, Snapshot]> };

/**
 * Child side: load each path the parent sends and answer with its key only, keeping the
 * snapshot; send the snapshots the parent asks for afterwards (outliers and references:
 * a few, not the whole fleet through the pipe). Ends when the parent disconnects.
 */
export function serveAsWorker(): Promise<number> {
  const kept = new Map<number, Snapshot>();
  return new Promise((resolve) => {
    process.on('message', (m: ToWorker) => {
      if ('get' in m) {
        process.send!({ got: m.get.map((id) => [id, kept.get(id)!]) } satisfies FromWorker);
        return;
      }
      void loadOne(m.path).then((r) => {
        if (r.snapshot) kept.set(m.id, r.snapshot);
        process.send!({ id: m.id, ...r.keyed } satisfies FromWorker);
      });
    });
    process.on('disconnect', () => resolve(0));
  });
}

interface Progress {
  tick(done: number, total: number): void;
  end(): void;
}

/** "\r loaded 120/1000 captures" on a terminal, at most 10 times a second; nothing otherwise. */
function progress(): Progress {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    tick(done, total) {
      const now = Date.now();
      if (!tty || (now - last < 100 && done < total)) return;
      last = now;
      shown = true;
      process.stderr.write(`\rtopolens: loaded ${done}/${total} captures`);
    },
    end() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

/**
 * The CLI's entry script when this process is one: bin/topolens.cjs or .mjs, also
 * through npm's `topolens` link (node_modules/.bin, a global bin dir), hence realpath.
 */
function cliScript(): string | null {
  const s = process.argv[1];
  if (!s) return null;
  try {
    const real = realpathSync(s);
    return /^topolens\.(c|m)?js$/.test(basename(real)) ? real : null;
  } catch {
    return null;
  }
}

function startWorkers(n: number, script: string): ChildProcess[] {
  return Array.from({ length: n }, () =>
    fork(script, ['fleet'], { env: { ...process.env, [WORKER_ENV]: '1' }, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }),
  );
}

/** A loaded fleet: keys for grouping, errors, and the snapshots of the members asked for. */
export interface LoadedFleet {
  readonly keys: FleetKey[];
  readonly errors: FleetReport['errors'];
  snapshots(members: readonly string[]): Promise<Map<string, Snapshot>>;
  close(): void;
}

async function loadInProcess(members: readonly Member[], bar: Progress): Promise<LoadedFleet> {
  const kept = new Map<string, Snapshot>();
  const results: Keyed[] = [];
  for (let i = 0; i < members.length; i += 1) {
    const r = await loadOne(members[i]!.path);
    if (r.snapshot) kept.set(members[i]!.member, r.snapshot);
    results.push(r.keyed);
    bar.tick(i + 1, members.length);
  }
  return { ...collect(members, results), snapshots: async (names) => new Map(names.map((n) => [n, kept.get(n)!])), close: () => {} };
}

function collect(members: readonly Member[], results: readonly Keyed[]): { keys: FleetKey[]; errors: FleetReport['errors'] } {
  const keys: FleetKey[] = [];
  const errors: { member: string; error: string }[] = [];
  results.forEach((r, i) => {
    const member = members[i]!.member;
    if (r.ok) keys.push({ member, model: r.model, fingerprint: r.fingerprint });
    else errors.push({ member, error: r.error });
  });
  return { keys, errors };
}

/** Ask each child for the snapshots it kept of `ids`. */
function fetchFrom(workers: readonly ChildProcess[], owner: readonly number[], ids: readonly number[]): Promise<Map<number, Snapshot>> {
  const out = new Map<number, Snapshot>();
  return Promise.all(
    workers.map((w, wi) => {
      const mine = ids.filter((id) => owner[id] === wi);
      if (!mine.length) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const gone = (code: number | null) => reject(new Error(`a fleet loader process exited (status ${code}) before sending its captures back`));
        const on = (m: FromWorker) => {
          if (!('got' in m)) return;
          for (const [id, snap] of m.got) out.set(id, snap);
          w.off('message', on);
          w.off('exit', gone);
          resolve();
        };
        w.on('message', on);
        w.once('exit', gone);
        w.send({ get: mine } satisfies ToWorker);
      });
    }),
  ).then(() => out);
}

async function loadInChildren(members: readonly Member[], jobs: number, script: string, bar: Progress): Promise<LoadedFleet> {
  const workers = startWorkers(Math.min(jobs, members.length), script);
  const results: Keyed[] = new Array(members.length);
  const owner: number[] = new Array(members.length);
  let next = 0;
  let done = 0;
  const close = () => workers.forEach((w) => w.connected && w.disconnect());
  try {
    await new Promise<void>((resolve, reject) => {
      const send = (wi: number) => {
        if (next >= members.length) return;
        owner[next] = wi;
        workers[wi]!.send({ id: next, path: members[next++]!.path } satisfies ToWorker);
      };
      workers.forEach((w, wi) => {
        w.on('message', (m: FromWorker) => {
          if ('got' in m) return;
          results[m.id] = m;
          bar.tick((done += 1), members.length);
          if (done === members.length) resolve();
          else send(wi);
        });
        w.on('exit', (code) => {
          if (w.connected || done < members.length) reject(new Error(`a fleet loader process exited (status ${code}) before the fleet was compared`));
        });
        send(wi);
        send(wi); // two in flight: the child reads the next file while the parent takes the answer
      });
    });
  } catch (e) {
    close();
    throw e;
  }
  const index = new Map(members.map((m, i) => [m.member, i]));
  return {
    ...collect(members, results),
    snapshots: async (names) => {
      const got = await fetchFrom(workers, owner, names.map((n) => index.get(n)!));
      return new Map(names.map((n) => [n, got.get(index.get(n)!)!]));
    },
    close,
  };
}

/**
 * Load every member: with `jobs` child processes of this CLI (one per core by default),
 * or in this process when jobs ≤ 1, the fleet is tiny, or this is not the CLI (tests
 * calling the command directly). Progress on stderr when it is a terminal.
 */
export async function loadFleet(members: readonly Member[], jobs = availableParallelism()): Promise<LoadedFleet> {
  const bar = progress();
  const script = cliScript();
  try {
    return jobs <= 1 || !script || members.length < 4 ? await loadInProcess(members, bar) : await loadInChildren(members, jobs, script, bar);
  } finally {
    bar.end();
  }
}
