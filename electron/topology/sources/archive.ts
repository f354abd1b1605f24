// Opens capture archives (.tar, .tar.gz/.tgz, .tar.bz2: hwloc-gather-topology's and
// topolens capture's) in memory, with limits on size and entry count. openArchive
// streams: the decompressor's output is walked as it arrives and only file contents
// are kept (in an arena), never the whole tar image, which is mostly 512-byte headers
// and padding. Unsafe entries (../, absolute paths, devices, FIFOs, links out of the
// root) are dropped and reported; nothing is written to disk.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createGunzip, gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { InputError } from '../errors';
import type { Diagnostic } from '../model';
import { TarError, TarReader, type TarEntry } from '../parse/tar';
import { MAX_PROC_BYTES, MemRoot, MemTree, normalizeInRoot, type MemEntry } from './sysfs-root';

export interface ArchiveLimits {
  /** Largest compressed file accepted. */
  readonly maxCompressedBytes: number;
  /** Largest decompressed tar image (decompression bombs stop here). */
  readonly maxBytes: number;
  readonly maxEntries: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxCompressedBytes: 256 * 1024 * 1024,
  maxBytes: 1024 * 1024 * 1024,
  maxEntries: 2_000_000,
};

export type Compression = 'gzip' | 'bzip2' | 'none';

export function sniffCompression(head: Uint8Array): Compression | null {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (head.length >= 262 && Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar') return 'none';
  return null;
}

const limitError = (max: number) => new InputError(`decompresses to more than ${max} bytes (limit)`);

/** Where the system's bzip2 may be: fixed paths, never a PATH search. */
const BZIP2_PATHS = ['/usr/bin/bzip2', '/bin/bzip2'];
/** Block magic and end-of-stream magic: one of them follows every stream's "BZh1"-"BZh9". */
const STREAM_MAGICS = [Buffer.from('314159265359', 'hex'), Buffer.from('177245385090', 'hex')];

/** Does a second bzip2 stream start after the first one's header? */
function hasLaterStream(input: Buffer): boolean {
  for (const magic of STREAM_MAGICS) {
    for (let at = input.indexOf(magic, 5); at >= 0; at = input.indexOf(magic, at + 1)) {
      const level = input[at - 1]!;
      if (input[at - 4] === 0x42 && input[at - 3] === 0x5a && input[at - 2] === 0x68 && level >= 0x31 && level <= 0x39) return true;
    }
  }
  return false;
}

/**
 * The system's bzip2 (C, ~5x faster than the JavaScript decoder) when installed and
 * the input is one stream; null means "use the JavaScript decoder": no bzip2, or more
 * than one stream (the JavaScript decoder reads the first only, and both must agree).
 */
function nativeBzip2(input: Buffer): string | null {
  if (process.env['TOPOLENS_NATIVE_BZIP2'] === '0') return null;
  const bin = BZIP2_PATHS.find((p) => existsSync(p));
  return !bin || hasLaterStream(input) ? null : bin;
}

/**
 * The system bzip2, whole output. null when it is not used or failed (so corrupt
 * input gets the JavaScript decoder's diagnosis). Output beyond `max` is the usual
 * limit error.
 */
function bunzip2Native(input: Buffer, max: number): Uint8Array | null {
  const bin = nativeBzip2(input);
  if (bin === null) return null;
  const r = spawnSync(bin, ['-dc'], { input, maxBuffer: max, stdio: ['pipe', 'pipe', 'ignore'], env: {}, windowsHide: true });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOBUFS') throw limitError(max);
  if (r.error || r.status !== 0 || !r.stdout) return null;
  return r.stdout;
}

/** Output chunk of the JavaScript decoder. */
const JS_CHUNK = 64 * 1024;

/**
 * The JavaScript decoder (first stream only), its output handed to `push` in 64 KiB
 * chunks as it is decoded; byte max + 1 ends a chunk, so a push that counts bytes
 * stops at the limit as soon as the byte past it is decoded.
 */
function bunzip2Js(input: Buffer, max: number, push: (chunk: Uint8Array) => void): void {
  const require = createRequire(import.meta.url);
  const Bunzip = require('seek-bzip') as { decode(i: Uint8Array, o: unknown): unknown };
  let written = 0;
  let cap = Math.min(JS_CHUNK, max + 1);
  let buf = Buffer.allocUnsafe(cap);
  let pos = 0;
  const out = {
    writeByte(b: number) {
      buf[pos++] = b;
      if (pos === cap) {
        written += pos;
        push(buf);
        cap = Math.max(1, Math.min(JS_CHUNK, max + 1 - written));
        buf = Buffer.allocUnsafe(cap); // a fresh one: push may keep views of the last
        pos = 0;
      }
    },
  };
  Bunzip.decode(input, out);
  if (pos > 0) push(buf.subarray(0, pos));
}

function bunzip2(input: Uint8Array, max: number): Uint8Array {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.length);
  const native = bunzip2Native(buf, max);
  if (native) return native;
  const chunks: Uint8Array[] = [];
  let total = 0;
  bunzip2Js(buf, max, (c) => {
    total += c.length;
    if (total > max) throw limitError(max);
    chunks.push(c);
  });
  return Buffer.concat(chunks, total);
}

