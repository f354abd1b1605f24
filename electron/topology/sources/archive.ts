// Opens capture archives (.tar, .tar.gz/.tgz, .tar.bz2: hwloc-gather-topology's and
// topolens capture's) entirely in memory, with limits on size and entry count. Unsafe
// entries (../, absolute paths, devices, FIFOs, links out of the root) are dropped
// and reported; nothing is written to disk.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { InputError } from '../errors';
import type { Diagnostic } from '../model';
import { parseTar, TarError } from '../parse/tar';
import { MemRoot, normalizeInRoot, type MemEntry } from './sysfs-root';

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
 * The system's bzip2 (C, ~5x faster than the JavaScript decoder) when installed,
 * for single-stream input. null means "use the JavaScript decoder": no bzip2, more
 * than one stream (the JavaScript decoder reads the first only) or any failure, so
 * corrupt input gets the usual diagnosis. Output beyond `max` is the usual limit error.
 */
function bunzip2Native(input: Buffer, max: number): Uint8Array | null {
  if (process.env['TOPOLENS_NATIVE_BZIP2'] === '0') return null;
  const bin = BZIP2_PATHS.find((p) => existsSync(p));
  if (!bin || hasLaterStream(input)) return null;
  const r = spawnSync(bin, ['-dc'], { input, maxBuffer: max, stdio: ['pipe', 'pipe', 'ignore'], env: {}, windowsHide: true });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOBUFS') throw new InputError(`decompresses to more than ${max} bytes (limit)`);
  if (r.error || r.status !== 0 || !r.stdout) return null;
  return r.stdout;
}

function bunzip2(input: Uint8Array, max: number): Uint8Array {
  const native = bunzip2Native(Buffer.from(input.buffer, input.byteOffset, input.length), max);
  if (native) return native;
  const require = createRequire(import.meta.url);
  const Bunzip = require('seek-bzip') as { decode(i: Uint8Array, o: unknown): Uint8Array };
  let buf = Buffer.alloc(Math.min(max, Math.max(1 << 16, input.length * 8)));
  let pos = 0;
  const out = {
    writeByte(b: number) {
      if (pos >= buf.length) {
        if (buf.length >= max) throw new InputError(`decompresses to more than ${max} bytes (limit)`);
        const next = Buffer.alloc(Math.min(max, buf.length * 2));
        buf.copy(next);
        buf = next;
      }
      buf[pos++] = b;
    },
    getBuffer() {
      return buf.subarray(0, pos);
    },
  };
  return Bunzip.decode(Buffer.from(input.buffer, input.byteOffset, input.length), out);
}

export function decompress(data: Uint8Array, kind: Compression, max: number): Uint8Array {
  try {
    if (kind === 'gzip') return gunzipSync(data, { maxOutputLength: max });
    if (kind === 'bzip2') return bunzip2(data, max);
    return data;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || (e as Error).name === 'RangeError') {
      throw new InputError(`decompresses to more than ${max} bytes (limit)`);
    }
    const msg = String((e as Error).message ?? e);
    throw new InputError(`${kind} data is corrupt or truncated (${msg.replace(/\s+/g, ' ').slice(0, 120)})`);
  }
}

export interface OpenedArchive {
  readonly root: MemRoot;
  /** Folder inside the archive that holds sys/ (and proc/), "" for the top. */
  readonly top: string;
  readonly diagnostics: Diagnostic[];
}

/** Unpack an archive image into a MemRoot rooted at the folder that holds `sys/`. */
export function openArchiveBytes(bytes: Uint8Array, name: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): OpenedArchive {
  const kind = sniffCompression(bytes);
  if (kind === null) throw new InputError('not a tar, .tar.gz or .tar.bz2 archive');
  const tar = decompress(bytes, kind, limits.maxBytes);
  let entries;
  try {
    entries = parseTar(tar, { maxEntries: limits.maxEntries });
  } catch (e) {
    if (e instanceof TarError) throw new InputError(e.message);
    throw e;
  }
  const diagnostics: Diagnostic[] = [];
  const dropped = new Map<string, { count: number; example: string }>();
  const drop = (why: string, path: string) => {
    const d = dropped.get(why);
    if (d) d.count += 1;
    else dropped.set(why, { count: 1, example: path });
  };
  // File contents are copied into one arena: views into the decompressed tar would keep
  // all of it (mostly 512-byte headers and padding: 140 MB for a 4k-function capture)
  // alive as long as the tree.
  let total = 0;
  for (const e of entries) if (e.type === 'file') total += e.data.length;
  const arena = new Uint8Array(total);
  let used = 0;
  const keep = (d: Uint8Array): Uint8Array => {
    arena.set(d, used);
    used += d.length;
    return arena.subarray(used - d.length, used);
  };
  const map = new Map<string, MemEntry>();
  for (const e of entries) {
    const raw = e.path.replace(/\\/g, '/');
    if (raw.startsWith('/')) { drop('absolute path', raw); continue; }
    if (raw.split('/').includes('..')) { drop('path with ..', raw); continue; }
    const p = normalizeInRoot(raw);
    if (p === null || p === '') continue;
    if (e.type === 'file') map.set(p, { type: 'file', data: keep(e.data) });
    else if (e.type === 'dir') { if (!map.has(p)) map.set(p, { type: 'dir' }); }
    else if (e.type === 'symlink') map.set(p, { type: 'link', target: e.linkTarget });
    else if (e.type === 'hardlink') {
      const t = normalizeInRoot(e.linkTarget);
      const target = t === null ? undefined : map.get(t);
      if (target && target.type === 'file') map.set(p, target);
      else drop('hard link to a file outside the archive', raw);
    } else drop(`special file (tar type ${e.flag}: device, FIFO...)`, raw);
  }
  for (const [why, d] of dropped) {
    diagnostics.push({ severity: 'warning', path: `${name}:${d.example}`, message: `ignored ${d.count} archive entr${d.count === 1 ? 'y' : 'ies'}: ${why}` });
  }
  // Find the capture's top: the shallowest folder holding sys/ (or proc/).
  let top: string | null = null;
  for (const p of map.keys()) {
    const m = /^(?:(.*)\/)?(sys|proc)(?:\/|$)/.exec(p);
    if (!m) continue;
    const cand = m[1] ?? '';
    if (top === null || cand.split('/').length < top.split('/').length || (cand === '' && top !== '')) top = cand;
  }
  if (top === null) throw new InputError('archive holds no sys/ or proc/ folder: not a topology capture');
  const rooted = new Map<string, MemEntry>();
  const prefix = top === '' ? '' : `${top}/`;
  for (const [p, e] of map) if (p.startsWith(prefix) && p.length > prefix.length) rooted.set(p.slice(prefix.length), e);
  return { root: new MemRoot(rooted, name), top, diagnostics };
}

export function openArchiveFile(file: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): OpenedArchive {
  const size = statSync(file).size;
  if (size > limits.maxCompressedBytes) throw new InputError(`archive is ${size} bytes, larger than the ${limits.maxCompressedBytes}-byte limit`);
  return openArchiveBytes(readFileSync(file), file, limits);
}
