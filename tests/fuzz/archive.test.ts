// Fuzz: archives. parseTar over random and damaged tar images; openArchiveBytes (and
// the sysfs reader behind it) over damaged real captures, re-compressed and not, and
// over synthetic tars full of hostile entries. Anything that opens must read into a
// valid snapshot; anything else must be an InputError.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { snapshotFromRoot } from '../../electron/topology/load';
import { parseTar, TarError, writeTar, type TarWriteEntry } from '../../electron/topology/parse/tar';
import { decompress, openArchiveBytes, sniffCompression } from '../../electron/topology/sources/archive';
import { checkSnapshot, fuzz, mutateBytes, textOps } from './harness';

const R = join(__dirname, '../../fixtures');
const files = ['lab/x86-q35-2numa-switch/capture.tar.gz', 'lab/x86-q35-sriov-nvme/capture.tar.gz', 'lab/arm64-virt-neoverse-n1/capture.tar.gz'];
const compressed = files.map((f) => readFileSync(join(R, f)));
const tars = compressed.map((b) => decompress(b, sniffCompression(b)!, 1 << 30));
const LIMITS = { maxCompressedBytes: 64 << 20, maxBytes: 64 << 20, maxEntries: 100_000 };

function open(bytes: Uint8Array): void {
  const a = openArchiveBytes(bytes, 'fuzz.tar.gz', LIMITS);
  checkSnapshot(snapshotFromRoot(a.root, 'archive', 'fuzz.tar.gz').topology);
}

const segment = fc.constantFrom('sys', 'proc', 'bus', 'pci', 'devices', '..', '.', '', 'pci0000:00', '0000:00:01.0', '0000:01:00.0', 'cpu0', 'node0', 'cpuinfo', 'numa_node', 'vendor', 'driver', 'etc', 'passwd', 'a'.repeat(120));
const path = fc.tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 9 })).map(([abs, s]) => `${abs ? '/' : ''}cap/${s.join('/')}`);
const entry: fc.Arbitrary<TarWriteEntry> = fc.oneof(
  fc.record({ path, type: fc.constant('file' as const), data: fc.oneof(fc.constantFrom('0\n', '-1\n', '0x8086\n', '0-3\n', '99999999999\n').map((s) => Buffer.from(s)), fc.uint8Array({ maxLength: 64 })) }),
  fc.record({ path, type: fc.constant('dir' as const) }),
  fc.record({ path, type: fc.constant('symlink' as const), linkTarget: fc.oneof(path, fc.constantFrom('/', '..', '../../../../../../etc/passwd', '/dev/zero', '/proc/self/root', '.')) }),
);
const synthetic = fc.array(entry, { minLength: 1, maxLength: 40 }).map((es) => gzipSync(writeTar([{ path: 'cap/sys/bus/pci/devices/', type: 'dir' }, ...es]), { level: 1 }));

describe('fuzz: archives', () => {
  it('parseTar: random bytes and damaged real tar images', () => {
    const arb = fc.oneof(
      fc.uint8Array({ maxLength: 4096 }),
      fc.tuple(fc.nat({ max: tars.length - 1 }), textOps({ longLines: false })).map(([i, ops]) => mutateBytes(tars[i]!, ops)),
    );
    fuzz('tar parser', arb, (b) => {
      try {
        parseTar(b, { maxEntries: 100_000 });
      } catch (e) {
        if (!(e instanceof TarError)) throw e;
      }
    }, { runs: 800 });
  });
  it('openArchiveBytes: damaged real captures, re-compressed', () => {
    const arb = fc.tuple(fc.nat({ max: tars.length - 1 }), textOps({ longLines: false })).map(([i, ops]) => gzipSync(mutateBytes(tars[i]!, ops), { level: 1 }));
    fuzz('archive damaged tar', arb, open, { runs: 250 });
  });
  it('openArchiveBytes: damaged compressed bytes (gzip)', () => {
    const arb = fc.tuple(fc.nat({ max: compressed.length - 1 }), textOps({ longLines: false })).map(([i, ops]) => mutateBytes(compressed[i]!, ops));
    fuzz('archive damaged gzip', arb, open, { runs: 250 });
  });
  it('openArchiveBytes: synthetic hostile entries', () => {
    fuzz('archive hostile entries', synthetic, open, { runs: 400 });
  });
});
