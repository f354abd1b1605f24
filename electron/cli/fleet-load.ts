// Loading a fleet for `topolens fleet`: which files and folders are members (and what
// each is called), and loading them in parallel in child processes of the same CLI,
// one per core, each returning a compact snapshot and its fingerprint. Progress on
// stderr only when it is a terminal. It does not analyse anything (compare/fleet does).
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { InputError } from '../topology/errors';
import type { Snapshot } from '../topology/model';
import type { FleetEntry, FleetReport } from '../topology/compare/fleet';

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

type Loaded = { ok: true; snapshot: Snapshot; fingerprint: string } | { ok: false; error: string };

/** Load one capture and reduce it to what the comparison reads. */
export async function loadOne(path: string): Promise<Loaded> {
  const [{ loadInput }, { compactForCompare, fingerprint }] = await Promise.all([import('../topology/load'), import('../topology/compare/fingerprint')]);
  try {
    const snap = compactForCompare((await loadInput(path, { hostFacts: false })).topology);
    return { ok: true, snapshot: snap, fingerprint: fingerprint(snap) };
  } catch (e) {
    if (e instanceof InputError) return { ok: false, error: e.message };
    return { ok: false, error: `internal error: ${(e as Error).message}` };
  }
}

/** The environment variable that makes `topolens fleet` a loader child. */
export const WORKER_ENV = 'TOPOLENS_FLEET_WORKER';

/** Child side: load each path the parent sends, answer with the result, until disconnected. */
export function serveAsWorker(): Promise<number> {
  return new Promise((resolve) => {
    process.on('message', (m: { id: number; path: string }) => {
      void loadOne(m.path).then((r) => process.send!({ id: m.id, ...r }));
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

/** The CLI's entry script when this process is one (bin/topolens.cjs or .mjs, or the bundle). */
function cliScript(): string | null {
  const s = process.argv[1];
  return s && /^topolens\.(c|m)?js$/.test(basename(s)) ? s : null;
}

function startWorkers(n: number, script: string): ChildProcess[] {
  return Array.from({ length: n }, () =>
    fork(script, ['fleet'], { env: { ...process.env, [WORKER_ENV]: '1' }, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }),
  );
}

/** Load every member with `jobs` children (2 captures in flight each); in-process when jobs ≤ 1 or no CLI script. */
export async function loadFleet(members: readonly Member[], jobs = availableParallelism()): Promise<{ entries: FleetEntry[]; errors: FleetReport['errors'] }> {
  const results: Loaded[] = new Array(members.length);
  const bar = progress();
  let done = 0;
  const script = cliScript();
  if (jobs <= 1 || !script || members.length < 4) {
    for (let i = 0; i < members.length; i += 1) {
      results[i] = await loadOne(members[i]!.path);
      bar.tick((done += 1), members.length);
    }
  } else {
    const workers = startWorkers(Math.min(jobs, members.length), script);
    let next = 0;
    await new Promise<void>((resolve, reject) => {
      const send = (w: ChildProcess) => {
        if (next < members.length) w.send({ id: next, path: members[next++]!.path });
      };
      for (const w of workers) {
        w.on('message', (m: { id: number } & Loaded) => {
          results[m.id] = m;
          bar.tick((done += 1), members.length);
          if (done === members.length) resolve();
          else send(w);
        });
        w.on('exit', (code) => {
          if (done < members.length) reject(new Error(`a fleet loader process exited (status ${code}) before the fleet was loaded`));
        });
        send(w);
        send(w);
      }
    }).finally(() => workers.forEach((w) => w.connected && w.disconnect()));
  }
  bar.end();
  const entries: FleetEntry[] = [];
  const errors: { member: string; error: string }[] = [];
  results.forEach((r, i) => {
    const m = members[i]!;
    if (r.ok) entries.push({ member: m.member, snapshot: r.snapshot, fingerprint: r.fingerprint });
    else errors.push({ member: m.member, error: r.error });
  });
  return { entries, errors };
}
