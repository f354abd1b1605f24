// Fuzz: the sysfs reader (readSysfs via snapshotFromRoot) over in-memory trees made
// from real capture archives, then damaged: truncated and bit-flipped files, nasty
// numbers, absurd NUMA ids, non-UTF-8 bytes, huge lists, links made into loops or
// pointing outside, duplicate addresses and parent loops. The result must always be a
// valid snapshot (schema, unique addresses, parent chains that end).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { snapshotFromRoot } from '../../electron/topology/load';
import { parseTar } from '../../electron/topology/parse/tar';
import { decompress, openArchiveBytes, sniffCompression } from '../../electron/topology/sources/archive';
import { MemRoot, normalizeInRoot, type MemEntry } from '../../electron/topology/sources/sysfs-root';
import { checkSnapshot, fuzz, NASTY_NUMBERS } from './harness';

const R = join(__dirname, '../../fixtures');

/** The archive's entries, rooted where openArchiveBytes roots them. */
function treeOf(p: string): Map<string, MemEntry> {
  const bytes = readFileSync(join(R, p));
  const { top } = openArchiveBytes(bytes, p);
  const prefix = top === '' ? '' : `${top}/`;
  const out = new Map<string, MemEntry>();
  for (const e of parseTar(decompress(bytes, sniffCompression(bytes)!, 1 << 30), { maxEntries: 1_000_000 })) {
    const n = normalizeInRoot(e.path);
    if (n === null || !n.startsWith(prefix) || n.length <= prefix.length) continue;
    const rel = n.slice(prefix.length);
    if (e.type === 'file') out.set(rel, { type: 'file', data: e.data });
    else if (e.type === 'dir') out.set(rel, { type: 'dir' });
    else if (e.type === 'symlink') out.set(rel, { type: 'link', target: e.linkTarget });
  }
  return out;
}

const bases = [
  'lab/x86-q35-2numa-switch/capture.tar.gz',
  'lab/x86-q35-sriov-nvme/capture.tar.gz',
  'lab/x86-q35-cxl/capture.tar.gz',
  'lab/arm64-virt-neoverse-n1/capture.tar.gz',
  'hwloc/linux/16amd64-8n2c.tar.bz2',
].map((p) => {
  const tree = treeOf(p);
  const keys = [...tree.keys()];
  const interesting = /(?:^|\/)(numa_node|local_cpulist|local_cpus|cpulist|cpumap|distance|meminfo|current_link_speed|current_link_width|max_link_speed|max_link_width|class|vendor|device|subsystem_vendor|revision|sriov_totalvfs|sriov_numvfs|config|physical_package_id|core_id|cluster_id|midr_el1|cpuinfo|target_node|size|online|possible|has_cpu|has_memory|driver_override|address|label|interleave_ways|ram\/size|pmem\/size|serial|uevent|hostname|osrelease)$/;
  return {
    name: p,
    tree,
    files: keys.filter((k) => tree.get(k)!.type === 'file' && interesting.test(k)),
    allFiles: keys.filter((k) => tree.get(k)!.type === 'file'),
    links: keys.filter((k) => tree.get(k)!.type === 'link'),
    devices: keys.filter((k) => /^sys\/bus\/pci\/devices\/[^/]+$/.test(k)),
    keys,
  };
});

