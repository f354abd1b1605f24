// Hostile and broken archives: every one gets a clear InputError or a diagnostic, and
// nothing is ever written to disk (the reader unpacks in memory).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../electron/topology/errors';
import { loadInput } from '../../../electron/topology/load';
import { openArchiveBytes } from '../../../electron/topology/sources/archive';
import { resolveLink } from '../../../electron/topology/sources/sysfs-root';
import { writeTar } from '../../../electron/topology/parse/tar';

const fixture = join(__dirname, '../../../fixtures/hwloc/linux/2pa-pcidomain32bits.tar.bz2');
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'topolens-archive-test-'));
});

function expectInputError(f: () => unknown, re: RegExp) {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(re);
    return;
  }
  throw new Error('expected an InputError');
}

describe('archive reader', () => {
  it('opens a real hwloc-gather-topology archive and finds its top folder', () => {
    const a = openArchiveBytes(readFileSync(fixture), 'x');
    expect(a.top).toBe('2pa-pcidomain32bits');
    expect(a.root.list('sys/bus/pci/devices')).toContain('10000:00:04.0');
  });
  it('rejects a truncated archive with a clear message', () => {
    const buf = readFileSync(fixture);
    expectInputError(() => openArchiveBytes(buf.subarray(0, buf.length / 2), 'x'), /corrupt|truncated/);
    const gz = gzipSync(writeTar([{ path: 'a/sys/x', type: 'file', data: Buffer.alloc(5000, 65) }]));
    expectInputError(() => openArchiveBytes(gz.subarray(0, gz.length - 30), 'x'), /corrupt or truncated|truncated/);
  });
  it('rejects random bytes and non-captures', () => {
    const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251));
    expectInputError(() => openArchiveBytes(junk, 'x'), /not a tar/);
    const noSys = gzipSync(writeTar([{ path: 'etc/passwd', type: 'file', data: Buffer.from('x') }]));
    expectInputError(() => openArchiveBytes(noSys, 'x'), /no sys\/ or proc\//);
  });
  it('drops ../ and absolute entries and never resolves links outside the root', () => {
    const tar = writeTar([
      { path: 'cap/sys/bus/pci/devices/', type: 'dir' },
      { path: 'cap/../../evil', type: 'file', data: Buffer.from('x') },
      { path: '/etc/evil', type: 'file', data: Buffer.from('x') },
      { path: 'cap/sys/bus/pci/devices/0000:00:01.0', type: 'symlink', linkTarget: '../../../../../../../../etc' },
      { path: 'cap/sys/class/net/eth0', type: 'symlink', linkTarget: '/etc/passwd' },
      { path: 'cap/proc/cpuinfo', type: 'file', data: Buffer.from('processor : 0\n') },
    ]);
    const a = openArchiveBytes(gzipSync(tar), 'evil.tar.gz');
    expect(a.diagnostics.map((d) => d.message).join('\n')).toMatch(/path with \.\./);
    expect(a.diagnostics.map((d) => d.message).join('\n')).toMatch(/absolute path/);
    expect(resolveLink(a.root, 'sys/bus/pci/devices/0000:00:01.0')).toBeNull();
    // An absolute link means the capture's own root, never the host's /etc.
    expect(resolveLink(a.root, 'sys/class/net/eth0')).toBe('etc/passwd');
    expect(a.root.readOptional('sys/class/net/eth0')).toBeNull();
  });
  it('stops decompression bombs at the limit (gzip and bzip2)', () => {
    const zeros = Buffer.alloc(8 * 1024 * 1024);
    const limits = { maxCompressedBytes: 1 << 30, maxBytes: 1024 * 1024, maxEntries: 1000 };
    expectInputError(() => openArchiveBytes(gzipSync(zeros), 'bomb.gz', limits), /more than 1048576 bytes/);
    const raw = join(work, 'zeros');
    writeFileSync(raw, zeros);
    const bz = execFileSync('bzip2', ['-c', raw]);
    expectInputError(() => openArchiveBytes(bz, 'bomb.bz2', limits), /more than 1048576 bytes/);
  });
  it('limits the number of entries', () => {
    const entries = Array.from({ length: 50 }, (_, i) => ({ path: `c/sys/f${i}`, type: 'file' as const, data: Buffer.from('1') }));
    expectInputError(() => openArchiveBytes(gzipSync(writeTar(entries)), 'many', { maxCompressedBytes: 1 << 30, maxBytes: 1 << 30, maxEntries: 10 }), /more than 10 entries/);
  });
  it('ignores device files and FIFOs made by the real tar, with a diagnostic', () => {
    const src = join(work, 'fifo-src');
    mkdirSync(join(src, 'cap/sys/bus/pci/devices'), { recursive: true });
    execFileSync('mkfifo', [join(src, 'cap/sys/fifo')]);
    symlinkSync('/dev/null', join(src, 'cap/sys/devnull'));
    const out = join(work, 'fifo.tar.gz');
    execFileSync('tar', ['-czf', out, '-C', src, 'cap']);
    const a = openArchiveBytes(readFileSync(out), 'fifo.tar.gz');
    expect(a.diagnostics.some((d) => /special file/.test(d.message))).toBe(true);
    expect(a.root.readOptional('sys/devnull')).toBeNull();
  });
  it('the loader maps unusable archives to one-line errors and writes nothing', async () => {
    const bad = join(work, 'trunc.tar.bz2');
    const buf = readFileSync(fixture);
    writeFileSync(bad, buf.subarray(0, 2000));
    // A private TMPDIR (the engine takes temp space from os.tmpdir() only; it names no
    // /tmp of its own): counting the shared /tmp raced with every other process using it.
    const privateTmp = mkdtempSync(join(tmpdir(), 'topolens-notmp-'));
    const savedTmp = process.env['TMPDIR'];
    process.env['TMPDIR'] = privateTmp;
    try {
      await expect(loadInput(bad)).rejects.toThrow(/bzip2 data is corrupt or truncated/);
    } finally {
      if (savedTmp === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = savedTmp;
    }
    expect(readdirSync(privateTmp)).toEqual([]);
  });
});
