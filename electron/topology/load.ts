// The engine's front door: turns any input (live, a sysfs folder, a capture archive,
// a snapshot, lspci text, hwloc XML) into one annotated topology plus diagnostics,
// through sources/ (records) and build/ (buildTopology). It detects the format and
// delegates; it parses nothing itself. An input that yields nothing usable is an
// InputError (live mode on a non-Linux desktop keeps its note instead).
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { basename, join } from 'node:path';
import { buildTopology } from './build';
import { InputError } from './errors';
import type { Diagnostic, Snapshot, SourceKind } from './model';
import type { SourceRecords } from './records';
import { openArchive, sniffCompression } from './sources/archive';
import { looksLikeNcclXml } from './parse/nccl-xml';
import { readHostFacts } from './sources/host-facts';
import { readSysfs } from './sources/read-sysfs';
import { DiskRoot, type SysfsRoot } from './sources/sysfs-root';

export interface LoadResult {
  readonly topology: Snapshot;
  readonly diagnostics: readonly Diagnostic[];
}

export interface LoadOptions {
  /** Skip systeminformation in live mode (tests, benchmarks). */
  readonly hostFacts?: boolean;
  readonly now?: () => Date;
}

/** Largest text input (lspci, XML, JSON) read whole. */
export const MAX_TEXT_BYTES = 256 * 1024 * 1024;

export function snapshotFromRoot(root: SysfsRoot, kind: SourceKind, name: string, now: Date = new Date()): LoadResult {
  return buildTopology(readSysfs(root, { kind, name }, now.toISOString()));
}

/** Where the sysfs of a folder is: the folder itself if it holds sys/, else null. */
function sysfsFolder(dir: string): string | null {
  const has = (p: string) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  if (has(join(dir, 'sys')) || has(join(dir, 'proc'))) return dir;
  if (basename(dir) === 'sys' && has(join(dir, 'bus'))) return join(dir, '..');
  return null;
}

/** Live mode off Linux: the host facts and a note, no PCIe/NUMA tree (that needs sysfs). */
function nonLinuxRecords(facts: Awaited<ReturnType<typeof readHostFacts>> | null, now: Date): SourceRecords {
  return {
    source: { kind: 'live', name: facts?.hostname ?? 'localhost' },
    path: 'live',
    capturedAt: now.toISOString(),
    machine: {
      hostname: facts?.hostname ?? null,
      arch: facts?.arch ?? 'unknown',
      archSource: 'os.machine()',
      kernel: facts?.kernel ?? null,
      cpuModel: facts?.cpuBrand ?? null,
      os: facts?.os ?? process.platform,
      totalMemoryBytes: facts?.totalMemoryBytes ?? null,
      note: `live mode on ${process.platform}: the PCIe/NUMA tree needs Linux's sysfs. Open a capture made on Linux (topolens capture) to see one.`,
    },
    cpus: [],
    numaNodes: [],
    functions: [],
    osDevices: [],
    hostBridges: [],
    cxl: { memdevs: [], regions: [] },
    diagnostics: [{ severity: 'info', path: 'live', message: `PCIe topology is read from Linux sysfs; this is ${process.platform}` }],
  };
}

async function loadLive(opts: LoadOptions): Promise<LoadResult> {
  const fsroot = process.env['TOPOLENS_FS_ROOT'];
  const now = opts.now?.() ?? new Date();
  if (fsroot) return snapshotFromRoot(new DiskRoot(fsroot), 'sysfs-dir', fsroot, now);
  const facts = opts.hostFacts === false ? null : await readHostFacts();
  if (process.platform !== 'linux') return buildTopology(nonLinuxRecords(facts, now));
  const res = snapshotFromRoot(new DiskRoot('/', 'live'), 'live', facts?.hostname ?? 'localhost', now);
  if (!facts) return res;
  const m = res.topology.machine;
  const topology: Snapshot = {
    ...res.topology,
    machine: {
      ...m,
      hostname: m.hostname ?? facts.hostname,
      arch: facts.arch || m.arch,
      archSource: 'uname -m (live)',
      kernel: m.kernel ?? facts.kernel,
      cpuModel: m.cpuModel ?? facts.cpuBrand,
      os: facts.os,
      totalMemoryBytes: m.totalMemoryBytes ?? facts.totalMemoryBytes,
    },
  };
  return { topology, diagnostics: topology.diagnostics };
}