/** A decompressor's failure in the words users see: the limit, or corrupt data and why. */
function decompressError(e: unknown, kind: Compression, max: number): InputError {
  if (e instanceof InputError) return e;
  const code = (e as { code?: string }).code;
  if (code === 'ERR_BUFFER_TOO_LARGE' || (e as Error).name === 'RangeError') return limitError(max);
  const msg = String((e as Error).message ?? e);
  return new InputError(`${kind} data is corrupt or truncated (${msg.replace(/\s+/g, ' ').slice(0, 120)})`);
}

export function decompress(data: Uint8Array, kind: Compression, max: number): Uint8Array {
  try {
    if (kind === 'gzip') return gunzipSync(data, { maxOutputLength: max });
    if (kind === 'bzip2') return bunzip2(data, max);
    return data;
  } catch (e) {
    throw decompressError(e, kind, max);
  }
}

export interface OpenedArchive {
  readonly root: MemRoot;
  /** Folder inside the archive that holds sys/ (and proc/), "" for the top. */
  readonly top: string;
  readonly diagnostics: Diagnostic[];
}

/**
 * File contents copied out of the tar stream into shared slabs: views into the
 * decompressor's chunks would keep all of them (mostly headers and padding: 140 MB
 * for a 4k-function capture) alive as long as the tree.
 */
class Arena {
  private slab = new Uint8Array(0);
  private used = 0;
  keep(d: Uint8Array): Uint8Array {
    if (d.length === 0) return d.subarray(0, 0);
    // Large files get their own copy; small ones share 64 KiB slabs.
    if (d.length > 16 * 1024) return d.slice();
    if (this.used + d.length > this.slab.length) {
      this.slab = new Uint8Array(64 * 1024);
      this.used = 0;
    }
    this.slab.set(d, this.used);
    this.used += d.length;
    return this.slab.subarray(this.used - d.length, this.used);
  }
}

const DOTDOT = /(?:^|\/)\.\.(?:\/|$)/;

/**
 * Tar entries → the archive's files as a tree, built as they arrive (so nothing is
 * left to do once the input ends); what is unsafe is dropped and counted. The
 * capture's top (the shallowest folder holding sys/ or proc/) is followed as paths
 * are first seen.
 */
