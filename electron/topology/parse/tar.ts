// Reads and writes POSIX tar (ustar, GNU long names, pax path/linkpath) in memory.
// Pure: bytes in, entries out. TarReader walks a tar image as it arrives, chunk by
// chunk, holding only the entry being read; parseTar is the same walk over a whole
// image. It extracts nothing to disk and decides nothing about which entries are safe;
// sources/archive.ts does that.

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  readonly path: string;
  readonly type: TarEntryType;
  /** Raw type flag, for messages about 'other' (device, FIFO...). */
  readonly flag: string;
  readonly linkTarget: string;
  /** The entry's data (at most TarLimits.maxData bytes of it); from TarReader, valid only during the callback. */
  readonly data: Uint8Array;
}

export class TarError extends Error {}

/** A Buffer over the same memory, for its string decoders (no copy). */
function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
}

/** A NUL-terminated header field as text (UTF-8; ASCII, the usual case, decoded as latin1: the same string, faster). */
function cstr(b: Buffer, off: number, len: number): string {
  let end = off;
  let ascii = true;
  const stop = off + len;
  while (end < stop) {
    const c = b[end]!;
    if (c === 0) break;
    if (c > 0x7f) ascii = false;
    end += 1;
  }
  if (end === off) return '';
  return b.toString(ascii ? 'latin1' : 'utf8', off, end);
}

/** A numeric field the way tar writers spell it, or the general rule below. */
function octal(b: Buffer, off: number, len: number): number {
  // GNU base-256 for sizes over 8 GiB: high bit of the first byte set.
  if ((b[off]! & 0x80) !== 0) {
    let n = 0;
    for (let i = off + 1; i < off + len; i += 1) n = n * 256 + b[i]!;
    return n;
  }
  // Fast path, exact for what every writer emits: spaces, octal digits, then spaces or
  // NULs to the end of the field or a NUL. Anything else takes the general rule.
  const end = off + len;
  let i = off;
  while (i < end && b[i] === 0x20) i += 1;
  let n = 0;
  while (i < end && b[i]! >= 0x30 && b[i]! <= 0x37) n = n * 8 + (b[i++]! - 0x30);
  while (i < end && b[i] === 0x20) i += 1;
  if (i === end || b[i] === 0) return n;
  return octalGeneral(b, off, len);
}

