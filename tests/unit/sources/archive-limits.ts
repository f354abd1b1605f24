// Hostile archives against the archive reader's limits (issue 8), shared by the fast
// suite (small limits, tests/unit/sources/archive-hostile.test.ts) and the slow suite
// (the default limits: 1 GiB, 2 million entries, tests/slow/archive-limits.test.ts).
// The code path is the same; only ArchiveLimits and the size of each bomb (made from
// the limit) differ. Each is refused with a clear message and nothing is written
// anywhere: the reader unpacks in memory (checked with a private TMPDIR).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../electron/topology/errors';
import { loadInput } from '../../../electron/topology/load';
import { writeTar } from '../../../electron/topology/parse/tar';
import { openArchive, openArchiveBytes, openArchiveFile, streamArchiveBytes, type ArchiveLimits } from '../../../electron/topology/sources/archive';

/** The message of the InputError that `f`'s promise rejects with. */
export async function inputErrorAsync(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

export function inputError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

/** A tar header block with any type flag (writeTar only writes files, dirs, symlinks). */
export function rawEntry(path: string, flag: string, link = ''): Buffer {
  const h = Buffer.from(writeTar([{ path, type: 'symlink', linkTarget: link }]).subarray(0, 512));
  h.write(flag, 156, 'ascii');
  h.write('        ', 148, 'ascii');
  let sum = 0;
  for (let i = 0; i < 512; i += 1) sum += h[i]!;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

export const baseTar = () => writeTar([
  { path: 'cap/sys/bus/pci/devices/', type: 'dir' },
  { path: 'cap/proc/cpuinfo', type: 'file', data: Buffer.from('processor\t: 0\n') },
]).subarray(0, -1024);

const MiB = 1 << 20;

/** Concatenated gzip members of zeros (they decode as one stream), ~9 % past the byte limit. */
export function gzipBomb(limits: ArchiveLimits): Buffer {
  const size = Math.min(16 * MiB, Math.max(MiB, Math.floor(limits.maxBytes / 8)));
  const member = gzipSync(Buffer.alloc(size), { level: 9 });
  return Buffer.concat(Array.from({ length: Math.ceil((limits.maxBytes * 1.09) / size) }, () => member));
}

/** Empty-file headers, a block's worth per gzip member, just past the entry limit (and under the byte limit). */
export function manyEntries(limits: ArchiveLimits): { gz: Buffer; entries: number } {
  const header = Buffer.from(writeTar([{ path: 'cap/sys/f', type: 'file', data: new Uint8Array() }]).subarray(0, 512));
  const block = Buffer.alloc(limits.maxEntries > 100_000 ? 16 * MiB : MiB);
  for (let off = 0; off < block.length; off += 512) header.copy(block, off);
  const members = Math.ceil(((limits.maxEntries + 1) * 512) / block.length);
  const member = gzipSync(block, { level: 9 });
  return { gz: Buffer.concat([...Array.from({ length: members }, () => member), gzipSync(Buffer.alloc(1024))]), entries: (members * block.length) / 512 };
}

export function describeArchiveLimits(label: string, limits: ArchiveLimits): void {
  let work: string;
  let privateTmp: string;
  const savedTmp = process.env['TMPDIR'];
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'topolens-hostile-'));
    // Anything the reader wrote to a temp dir would land here.
    privateTmp = mkdtempSync(join(tmpdir(), 'topolens-hostile-tmp-'));
    process.env['TMPDIR'] = privateTmp;
  });
  afterAll(() => {
    if (savedTmp === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = savedTmp;
    rmSync(work, { recursive: true, force: true });
    rmSync(privateTmp, { recursive: true, force: true });
  });
  const mib = (n: number) => `${(n / MiB).toFixed(n < MiB ? 3 : 0)} MiB`;

  describe(`archives: bombs and sizes at ${label} (${mib(limits.maxBytes)}, ${limits.maxEntries} entries)`, () => {
    it('stops a gzip bomb just past the byte limit', () => {
      const bomb = gzipBomb(limits);
      expect(bomb.length).toBeLessThan(limits.maxBytes / 500); // a real bomb: > 500:1
      const file = join(work, 'bomb.tar.gz');
      writeFileSync(file, bomb);
      const t0 = Date.now();
      expect(inputError(() => openArchiveFile(file, limits))).toBe(`decompresses to more than ${limits.maxBytes} bytes (limit)`);
      console.log(`gzip bomb: ${bomb.length} bytes → refused at ${limits.maxBytes} bytes in ${Date.now() - t0} ms`);
    });
    it('stops a bzip2 bomb (847 bytes → 1.1 GiB) at the byte limit', () => {
      const bomb = readFileSync(join(__dirname, '../../../fixtures/hostile/zeros-1100MiB.bz2'));
      const t0 = Date.now();
      expect(inputError(() => openArchiveBytes(bomb, 'zeros.bz2', limits))).toBe(`decompresses to more than ${limits.maxBytes} bytes (limit)`);
      console.log(`bzip2 bomb: ${bomb.length} bytes → refused at ${limits.maxBytes} bytes in ${Date.now() - t0} ms`);
    });
    it('refuses an archive of more entries than the limit with a clear message', () => {
      const { gz, entries } = manyEntries(limits);
      expect(entries).toBeGreaterThan(limits.maxEntries);
      expect(entries * 512).toBeLessThan(limits.maxBytes); // the entry limit, not the byte limit, must answer
      const t0 = Date.now();
      expect(inputError(() => openArchiveBytes(gz, 'many.tar.gz', limits))).toBe(`archive has more than ${limits.maxEntries} entries`);
      console.log(`${entries} entries in ${gz.length} bytes → refused in ${Date.now() - t0} ms`);
    });
    it('streaming: the same bombs and flood stop at the same limits (decompressed bytes counted as they arrive)', async () => {
      const limit = `decompresses to more than ${limits.maxBytes} bytes (limit)`;
      expect(await inputErrorAsync(() => openArchive(join(work, 'bomb.tar.gz'), limits))).toBe(limit);
      const bz = readFileSync(join(__dirname, '../../../fixtures/hostile/zeros-1100MiB.bz2'));
      expect(await inputErrorAsync(() => streamArchiveBytes(bz, 'zeros.bz2', limits))).toBe(limit);
      // The JavaScript decoder too (≈ 20 MB/s: at small limits only).
      if (limits.maxBytes <= 64 * MiB) {
        process.env['TOPOLENS_NATIVE_BZIP2'] = '0';
        try {
          expect(await inputErrorAsync(() => streamArchiveBytes(bz, 'zeros.bz2', limits))).toBe(limit);
        } finally {
          delete process.env['TOPOLENS_NATIVE_BZIP2'];
        }
      }
      const { gz } = manyEntries(limits);
      expect(await inputErrorAsync(() => streamArchiveBytes(gz, 'many.tar.gz', limits))).toBe(`archive has more than ${limits.maxEntries} entries`);
      expect(await inputErrorAsync(() => openArchive(join(work, 'bomb.tar.gz'), { ...limits, maxCompressedBytes: 1000 }))).toMatch(/larger than the 1000-byte limit/);
    });
    it('refuses a compressed file over the size limit before reading it', () => {
      expect(inputError(() => openArchiveFile(join(work, 'bomb.tar.gz'), { ...limits, maxCompressedBytes: 1000 }))).toMatch(/larger than the 1000-byte limit/);
    });
    it('wrote nothing to the temp dir, next to the inputs or in the working directory', async () => {
      const cwd = readdirSync(process.cwd()).sort();
      const evil = Buffer.concat([baseTar(), rawEntry('cap/../../evil', '0'), rawEntry('/tmp/evil', '0'), rawEntry('cap/sys/h', '1', '/etc/passwd'), Buffer.alloc(1024)]);
      const file = join(work, 'evil.tar.gz');
      writeFileSync(file, gzipSync(evil));
      const before = readdirSync(work).sort();
      const r = await loadInput(file, { hostFacts: false });
      expect(r.topology.diagnostics.map((d) => d.message).join('\n')).toMatch(/path with \.\./);
      expect(readdirSync(privateTmp)).toEqual([]);
      expect(readdirSync(work).sort()).toEqual(before);
      expect(readdirSync(process.cwd()).sort()).toEqual(cwd);
    });
  });
}
