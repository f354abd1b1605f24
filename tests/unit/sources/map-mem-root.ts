// The map-based MemRoot as it was before the tree (commit 2464748), kept verbatim
// as the reference the tree-based MemRoot is held to on hostile trees (links in
// loops, out of the root, files with paths below them). Test code only.
import { posix } from 'node:path';
import { MAX_ATTR_BYTES, normalizeInRoot, type MemEntry, type SysfsRoot } from '../../../electron/topology/sources/sysfs-root';

function stripNul(s: string): string {
  return s.charCodeAt(s.length - 1) === 0 ? s.replace(/\0+$/, '') : s;
}

interface Resolved {
  readonly path: string;
  /** Links followed to get there. */
  readonly hops: number;
}
const ROOT: Resolved = { path: '', hops: 0 };


/** An archive's files held in memory: nothing is written to disk. */
export class MapMemRoot implements SysfsRoot {
  private readonly children = new Map<string, Set<string>>();
  constructor(
    private readonly entries: Map<string, MemEntry>,
    readonly name: string,
  ) {
    this.children.set('', new Set());
    for (const p of entries.keys()) this.addParents(p);
  }
  private addParents(p: string): void {
    let cur = p;
    while (cur !== '') {
      const i = cur.lastIndexOf('/');
      const parent = i < 0 ? '' : cur.slice(0, i);
      let set = this.children.get(parent);
      if (!set) {
        set = new Set();
        this.children.set(parent, set);
      }
      const base = cur.slice(i + 1);
      if (set.has(base)) return;
      set.add(base);
      cur = parent;
    }
  }
  /** Resolved directories: path as asked → real path and how many links that took. */
  private readonly resolved = new Map<string, Resolved>();
  /**
   * Follow links in every component, inside the root. At most 40 links in all, as the
   * kernel's ELOOP limit: a loop of links (a → b → a) ends in null instead of unbounded
   * recursion. A directory's resolution is remembered, so reading the twenty files of
   * one device resolves its long path once, not once per file and component.
   */
  private canonical(p: string): string | null {
    const n = normalizeInRoot(p);
    if (n === null) return null;
    if (n === '') return '';
    return this.resolve(n, 0)?.path ?? null;
  }
  /** `n` normal and non-empty; `depth` links already followed by the callers. */
  private resolve(n: string, depth: number): Resolved | null {
    const hit = this.resolved.get(n);
    if (hit !== undefined) return depth + hit.hops > 40 ? null : hit;
    const i = n.lastIndexOf('/');
    let parent: Resolved | null = ROOT;
    if (i >= 0) {
      parent = this.resolve(n.slice(0, i), depth);
      if (parent === null) return null;
    }
    const base = i < 0 ? n : n.slice(i + 1);
    const cur = parent.path === '' ? base : `${parent.path}/${base}`;
    const e = this.entries.get(cur);
    let out: Resolved;
    if (e && e.type === 'link') {
      const hops = depth + parent.hops + 1;
      if (hops > 40) return null;
      const t = e.target.startsWith('/') ? normalizeInRoot(e.target) : normalizeInRoot(posix.join(parent.path, e.target));
      if (t === null) return null;
      const r = t === '' ? ROOT : this.resolve(t, hops);
      if (r === null) return null;
      out = { path: r.path, hops: parent.hops + 1 + r.hops };
    } else out = { path: cur, hops: parent.hops };
    if (depth + out.hops > 40) return null;
    // Directories and links only: a file, or a name that is not there, is asked for once.
    if (e === undefined ? this.children.has(cur) : e.type !== 'file') this.resolved.set(n, out);
    return out;
  }
  private fileAt(p: string): Uint8Array | null {
    const c = this.canonical(p);
    if (c === null) return null;
    const e = this.entries.get(c);
    return e && e.type === 'file' ? e.data : null;
  }
  readOptional(p: string, max = MAX_ATTR_BYTES): string | null {
    const d = this.fileAt(p);
    if (!d) return null;
    return stripNul(Buffer.from(d.buffer, d.byteOffset, Math.min(d.length, max)).toString('utf8'));
  }
  readBytes(p: string, max: number): Uint8Array | null {
    const d = this.fileAt(p);
    return d ? d.subarray(0, max) : null;
  }
  readLink(p: string): string | null {
    const n = normalizeInRoot(p);
    if (n === null) return null;
    const i = n.lastIndexOf('/');
    const dir = i < 0 ? '' : this.canonical(n.slice(0, i));
    if (dir === null) return null;
    const e = this.entries.get(dir === '' ? n.slice(i + 1) : `${dir}/${n.slice(i + 1)}`);
    return e && e.type === 'link' ? e.target : null;
  }
  list(p: string): string[] {
    const c = this.canonical(p);
    if (c === null) return [];
    return [...(this.children.get(c) ?? [])];
  }
  exists(p: string): boolean {
    const n = normalizeInRoot(p);
    if (n === null) return false;
    const i = n.lastIndexOf('/');
    const dir = i < 0 ? '' : this.canonical(n.slice(0, i));
    if (dir === null) return false;
    const full = dir === '' ? n.slice(i + 1) : `${dir}/${n.slice(i + 1)}`;
    return this.entries.has(full) || this.children.has(full);
  }
}
