// Hostile archives at the default limits (issue 8): hard links and symlinks out of the
// root, device files, real decompression bombs (gzip and bzip2, > 1 GiB) and more than
// 2 million entries. Each is refused or limited with a clear message, and nothing is
// written anywhere: the reader unpacks in memory (checked with a private TMPDIR).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../electron/topology/errors';
import { loadInput } from '../../../electron/topology/load';
import { writeTar } from '../../../electron/topology/parse/tar';
import { DEFAULT_ARCHIVE_LIMITS, openArchiveBytes, openArchiveFile } from '../../../electron/topology/sources/archive';

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

function inputError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

/** A tar header block with any type flag (writeTar only writes files, dirs, symlinks). */
function rawEntry(path: string, flag: string, link = ''): Buffer {
  const h = Buffer.from(writeTar([{ path, type: 'symlink', linkTarget: link }]).subarray(0, 512));
  h.write(flag, 156, 'ascii');
  h.write('        ', 148, 'ascii');
  let sum = 0;
  for (let i = 0; i < 512; i += 1) sum += h[i]!;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

const base = () => writeTar([
  { path: 'cap/sys/bus/pci/devices/', type: 'dir' },
  { path: 'cap/proc/cpuinfo', type: 'file', data: Buffer.from('processor\t: 0\n') },
]).subarray(0, -1024);

describe('archives: entries that point outside or are not files', () => {
  it('drops hard links to files outside the archive (absolute, ../, missing) and keeps one inside', () => {
    const tar = Buffer.concat([
      base(),
      Buffer.from(writeTar([{ path: 'cap/sys/real', type: 'file', data: Buffer.from('ok\n') }]).subarray(0, -1024)),
      rawEntry('cap/sys/h-abs', '1', '/etc/passwd'),
      rawEntry('cap/sys/h-up', '1', '../../../../etc/shadow'),
      rawEntry('cap/sys/h-missing', '1', 'cap/sys/nothing'),
      rawEntry('cap/sys/h-in', '1', 'cap/sys/real'),
      Buffer.alloc(1024),
    ]);
    const a = openArchiveBytes(gzipSync(tar), 'hl.tar.gz');
    const msgs = a.diagnostics.map((d) => d.message).join('\n');
    expect(msgs).toMatch(/ignored 3 archive entries: hard link to a file outside the archive/);
    expect(a.root.readOptional('sys/h-abs')).toBeNull();
    expect(a.root.readOptional('sys/h-up')).toBeNull();
    expect(a.root.readOptional('sys/h-in')).toBe('ok\n');
  });
  it('never follows symlinks out of the root, whatever their form', () => {
    const tar = writeTar([
      { path: 'cap/sys/bus/pci/devices/', type: 'dir' },
      { path: 'cap/sys/a', type: 'symlink', linkTarget: '/etc' },
      { path: 'cap/sys/b', type: 'symlink', linkTarget: '../../../../../../../../etc' },
      { path: 'cap/sys/c', type: 'symlink', linkTarget: '/proc/self/root/etc' },
      { path: 'cap/sys/d', type: 'symlink', linkTarget: 'a/../../../..' },
    ]);
    const a = openArchiveBytes(gzipSync(tar), 'sl.tar.gz');
    for (const p of ['sys/a/passwd', 'sys/b/passwd', 'sys/c/passwd', 'sys/d/etc/passwd']) expect(a.root.readOptional(p)).toBeNull();
    expect(a.root.list('sys/b')).toEqual([]);
  });
  it('drops character and block devices, FIFOs and unknown types with one diagnostic each kind', () => {
    const tar = Buffer.concat([base(), rawEntry('cap/sys/zero', '3'), rawEntry('cap/sys/sda', '4'), rawEntry('cap/sys/fifo', '6'), rawEntry('cap/sys/x', 'Z'), Buffer.alloc(1024)]);
    const a = openArchiveBytes(gzipSync(tar), 'dev.tar.gz');
    expect(a.diagnostics.map((d) => d.message)).toEqual(expect.arrayContaining([expect.stringMatching(/special file \(tar type 3/), expect.stringMatching(/special file \(tar type 4/), expect.stringMatching(/special file \(tar type 6/)]));
    for (const p of ['sys/zero', 'sys/sda', 'sys/fifo', 'sys/x']) expect(a.root.readOptional(p)).toBeNull();
  });
});

describe('archives: bombs and sizes at the default limits', () => {
  it('stops a gzip bomb (1.1 GiB of zeros in about 1 MB) at the 1 GiB limit', () => {
    // Concatenated gzip members decode as one stream: 70 × 16 MiB, built in milliseconds.
    const member = gzipSync(Buffer.alloc(16 << 20), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 70 }, () => member));
    expect(bomb.length).toBeLessThan(2 << 20);
    const file = join(work, 'bomb.tar.gz');
    writeFileSync(file, bomb);
    const t0 = Date.now();
    expect(inputError(() => openArchiveFile(file))).toBe(`decompresses to more than ${DEFAULT_ARCHIVE_LIMITS.maxBytes} bytes (limit)`);
    console.log(`gzip bomb: ${bomb.length} bytes → refused at ${DEFAULT_ARCHIVE_LIMITS.maxBytes} bytes in ${Date.now() - t0} ms`);
  });
  it('stops a bzip2 bomb (847 bytes → 1.1 GiB) at the 1 GiB limit', () => {
    const bomb = readFileSync(join(__dirname, '../../../fixtures/hostile/zeros-1100MiB.bz2'));
    const t0 = Date.now();
    expect(inputError(() => openArchiveBytes(bomb, 'zeros.bz2'))).toBe(`decompresses to more than ${DEFAULT_ARCHIVE_LIMITS.maxBytes} bytes (limit)`);
    console.log(`bzip2 bomb: ${bomb.length} bytes → refused at ${DEFAULT_ARCHIVE_LIMITS.maxBytes} bytes in ${Date.now() - t0} ms`);
  });
  it('refuses an archive of more than 2 million entries with a clear message', () => {
    // 2,031,616 empty-file headers (992 MiB of tar, under the byte limit) as gzip members.
    const header = Buffer.from(writeTar([{ path: 'cap/sys/f', type: 'file', data: new Uint8Array() }]).subarray(0, 512));
    const block = Buffer.alloc(16 << 20);
    for (let off = 0; off < block.length; off += 512) header.copy(block, off);
    const member = gzipSync(block, { level: 9 });
    const gz = Buffer.concat([...Array.from({ length: 62 }, () => member), gzipSync(Buffer.alloc(1024))]);
    const t0 = Date.now();
    expect(inputError(() => openArchiveBytes(gz, 'many.tar.gz'))).toBe(`archive has more than ${DEFAULT_ARCHIVE_LIMITS.maxEntries} entries`);
    console.log(`${(62 * block.length) / 512} entries in ${gz.length} bytes → refused in ${Date.now() - t0} ms`);
  });
  it('refuses a compressed file over the size limit before reading it', () => {
    expect(inputError(() => openArchiveFile(join(work, 'bomb.tar.gz'), { ...DEFAULT_ARCHIVE_LIMITS, maxCompressedBytes: 1000 }))).toMatch(/larger than the 1000-byte limit/);
  });
  it('wrote nothing to the temp dir, next to the inputs or in the working directory', async () => {
    const cwd = readdirSync(process.cwd()).sort();
    const evil = Buffer.concat([base(), rawEntry('cap/../../evil', '0'), rawEntry('/tmp/evil', '0'), rawEntry('cap/sys/h', '1', '/etc/passwd'), Buffer.alloc(1024)]);
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