class EntryCollector {
  private readonly tree = new MemTree();
  private readonly dropped = new Map<string, { count: number; example: string }>();
  private readonly arena = new Arena();
  private top: string | null = null;
  private topDepth = Infinity;
  private drop(why: string, path: string): void {
    const d = this.dropped.get(why);
    if (d) d.count += 1;
    else this.dropped.set(why, { count: 1, example: path });
  }
  /** Store `e` at `p`; a path seen for the first time is a candidate for the top. */
  private set(p: string, e: MemEntry): void {
    const node = this.tree.node(p);
    if (node.entry === undefined) this.consider(p);
    node.entry = e;
  }
  private consider(p: string): void {
    // A path can only give a shallower top if one of its first topDepth components is
    // sys or proc (its candidate is the folder before the last of them): once the top
    // is found, most paths are ruled out by this prefix test alone.
    if (this.topDepth === 0) return;
    if (this.topDepth !== Infinity && !hasSysOrProcWithin(p, this.topDepth)) return;
    const cand = sysOrProcParent(p);
    if (cand === null) return;
    let d = 0;
    if (cand !== '') {
      d = 1;
      for (let i = cand.indexOf('/'); i >= 0; i = cand.indexOf('/', i + 1)) d += 1;
    }
    if (d < this.topDepth) {
      this.top = cand;
      this.topDepth = d;
    }
  }
  readonly add = (e: TarEntry): void => {
    const raw = e.path.includes('\\') ? e.path.replace(/\\/g, '/') : e.path;
    if (raw.startsWith('/')) return this.drop('absolute path', raw);
    if (DOTDOT.test(raw)) return this.drop('path with ..', raw);
    // Folders come as "dir/": without the slash most paths are already normal.
    const p = normalizeInRoot(raw.endsWith('/') ? raw.slice(0, -1) : raw);
    if (p === null || p === '') return;
    if (e.type === 'file') this.set(p, { type: 'file', data: this.arena.keep(e.data) });
    else if (e.type === 'dir') {
      if (this.tree.get(p) === undefined) this.set(p, { type: 'dir' });
    } else if (e.type === 'symlink') this.set(p, { type: 'link', target: e.linkTarget });
    else if (e.type === 'hardlink') {
      const t = normalizeInRoot(e.linkTarget);
      const target = t === null ? undefined : this.tree.get(t);
      if (target && target.type === 'file') this.set(p, target);
      else this.drop('hard link to a file outside the archive', raw);
    } else this.drop(`special file (tar type ${e.flag}: device, FIFO...)`, raw);
  };
  /** The tree rooted at the folder that holds sys/ (or proc/). */
  finish(name: string): OpenedArchive {
    const diagnostics: Diagnostic[] = [];
    for (const [why, d] of this.dropped) {
      diagnostics.push({ severity: 'warning', path: `${name}:${d.example}`, message: `ignored ${d.count} archive entr${d.count === 1 ? 'y' : 'ies'}: ${why}` });
    }
    if (this.top === null) throw new InputError('archive holds no sys/ or proc/ folder: not a topology capture');
    return { root: new MemRoot(this.tree, name, this.top), top: this.top, diagnostics };
  }
}

const TOP_RE = /^(?:(.*)\/)?(sys|proc)(?:\/|$)/;

/**
 * The folder before the last `sys` or `proc` component of a path ("" when the path
 * starts with one), null when it has none: what TOP_RE's first group captures,
 * by string search instead of a backtracking match per archive entry.
 */
export function sysOrProcParent(p: string): string | null {
  if (p.includes('\n')) {
    const m = TOP_RE.exec(p); // "." stops at a newline: keep the expression's own answer
    return m ? (m[1] ?? '') : null;
  }
  const at = Math.max(lastComponent(p, '/sys'), lastComponent(p, '/proc'));
  if (at >= 0) return p.slice(0, at);
  return startsComponent(p, 'sys') || startsComponent(p, 'proc') ? '' : null;
}

/** Is one of the first `n` components of `p` "sys" or "proc"? */
function hasSysOrProcWithin(p: string, n: number): boolean {
  let start = 0;
  for (let k = 0; k < n; k += 1) {
    const end = p.indexOf('/', start);
    const stop = end < 0 ? p.length : end;
    const len = stop - start;
    if ((len === 3 && p.startsWith('sys', start)) || (len === 4 && p.startsWith('proc', start))) return true;
    if (end < 0) return false;
    start = end + 1;
  }
  return false;
}

/** Index of the last "/name" that is a whole component (followed by "/" or the end), or -1. */
function lastComponent(p: string, slashName: string): number {
  for (let at = p.lastIndexOf(slashName); at >= 0; at = at === 0 ? -1 : p.lastIndexOf(slashName, at - 1)) {
    const after = at + slashName.length;
    if (after === p.length || p.charCodeAt(after) === 0x2f) return at;
  }
  return -1;
}

function startsComponent(p: string, name: string): boolean {
  return p.startsWith(name) && (p.length === name.length || p.charCodeAt(name.length) === 0x2f);
}

/**
 * Decompressed bytes → tar walk → collected files, as they arrive. Bytes past
 * `maxBytes` are the limit error at once. A tar error is held until the input ends:
 * a damaged compressed stream (or the limit) is reported first, as when the whole
 * image is decompressed before it is read.
 */
class ArchiveFeed {
  private bytes = 0;
  private tarError: TarError | null = null;
  private readonly collector = new EntryCollector();
  private readonly reader: TarReader;
  constructor(private readonly limits: ArchiveLimits) {
    this.reader = new TarReader(this.collector.add, { maxEntries: limits.maxEntries, maxData: MAX_PROC_BYTES });
  }
  readonly push = (chunk: Uint8Array): void => {
    this.bytes += chunk.length;
    if (this.bytes > this.limits.maxBytes) throw limitError(this.limits.maxBytes);
    if (this.tarError !== null || this.reader.done) return;
    try {
      this.reader.push(chunk);
    } catch (e) {
      if (!(e instanceof TarError)) throw e;
      this.tarError = e;
    }
  };
  end(name: string): OpenedArchive {
    try {
      if (this.tarError !== null) throw this.tarError;
      this.reader.end();
    } catch (e) {
      if (e instanceof TarError) throw new InputError(e.message);
      throw e;
    }
    return this.collector.finish(name);
  }
}