/**
 * Load any input. `input` is "live" (or undefined), a folder, or a file. Throws
 * InputError (with a one-line reason) for input that cannot be used at all.
 */
export async function loadInput(input?: string, opts: LoadOptions = {}): Promise<LoadResult> {
  if (input === undefined || input === 'live' || input === '-live') return loadLive(opts);
  const now = opts.now?.() ?? new Date();
  let st;
  try {
    st = statSync(input);
  } catch {
    throw new InputError('no such file or folder', input);
  }
  if (st.isDirectory()) {
    const dir = sysfsFolder(input);
    if (!dir) throw new InputError('folder holds no sys/ or proc/: not a sysfs capture', input);
    return requireSomething(snapshotFromRoot(new DiskRoot(dir, input), 'sysfs-dir', input, now), input, 'sysfs folder');
  }
  if (!st.isFile()) throw new InputError('not a regular file', input);
  const head = readHead(input, 512);
  if (sniffCompression(head) !== null) {
    // Streamed: the decompressed tar is walked as it arrives, never held whole.
    const a = await (async () => {
      try {
        return await openArchive(input);
      } catch (e) {
        if (e instanceof InputError) throw new InputError(e.message, input);
        throw e;
      }
    })();
    const res = snapshotFromRoot(a.root, 'archive', basename(input), now);
    const diagnostics = [...a.diagnostics, ...res.diagnostics];
    const topology = { ...res.topology, diagnostics };
    return requireSomething({ topology, diagnostics }, input, 'archive');
  }
  if (st.size > MAX_TEXT_BYTES) throw new InputError(`file is ${st.size} bytes, larger than the ${MAX_TEXT_BYTES}-byte limit for text inputs`, input);
  const buf = readFileSync(input);
  if (looksBinary(buf)) throw new InputError('binary data that is not a tar/gzip/bzip2 archive', input);
  // Most inputs are ASCII (lspci -nn, lstopo's XML): then latin1 gives the same string
  // without the UTF-8 decoder, ≈ 3× faster on an 18 MB text.
  const text = isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    // Lazily: the snapshot validator (ajv) costs more to load than a sysfs capture to read.
    const { parseSnapshot } = await import('./sources/snapshot');
    return parseSnapshot(text, input);
  }
  if (trimmed.startsWith('<') && looksLikeNcclXml(trimmed)) {
    const { snapshotFromNcclXml } = await import('./sources/nccl-xml');
    return requireSomething(snapshotFromNcclXml(text, basename(input)), input, 'NCCL topology XML');
  }
  if (trimmed.startsWith('<')) {
    const { snapshotFromHwlocXml } = await import('./sources/hwloc-xml');
    let res: LoadResult;
    try {
      res = snapshotFromHwlocXml(text, basename(input));
    } catch (e) {
      // The reader names the file as the snapshot will ("name.xml:LINE"); the user gave a path.
      if (e instanceof InputError && e.path?.startsWith(basename(input))) throw new InputError(e.message, input + e.path.slice(basename(input).length));
      throw e;
    }
    return requireSomething(res, input, 'hwloc XML');
  }
  const { snapshotFromLspci } = await import('./sources/lspci');
  return requireSomething(snapshotFromLspci(text, basename(input)), input, 'lspci text');
}

/**
 * An input that gave no PCI function, CPU or NUMA node cannot be shown: InputError, with
 * the reader's own error when it has one ("not lspci output: ..."). A snapshot is exempt:
 * it says what it is (a non-Linux live snapshot is empty on purpose).
 */
function requireSomething(res: LoadResult, input: string, what: string): LoadResult {
  const t = res.topology;
  if (t.pci.devices.length > 0 || t.machine.cpus.length > 0 || t.numaNodes.length > 0) return res;
  const err = res.diagnostics.find((d) => d.severity === 'error');
  throw new InputError(err ? err.message : `${what} with no PCI functions, CPUs or NUMA nodes`, input);
}

function readHead(file: string, n: number): Uint8Array {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } catch (e) {
    throw new InputError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, file);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** NUL bytes or mostly non-text in the first 8 KiB. */
function looksBinary(buf: Uint8Array): boolean {
  const n = Math.min(buf.length, 8192);
  let bad = 0;
  for (let i = 0; i < n; i += 1) {
    const c = buf[i]!;
    if (c === 0) return true;
    if (c < 9 || (c > 13 && c < 32)) bad += 1;
  }
  return n > 0 && bad / n > 0.1;
}
