// MemRoot (a tree of per-folder maps) against two references: the file system itself
// (the same tree written to disk and read through DiskRoot, where the kernel follows
// the links), and, for what a disk cannot hold safely (links out of the root, absolute
// targets, files with paths below them), the map-based MemRoot it replaced.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiskRoot, MemRoot, normalizeInRoot, type MemEntry, type SysfsRoot } from '../../../electron/topology/sources/sysfs-root';
import { MapMemRoot } from './map-mem-root';

const names = ['a', 'b', 'sys', 'dev', 'x y', '0000:00:01.0'];
const seg = fc.constantFrom(...names);
const relTarget = fc.array(fc.constantFrom(...names, '..', '.'), { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));

/** Every answer a root gives for `paths`, one line each (lists sorted: disk order is the file system's). */
function answers(root: SysfsRoot, paths: string[]): string[] {
  return paths.map((p) => {
    const list = root.list(p).sort().join(',');
    return `${p}: read=${root.readOptional(p)} bytes=${root.readBytes(p, 3)?.length ?? null} link=${root.readLink(p)} exists=${root.exists(p)} list=[${list}]`;
  });
}

const queries = fc.array(fc.array(fc.constantFrom(...names, '..', '.', ''), { minLength: 0, maxLength: 5 }).map((s) => s.join('/')), { minLength: 5, maxLength: 25 });

describe('normalizeInRoot', () => {
  it('is posix.normalize inside the root: "a/../" and "./" are the root, climbing out is null', () => {
    expect(['a/../', './', 'a/..', '.', '', 'a/b/../c/', '/a//b/', '../a', 'a/../..'].map(normalizeInRoot)).toEqual(['', '', '', '', '', 'a/c', 'a/b', null, null]);
  });
});

describe('MemRoot', () => {
  it('answers as the file system does for the same tree on disk (relative links, loops included)', () => {
    const tree = fc.array(
      fc.tuple(fc.array(seg, { minLength: 1, maxLength: 4 }), fc.oneof(fc.constant<'dir'>('dir'), fc.constant<'file'>('file'), relTarget)),
      { minLength: 1, maxLength: 25 },
    );
    fc.assert(
      fc.property(tree, queries, (items, qs) => {
        const dir = mkdtempSync(join(tmpdir(), 'topolens-memroot-'));
        try {
          const map = new Map<string, MemEntry>();
          for (const [segs, kind] of items) {
            const p = segs.join('/');
            // Only what a disk can hold: nothing below a file or a link, no name twice.
            const taken = [...map.keys()].some((k) => k === p || p.startsWith(`${k}/`) && map.get(k)!.type !== 'dir' || k.startsWith(`${p}/`));
            if (taken) continue;
            // A link must not lead out of the temporary folder: count its climb.
            if (kind !== 'dir' && kind !== 'file' && kind.split('/').filter((s) => s === '..').length >= segs.length) continue;
            map.set(p, kind === 'dir' ? { type: 'dir' } : kind === 'file' ? { type: 'file', data: Buffer.from(`${p}\n`) } : { type: 'link', target: kind });
          }
          for (const [p, e] of map) {
            const abs = join(dir, p);
            mkdirSync(dirname(abs), { recursive: true });
            if (e.type === 'dir') mkdirSync(abs, { recursive: true });
            else if (e.type === 'file') writeFileSync(abs, e.data);
            else symlinkSync(e.target, abs);
          }
          expect(answers(new MemRoot(map, 'm'), qs)).toEqual(answers(new DiskRoot(dir), qs));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 150, seed: 19 },
    );
  });
  it('answers as the map-based MemRoot did on hostile trees', () => {
    const target = fc.oneof(relTarget, relTarget.map((t) => `/${t}`), fc.constantFrom('/', '..', '../../..', '.', ''));
    const entry: fc.Arbitrary<MemEntry> = fc.oneof(
      fc.constant<MemEntry>({ type: 'dir' }),
      fc.string({ maxLength: 4 }).map((s): MemEntry => ({ type: 'file', data: Buffer.from(s) })),
      target.map((t): MemEntry => ({ type: 'link', target: t })),
    );
    const tree = fc.array(fc.tuple(fc.array(seg, { minLength: 0, maxLength: 5 }).map((s) => s.join('/')), entry), { maxLength: 30 });
    fc.assert(
      fc.property(tree, queries, (items, qs) => {
        const map = new Map(items);
        // Same answers, in the same order (lists too: the order of first appearance).
        const raw = (r: SysfsRoot) => qs.map((p) => `${r.readOptional(p)}|${r.readLink(p)}|${r.exists(p)}|${r.list(p).join(',')}`);
        expect(raw(new MemRoot(map, 'm'))).toEqual(raw(new MapMemRoot(map, 'm')));
      }),
      { numRuns: 2000, seed: 19 },
    );
  });
});