/** Unpack an archive image into a MemRoot rooted at the folder that holds `sys/`. */
export function openArchiveBytes(bytes: Uint8Array, name: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): OpenedArchive {
  const kind = sniffCompression(bytes);
  if (kind === null) throw new InputError('not a tar, .tar.gz or .tar.bz2 archive');
  const feed = new ArchiveFeed(limits);
  feed.push(decompress(bytes, kind, limits.maxBytes));
  return feed.end(name);
}

export function openArchiveFile(file: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): OpenedArchive {
  return openArchiveBytes(readArchiveFile(file, limits), file, limits);
}

function readArchiveFile(file: string, limits: ArchiveLimits): Buffer {
  const size = statSync(file).size;
  if (size > limits.maxCompressedBytes) throw new InputError(`archive is ${size} bytes, larger than the ${limits.maxCompressedBytes}-byte limit`);
  return readFileSync(file);
}

/**
 * Open an archive file, streaming: the same result and the same errors as
 * openArchiveFile, without holding the decompressed tar. gzip is inflated by zlib
 * off the main thread, bzip2 by the system's bzip2 in a child process, both while the
 * tar is walked; the JavaScript bzip2 decoder (no system bzip2, several streams, or
 * the system one failed: the usual diagnosis) streams too, synchronously.
 */
export async function openArchive(file: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<OpenedArchive> {
  return streamArchiveBytes(readArchiveFile(file, limits), file, limits);
}

/** openArchiveBytes, streaming (see openArchive). */
export async function streamArchiveBytes(bytes: Uint8Array, name: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<OpenedArchive> {
  const kind = sniffCompression(bytes);
  if (kind === null) throw new InputError('not a tar, .tar.gz or .tar.bz2 archive');
  if (kind === 'none') return openArchiveBytes(bytes, name, limits);
  if (kind === 'gzip') {
    const feed = new ArchiveFeed(limits);
    await gunzipStream(bytes, feed.push, limits.maxBytes);
    return feed.end(name);
  }
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const bin = nativeBzip2(input);
  if (bin !== null) {
    const feed = new ArchiveFeed(limits);
    if (await bunzip2ChildStream(bin, input, feed.push)) return feed.end(name);
  }
  const feed = new ArchiveFeed(limits);
  try {
    bunzip2Js(input, limits.maxBytes, feed.push);
  } catch (e) {
    throw decompressError(e, 'bzip2', limits.maxBytes);
  }
  return feed.end(name);
}

/** zlib's streaming inflate; errors as decompress() words them. */
function gunzipStream(data: Uint8Array, push: (chunk: Uint8Array) => void, max: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const z = createGunzip({ chunkSize: 64 * 1024 });
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      z.destroy();
      reject(decompressError(e, 'gzip', max));
    };
    z.on('data', (chunk: Buffer) => {
      if (failed) return;
      try {
        push(chunk);
      } catch (e) {
        fail(e);
      }
    });
    z.on('error', fail);
    z.on('end', () => {
      if (!failed) resolve();
    });
    z.end(data);
  });
}

/**
 * The system bzip2 as a child, its output walked as it arrives. Resolves false when
 * it failed (exit status, signal, spawn error): the caller starts over with the
 * JavaScript decoder. A push that throws (the byte limit) stops the child and rejects.
 */
function bunzip2ChildStream(bin: string, input: Buffer, push: (chunk: Uint8Array) => void): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['-dc'], { stdio: ['pipe', 'pipe', 'ignore'], env: {}, windowsHide: true });
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
    };
    child.on('error', () => settle(() => resolve(false)));
    child.stdin.on('error', () => {}); // EPIPE when the child exits early: its status says why
    child.stdout.on('data', (chunk: Buffer) => {
      if (settled) return;
      try {
        push(chunk);
      } catch (e) {
        child.kill();
        settle(() => reject(e));
      }
    });
    child.on('close', (code, signal) => settle(() => resolve(code === 0 && signal === null)));
    child.stdin.end(input);
  });
}