type Op =
  | { k: 'content'; at: number; any: boolean; v: number; n: number; bit: number; bytes: number[] }
  | { k: 'link'; at: number; v: number; other: number }
  | { k: 'dup'; at: number; upper: boolean }
  | { k: 'cycle'; a: number; b: number }
  | { k: 'delete'; at: number }
  | { k: 'many'; at: number; n: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('content' as const), at: fc.nat(), any: fc.boolean(), v: fc.nat({ max: 11 }), n: fc.nat({ max: NASTY_NUMBERS.length * 4 }), bit: fc.nat({ max: 7 }), bytes: fc.array(fc.nat({ max: 255 }), { maxLength: 16 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('link' as const), at: fc.nat(), v: fc.nat({ max: 7 }), other: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('dup' as const), at: fc.nat(), upper: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cycle' as const), a: fc.nat(), b: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('many' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 1500 }) }) },
);

const enc = (s: string) => Buffer.from(s, 'utf8');

function mutate(bi: number, ops: readonly Op[]): MemRoot {
  const b = bases[bi]!;
  const t = new Map(b.tree);
  for (const o of ops) {
    if (o.k === 'content') {
      const list = o.any ? b.allFiles : b.files;
      const p = list[o.at % list.length]!;
      const cur = t.get(p);
      const data = cur && cur.type === 'file' ? cur.data : new Uint8Array();
      let next: Uint8Array;
      switch (o.v) {
        case 0: next = enc(`${NASTY_NUMBERS[o.n % NASTY_NUMBERS.length]}\n`); break;
        case 1: next = data.subarray(0, data.length === 0 ? 0 : o.n % data.length); break;
        case 2: { const c = Buffer.from(data); if (c.length) c[o.n % c.length] = c[o.n % c.length]! ^ (1 << o.bit); next = c; break; }
        case 3: next = Uint8Array.from(o.bytes); break; // random bytes: often not UTF-8
        case 4: next = new Uint8Array(); break;
        case 5: next = enc('9'.repeat(100_000)); break;
        case 6: next = enc(Array.from({ length: 1 + (o.n % 4000) }, () => '0-1048576').join(',')); break;
        case 7: next = enc(['-5', '99999999', '1048576', '65536', '-2147483648', '4096'][o.n % 6]!); break;
        case 8: next = enc(`${'ffffffff,'.repeat(o.n % 9000)}ffffffff\n`); break;
        case 9: next = Buffer.concat([Buffer.from(data), Uint8Array.from([0xff, 0xfe, 0xc0, 0x80, 0])]); break;
        case 10: next = enc(`${Array.from({ length: 1 + o.n * 50 }, (_, i) => `${i}`).join(' ')}\n`); break;
        default: next = enc('Unknown\n');
      }
      t.set(p, { type: 'file', data: next });
    } else if (o.k === 'link' && b.links.length > 0) {
      const p = b.links[o.at % b.links.length]!;
      const other = b.links[o.other % b.links.length]!;
      const name = p.split('/').pop()!;
      const targets = [name, '.', '..', `${'../'.repeat(30)}etc/passwd`, '/proc/self/root', '/', `/${other}`, `../${name}/${name}`];
      t.set(p, { type: 'link', target: targets[o.v % targets.length]! });
      if (o.v === 6) t.set(other, { type: 'link', target: `/${p}` }); // a loop of two
    } else if (o.k === 'dup' && b.devices.length > 0) {
      const p = b.devices[o.at % b.devices.length]!;
      const e = t.get(p)!;
      const name = p.split('/').pop()!;
      const alias = o.upper ? name.toUpperCase() : `0${name}`;
      t.set(`sys/bus/pci/devices/${alias}`, e);
    } else if (o.k === 'cycle' && b.devices.length > 1) {
      const a = b.devices[o.a % b.devices.length]!.split('/').pop()!;
      const c = b.devices[o.b % b.devices.length]!.split('/').pop()!;
      t.set(`sys/bus/pci/devices/${a}`, { type: 'link', target: `../../../devices/pci0000:00/${c}/${a}` });
      t.set(`sys/bus/pci/devices/${c}`, { type: 'link', target: `../../../devices/pci0000:00/${a}/${c}` });
    } else if (o.k === 'delete') {
      t.delete(b.keys[o.at % b.keys.length]!);
    } else if (o.k === 'many' && b.devices.length > 0) {
      const e = t.get(b.devices[o.at % b.devices.length]!)!;
      for (let i = 0; i < o.n; i += 1) t.set(`sys/bus/pci/devices/0000:${(i >> 8).toString(16).padStart(2, '0')}:${((i >> 3) & 31).toString(16).padStart(2, '0')}.${i & 7}`, e);
    }
  }
  return new MemRoot(t, b.name);
}

describe('fuzz: sysfs reader over damaged real trees', () => {
  it('every base tree reads cleanly first', () => {
    for (let i = 0; i < bases.length; i += 1) checkSnapshot(snapshotFromRoot(mutate(i, []), 'archive', 'x').topology);
  });
  it('damaged trees', () => {
    fuzz(
      'sysfs reader',
      fc.tuple(fc.nat({ max: bases.length - 1 }), fc.array(op, { minLength: 1, maxLength: 8 })),
      ([i, ops]) => checkSnapshot(snapshotFromRoot(mutate(i, ops), 'archive', 'fuzz').topology),
      { runs: 250, show: ([i, ops]) => `${bases[i]!.name} ${JSON.stringify(ops)}` },
    );
  });
});
