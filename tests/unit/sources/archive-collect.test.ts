// The archive reader builds its tree as entries stream in (top folder followed as paths
// appear). Held here to the plain rule it replaced, written out as a reference: every
// safe entry into a map by normalised path, the top = the shallowest folder before a
// path's last sys/proc component (first key wins a tie), the map re-rooted there and
// read through the map-based MemRoot. Same top, diagnostics and answers on hostile
// synthetic archives.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../electron/topology/errors';
import { parseTar, writeTar, type TarWriteEntry } from '../../../electron/topology/parse/tar';
import { openArchiveBytes } from '../../../electron/topology/sources/archive';
import { normalizeInRoot, type MemEntry, type SysfsRoot } from '../../../electron/topology/sources/sysfs-root';
import { MapMemRoot } from './map-mem-root';

function reference(tar: Uint8Array): { top: string; root: SysfsRoot; dropped: string[] } | string {
  const map = new Map<string, MemEntry>();
  const dropped: string[] = [];
  for (const e of parseTar(tar)) {
    const raw = e.path.replace(/\\/g, '/');
    if (raw.startsWith('/')) { dropped.push('absolute path'); continue; }
    if (raw.split('/').includes('..')) { dropped.push('path with ..'); continue; }
    const p = normalizeInRoot(raw);
    if (p === null || p === '') continue;
    if (e.type === 'file') map.set(p, { type: 'file', data: e.data.slice() });
    else if (e.type === 'dir') { if (!map.has(p)) map.set(p, { type: 'dir' }); }
    else if (e.type === 'symlink') map.set(p, { type: 'link', target: e.linkTarget });
    else dropped.push('other');
  }
  let top: string | null = null;
  for (const p of map.keys()) {
    const m = /^(?:(.*)\/)?(sys|proc)(?:\/|$)/.exec(p);
    if (!m) continue;
    const cand = m[1] ?? '';
    if (top === null || cand.split('/').length < top.split('/').length || (cand === '' && top !== '')) top = cand;
  }
  if (top === null) return 'archive holds no sys/ or proc/ folder: not a topology capture';
  const rooted = new Map<string, MemEntry>();
  const prefix = top === '' ? '' : `${top}/`;
  for (const [p, e] of map) if (p.startsWith(prefix) && p.length > prefix.length) rooted.set(p.slice(prefix.length), e);
  return { top, root: new MapMemRoot(rooted, 'x'), dropped };
}

const seg = fc.constantFrom('sys', 'proc', 'cap', 'a', 'b', '..', '.', '', 'devices', 'x/sys');
const path = fc.tuple(fc.boolean(), fc.array(seg, { minLength: 1, maxLength: 5 })).map(([abs, s]) => `${abs ? '/' : ''}${s.join('/')}`);
const entry: fc.Arbitrary<TarWriteEntry> = fc.oneof(
  fc.record({ path, type: fc.constant('file' as const), data: fc.string({ maxLength: 6 }).map((s) => Buffer.from(s)) }),
  fc.record({ path, type: fc.constant('dir' as const) }),
  fc.record({ path, type: fc.constant('symlink' as const), linkTarget: fc.oneof(path, fc.constantFrom('/', '..', '../..', '.')) }),
);
const queries = fc.array(fc.array(fc.constantFrom('sys', 'proc', 'a', 'b', 'devices', '..', ''), { maxLength: 4 }).map((s) => s.join('/')), { minLength: 5, maxLength: 15 });

describe('archive tree as it streams in', () => {
  it('the same top, dropped entries and answers as the map-and-regex rule', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 30 }), queries, (es, qs) => {
        const tar = writeTar(es);
        const want = reference(tar);
        let got;
        try {
          got = openArchiveBytes(gzipSync(tar), 'x');
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          expect((e as Error).message).toBe(want);
          return;
        }
        if (typeof want === 'string') throw new Error(`reference refused (${want}), the reader opened it`);
        expect(got.top).toBe(want.top);
        const answers = (r: SysfsRoot) => qs.map((q) => `${r.readOptional(q)}|${r.readLink(q)}|${r.exists(q)}|${r.list(q).join(',')}`);
        expect(answers(got.root)).toEqual(answers(want.root));
        const droppedCount = got.diagnostics.reduce((n, d) => n + Number(/ignored (\d+)/.exec(d.message)![1]), 0);
        expect(droppedCount).toBe(want.dropped.length);
      }),
      { numRuns: 1500, seed: 19 },
    );
  });
});
