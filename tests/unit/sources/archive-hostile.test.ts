// Hostile archives (issue 8): hard links and symlinks out of the root, device files,
// and (archive-limits.ts, at small limits here) decompression bombs and too many
// entries. Each is refused or limited with a clear message.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeTar } from '../../../electron/topology/parse/tar';
import { DEFAULT_ARCHIVE_LIMITS, openArchiveBytes } from '../../../electron/topology/sources/archive';
import { baseTar as base, describeArchiveLimits, rawEntry } from './archive-limits';

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

// The same bombs at small limits here (the code path does not depend on the size);
// tests/slow/archive-limits.test.ts runs them at the default limits (npm run test:slow).
describeArchiveLimits('small limits', { ...DEFAULT_ARCHIVE_LIMITS, maxBytes: 16 << 20, maxEntries: 16_000 });
