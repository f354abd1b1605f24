// Reads and writes POSIX tar (ustar, GNU long names, pax path/linkpath) in memory.
// Pure: bytes in, entries out. It extracts nothing to disk and decides nothing about
// which entries are safe; sources/archive.ts does that.

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  readonly path: string;
  readonly type: TarEntryType;
  /** Raw type flag, for messages about 'other' (device, FIFO...). */
  readonly flag: string;
  readonly linkTarget: string;
  readonly data: Uint8Array;
}

export class TarError extends Error {}

function cstr(b: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && b[end] !== 0) end += 1;
  return Buffer.from(b.buffer, b.byteOffset + off, end - off).toString('utf8');
}

function octal(b: Uint8Array, off: number, len: number): number {
  // GNU base-256 for sizes over 8 GiB: high bit of the first byte set.
  if ((b[off]! & 0x80) !== 0) {
    let n = 0;
    for (let i = off + 1; i < off + len; i += 1) n = n * 256 + b[i]!;
    return n;
  }
  const s = cstr(b, off, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarError(`bad octal field "${s.slice(0, 20)}"`);
  return parseInt(s, 8);
}

function checksumOk(b: Uint8Array, off: number): boolean {
  const stored = octal(b, off + 148, 8);
  let sum = 0;
  for (let i = 0; i < 512; i += 1) sum += i >= 148 && i < 156 ? 32 : b[off + i]!;
  return sum === stored;
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
}

/** Parse a whole tar image. Throws TarError when it is not a tar or is cut short. */
export function parseTar(buf: Uint8Array, limits: TarLimits = { maxEntries: 1_000_000 }): TarEntry[] {
  const out: TarEntry[] = [];
  let off = 0;
  let longName: string | null = null;
  let longLink: string | null = null;
  let pax: Map<string, string> | null = null;
  while (off + 512 <= buf.length) {
    if (buf[off] === 0) {
      // End of archive: a zero block (a second one usually follows).
      let zero = true;
      for (let i = off; i < off + 512; i += 1) if (buf[i] !== 0) { zero = false; break; }
      if (zero) return out;
    }
    if (!checksumOk(buf, off)) {
      throw new TarError(out.length === 0 ? 'not a tar archive (bad header checksum)' : `corrupt tar header at byte ${off}`);
    }
    const flag = String.fromCharCode(buf[off + 156]! || 48);
    const size = octal(buf, off + 124, 12);
    const dataStart = off + 512;
    const dataEnd = dataStart + size;
    if (dataEnd > buf.length) throw new TarError(`archive is truncated (entry at byte ${off} needs ${size} bytes)`);
    const data = buf.subarray(dataStart, dataEnd);
    off = dataStart + Math.ceil(size / 512) * 512;
    if (flag === 'L') { longName = cstr(data, 0, data.length); continue; }
    if (flag === 'K') { longLink = cstr(data, 0, data.length); continue; }
    if (flag === 'x') { pax = parsePax(data); continue; }
    if (flag === 'g') continue;
    const magic = cstr(buf, dataStart - 512 + 257, 6);
    const prefix = magic.startsWith('ustar') ? cstr(buf, dataStart - 512 + 345, 155) : '';
    const baseName = cstr(buf, dataStart - 512, 100);
    const path = pax?.get('path') ?? longName ?? (prefix ? `${prefix}/${baseName}` : baseName);
    const linkTarget = pax?.get('linkpath') ?? longLink ?? cstr(buf, dataStart - 512 + 157, 100);
    longName = longLink = null;
    pax = null;
    const type: TarEntryType =
      flag === '0' || flag === '7' ? 'file' : flag === '5' ? 'dir' : flag === '2' ? 'symlink' : flag === '1' ? 'hardlink' : 'other';
    out.push({ path, type, flag, linkTarget, data });
    if (out.length > limits.maxEntries) throw new TarError(`archive has more than ${limits.maxEntries} entries`);
  }
  if (off < buf.length || out.length === 0) throw new TarError(out.length === 0 ? 'not a tar archive (too short)' : 'archive is truncated (no end-of-archive marker)');
  // Some writers omit the end marker; everything we read was whole.
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