/** The field up to its first NUL, trimmed; octal digits only, or a TarError. */
function octalGeneral(b: Buffer, off: number, len: number): number {
  const s = cstr(b, off, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarError(`bad octal field "${s.slice(0, 20)}"`);
  return parseInt(s, 8);
}

function checksumOk(b: Buffer, off: number): boolean {
  const stored = octal(b, off + 148, 8);
  // The checksum field itself counts as eight spaces.
  let field = 0;
  for (let i = off + 148; i < off + 156; i += 1) field += b[i]!;
  return byteSum512(b, off) - field + 8 * 32 === stored;
}

/**
 * Sum of a block's 512 bytes. Four at a time when the block is 4-byte aligned (a
 * header is checked for every entry: 9,000 entries are 4.6 M bytes): two 16-bit lanes
 * per word, which cannot overflow (128 words × 2 × 255 < 65,536).
 */
function byteSum512(b: Buffer, off: number): number {
  const at = b.byteOffset + off;
  if ((at & 3) === 0) {
    const w = new Uint32Array(b.buffer, at, 128);
    let lanes = 0;
    for (let i = 0; i < 128; i += 1) {
      const x = w[i]!;
      lanes += (x & 0x00ff00ff) + ((x >>> 8) & 0x00ff00ff);
    }
    return (lanes & 0xffff) + (lanes >>> 16);
  }
  let sum = 0;
  for (let i = off; i < off + 512; i += 1) sum += b[i]!;
  return sum;
}

function isZeroBlock(b: Buffer, off: number): boolean {
  for (let i = off; i < off + 512; i += 1) if (b[i] !== 0) return false;
  return true;
}

function parsePax(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  const text = Buffer.from(data).toString('utf8');
  let pos = 0;
  while (pos < text.length) {
    const sp = text.indexOf(' ', pos);
    if (sp < 0) break;
    const len = Number(text.slice(pos, sp));
    if (!Number.isInteger(len) || len <= 0) break;
    const rec = text.slice(sp + 1, pos + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    pos += len;
  }
  return out;
}

export interface TarLimits {
  readonly maxEntries: number;
  /**
   * Bytes of each file entry's data handed over (the rest is skipped, never held);
   * unlimited when absent. Long-name and pax records are always read whole.
   */
  readonly maxData?: number;
}

const HEADER = 0;
const DATA = 1;
const PAD = 2;
const DONE = 3;

/** What a header said, kept while its data arrives. */
interface Pending {
  readonly at: number;
  readonly size: number;
  readonly flag: string;
  /** Data bytes to hand over (the rest is skipped). */
  readonly keep: number;
  readonly path: string;
  readonly linkTarget: string;
}

/**
 * A tar walk over chunks as they arrive (decompressor output): push() each chunk, then
 * end(). Entries go to `onEntry` as soon as their data is complete; after the
 * end-of-archive block the rest is ignored (done is true). Errors are TarErrors with
 * the same messages as parseTar, offsets counted from the start of the image. Chunks
 * must not change after push(): the reader keeps views of them until its entry is whole.
 */
export class TarReader {
  private state = HEADER;
  /** Absolute offset of the next byte. */
  private off = 0;
  /** A header split between chunks. */
  private readonly head = Buffer.alloc(512);
  private headFill = 0;
  private need = 0;
  private pending: Pending | null = null;
  private pieces: Uint8Array[] = [];
  private longName: string | null = null;
  private longLink: string | null = null;
  private pax: Map<string, string> | null = null;
  /** Entries handed over (long-name and pax records not counted). */
  count = 0;
  constructor(
    private readonly onEntry: (e: TarEntry) => void,
    private readonly limits: TarLimits = { maxEntries: 1_000_000 },
  ) {}
  /** The end-of-archive block was seen. */
  get done(): boolean {
    return this.state === DONE;
  }
  push(chunk: Uint8Array): void {
    const b = asBuffer(chunk);
    const len = b.length;
    let pos = 0;
    while (pos < len && this.state !== DONE) {
      if (this.state === HEADER) {
        if (this.headFill === 0 && len - pos >= 512) {
          this.off += 512;
          this.header(b, pos);
          pos += 512;
          continue;
        }
        const k = Math.min(512 - this.headFill, len - pos);
        b.copy(this.head, this.headFill, pos, pos + k);
        this.headFill += k;
        this.off += k;
        pos += k;
        if (this.headFill === 512) {
          this.headFill = 0;
          this.header(this.head, 0);
        }
        continue;
      }
      const k = Math.min(this.need, len - pos);
      if (this.state === DATA) this.take(b, pos, k);
      this.need -= k;
      this.off += k;
      pos += k;
      if (this.need === 0) {
        if (this.state === DATA) this.complete();
        else this.state = HEADER;
      }
    }
  }
  /** The input ended: a cut-short archive is a TarError. */
  end(): void {
    if (this.state === DONE) return;
    if (this.state === DATA) {
      const p = this.pending!;
      throw new TarError(`archive is truncated (entry at byte ${p.at} needs ${p.size} bytes)`);
    }
    // Some writers omit the end marker (or cut the last entry's padding): everything read was whole.
    if (this.headFill > 0 || this.count === 0) {
      throw new TarError(this.count === 0 ? 'not a tar archive (too short)' : 'archive is truncated (no end-of-archive marker)');
    }
  }
  /** Keep the part of the data the entry hands over. */
  private take(b: Buffer, pos: number, k: number): void {
    const p = this.pending!;
    const got = p.size - this.need;
    const want = Math.min(k, p.keep - got);
    if (want > 0) this.pieces.push(b.subarray(pos, pos + want));
  }
  private header(b: Buffer, at: number): void {
    const hdr = this.off - 512;
    if (b[at] === 0 && isZeroBlock(b, at)) {
      this.state = DONE;
      return;
    }
    if (!checksumOk(b, at)) {
      throw new TarError(this.count === 0 ? 'not a tar archive (bad header checksum)' : `corrupt tar header at byte ${hdr}`);
    }
    const flag = String.fromCharCode(b[at + 156]! || 48);
    const size = octal(b, at + 124, 12);
    const meta = flag === 'L' || flag === 'K' || flag === 'x' || flag === 'g';
    const keep = meta ? size : Math.min(size, this.limits.maxData ?? size);
    let path = '';
    let linkTarget = '';
    if (!meta) {
      const ustar = b[at + 257] === 0x75 && b[at + 258] === 0x73 && b[at + 259] === 0x74 && b[at + 260] === 0x61 && b[at + 261] === 0x72;
      const prefix = ustar ? cstr(b, at + 345, 155) : '';
      const baseName = cstr(b, at, 100);
      path = this.pax?.get('path') ?? this.longName ?? (prefix ? `${prefix}/${baseName}` : baseName);
      linkTarget = this.pax?.get('linkpath') ?? this.longLink ?? cstr(b, at + 157, 100);
      this.longName = this.longLink = null;
      this.pax = null;
    }
    this.pending = { at: hdr, size, flag, keep, path, linkTarget };
    if (size === 0) this.complete();
    else {
      this.state = DATA;
      this.need = size;
    }
  }
  /** The pending entry's data is all here: hand it over, then skip the padding. */
  private complete(): void {
    const p = this.pending!;
    const data = this.pieces.length === 1 ? this.pieces[0]! : this.pieces.length === 0 ? new Uint8Array(0) : Buffer.concat(this.pieces);
    this.pieces = [];
    this.pending = null;
    const pad = (512 - (p.size % 512)) % 512;
    this.state = pad === 0 ? HEADER : PAD;
    this.need = pad;
    if (p.flag === 'L') this.longName = cstr(asBuffer(data), 0, data.length);
    else if (p.flag === 'K') this.longLink = cstr(asBuffer(data), 0, data.length);
    else if (p.flag === 'x') this.pax = parsePax(data);
    else if (p.flag !== 'g') {
      const f = p.flag;
      const type: TarEntryType = f === '0' || f === '7' ? 'file' : f === '5' ? 'dir' : f === '2' ? 'symlink' : f === '1' ? 'hardlink' : 'other';
      this.count += 1;
      this.onEntry({ path: p.path, type, flag: f, linkTarget: p.linkTarget, data });
      if (this.count > this.limits.maxEntries) throw new TarError(`archive has more than ${this.limits.maxEntries} entries`);
    }
  }
}

/** Parse a whole tar image. Throws TarError when it is not a tar or is cut short. */
export function parseTar(buf: Uint8Array, limits: TarLimits = { maxEntries: 1_000_000 }): TarEntry[] {
  const out: TarEntry[] = [];
  const reader = new TarReader((e) => out.push(e), limits);
  reader.push(buf);
  reader.end();
  return out;
}

function header(path: string, type: '0' | '2' | '5', size: number, link: string, mtime: number): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  const enc = (s: string) => Buffer.from(s, 'utf8');
  const needLong = enc(path).length > 100;
  const needLongLink = enc(link).length > 100;
  if (needLong) blocks.push(...header('././@LongLink', 'L' as '0', enc(path).length + 1, '', 0), ...pad(Buffer.concat([enc(path), Buffer.alloc(1)])));
  if (needLongLink) blocks.push(...header('././@LongLink', 'K' as '0', enc(link).length + 1, '', 0), ...pad(Buffer.concat([enc(link), Buffer.alloc(1)])));
  const h = Buffer.alloc(512);
  enc(path).copy(h, 0, 0, Math.min(100, enc(path).length));
  h.write(type === '5' ? '0000755\0' : type === '2' ? '0000777\0' : '0000644\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  h.write(`${Math.floor(mtime).toString(8).padStart(11, '0')}\0`, 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(type, 156, 'ascii');
  enc(link).copy(h, 157, 0, Math.min(100, enc(link).length));
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (let i = 0; i < 512; i += 1) sum += h[i]!;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  blocks.push(h);
  return blocks;
}

function pad(data: Uint8Array): Uint8Array[] {
  const rem = data.length % 512;
  return rem === 0 ? [data] : [data, Buffer.alloc(512 - rem)];
}

export interface TarWriteEntry {
  readonly path: string;
  readonly type: 'file' | 'dir' | 'symlink';
  readonly data?: Uint8Array;
  readonly linkTarget?: string;
}

/** Serialise entries to a tar image (GNU long names where needed). */
export function writeTar(entries: readonly TarWriteEntry[], mtime = Date.now() / 1000): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const e of entries) {
    if (e.type === 'file') {
      const data = e.data ?? new Uint8Array();
      blocks.push(...header(e.path, '0', data.length, '', mtime), ...(data.length ? pad(data) : []));
    } else if (e.type === 'dir') {
      blocks.push(...header(e.path.endsWith('/') ? e.path : `${e.path}/`, '5', 0, '', mtime));
    } else {
      blocks.push(...header(e.path, '2', 0, e.linkTarget ?? '', mtime));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
