// One reader for every filesystem the engine looks at: the live machine (`/`), a
// directory holding `sys/` and `proc/`, or an archive unpacked in memory. Paths are
// root-relative POSIX ("sys/bus/pci/devices"). Links are resolved inside the root and
// never leave it. It parses nothing.
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { posix, resolve as resolvePath, sep } from 'node:path';

export interface SysfsRoot {
  /** Human name for diagnostics: "/", a directory, or an archive file. */
  readonly name: string;
  /** File text, or null when it is missing or unreadable (normal in sysfs). */
  readOptional(path: string, max?: number): string | null;
  /** Raw link target, or null when `path` is not a symlink. */
  readLink(path: string): string | null;
  /** Entry names of a directory (following links), [] when missing. */
  list(path: string): string[];
  exists(path: string): boolean;
  /** Bytes of a file (config space), null when missing. */
  readBytes(path: string, max: number): Uint8Array | null;
}

/** Largest sysfs attribute the engine reads; real ones are a page at most. */
export const MAX_ATTR_BYTES = 64 * 1024;
/** Single-value attributes (ids, counts, names): the smallest page size. */
export const SMALL_ATTR_BYTES = 4096;
/** procfs files that grow with the machine (/proc/cpuinfo is ~1.5 KiB per x86 CPU). */
export const MAX_PROC_BYTES = 32 * 1024 * 1024;

/** Some capture tools store attributes with a trailing NUL; sysfs text never has one. */
function stripNul(s: string): string {
  return s.charCodeAt(s.length - 1) === 0 ? s.replace(/\0+$/, '') : s;
}

/** A leading or trailing slash, an empty, "." or ".." component. */
const NOT_NORMAL = /^\/|\/$|\/\/|(?:^|\/)\.\.?(?:\/|$)/;

/** Normalise a root-relative path; null when it climbs above the root. */
export function normalizeInRoot(p: string): string | null {
  // Most paths the engine builds are already normal: skip posix.normalize for them.
  if (p !== '' && !NOT_NORMAL.test(p)) return p;
  const n = posix.normalize(p.replace(/^\/+/, ''));
  if (n === '..' || n.startsWith('../')) return null;
  return n === '.' ? '' : n.replace(/\/+$/, '');
}

/**
 * Follow `path` if it is a symlink (once per hop, at most 40 hops) and return the
 * root-relative target; the path itself when it is not a link; null when the link
 * leaves the root. Absolute targets are taken relative to the root, as a capture
 * of `/` means them.
 */
export function resolveLink(root: SysfsRoot, path: string): string | null {
  let cur: string | null = normalizeInRoot(path);
  for (let hop = 0; hop < 40 && cur !== null; hop += 1) {
    const target = root.readLink(cur);
    if (target === null) return cur;
    cur = target.startsWith('/') ? normalizeInRoot(target) : normalizeInRoot(posix.join(posix.dirname(cur), target));
  }
  return null;
}

/** Basename of a link's target ("../../../bus/pci/drivers/nvme" → "nvme"). */
export function linkBasename(root: SysfsRoot, path: string): string | null {
  const t = root.readLink(path);
  if (t === null) return null;
  const b = posix.basename(t.replace(/\/+$/, ''));
  return b === '' || b === '..' || b === '.' ? null : b;
}

/** DiskRoot's read buffer, grown on demand (readBytes may ask for more). */
let scratch = Buffer.allocUnsafe(MAX_ATTR_BYTES);

/** How DiskRoot knows a directory: its entries (name → kind), or that it is missing. */
type Listing = Map<string, EntryKind> | 'missing';
type EntryKind = 0 | 1 | 2;
const OTHER: EntryKind = 0;
const DIR: EntryKind = 1;
const LINK: EntryKind = 2;
/** Directories whose listings DiskRoot keeps; reads cluster by device, so few are hot. */
const LISTING_CACHE = 512;

/**
 * The live machine or a directory on disk. Reads go through the parent directory's
 * listing (one getdents, kept in a small LRU): a file or link that is not listed is
 * answered "missing" without a failed open() and the exception Node builds for it,
 * which is most of the cost of reading sysfs, where many optional files are absent.
 * Directories that cannot be listed fall back to asking the file system directly.
 */
export class DiskRoot implements SysfsRoot {
  private readonly base: string;
  private readonly listings = new Map<string, Listing | null>();
  constructor(dir: string, readonly name: string = dir) {
    this.base = resolvePath(dir);
  }
  private abs(p: string): string | null {
    const n = normalizeInRoot(p);
    if (n === null) return null;
    return this.base === sep ? `/${n}` : `${this.base}/${n}`;
  }
  /** The listing of an absolute directory; null when it cannot be listed (ask directly). */
  private listing(dir: string): Listing | null {
    const hit = this.listings.get(dir);
    if (hit !== undefined) {
      // Refresh its place in the LRU.
      this.listings.delete(dir);
      this.listings.set(dir, hit);
      return hit;
    }
    let v: Listing | null;
    try {
      v = new Map();
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        v.set(e.name, e.isSymbolicLink() ? LINK : e.isDirectory() ? DIR : OTHER);
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      v = code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : null;
    }
    if (this.listings.size >= LISTING_CACHE) this.listings.delete(this.listings.keys().next().value!);
    this.listings.set(dir, v);
    return v;
  }
  /**
   * What the parent listing says about an absolute path: its kind, 'missing', or
   * undefined when the listing cannot tell (the root itself, an unlistable parent).
   */
  private kindOf(a: string): EntryKind | 'missing' | undefined {
    const i = a.lastIndexOf('/');
    if (i <= 0 || i === a.length - 1 || a.length <= this.base.length) return undefined;
    const l = this.listing(a.slice(0, i));
    if (l === null) return undefined;
    if (l === 'missing') return 'missing';
    return l.get(a.slice(i + 1)) ?? 'missing';
  }
  /**
   * The first `max` bytes of a file (all of it when shorter), read into a scratch
   * buffer: no fstat and no buffer per file, unlike readFileSync. Returns a view of
   * the scratch buffer, valid until the next read.
   */
  private readFile(a: string, max: number): Buffer | null {
    if (this.kindOf(a) === 'missing') return null;
    if (max > MAX_ATTR_BYTES) {
      // procfs files that grow with the machine come in page-sized pieces: read to EOF.
      try {
        const whole = readFileSync(a);
        return whole.length > max ? whole.subarray(0, max) : whole;
      } catch {
        return null;
      }
    }
    if (scratch.length < max) scratch = Buffer.allocUnsafe(max);
    let fd: number | null = null;
    try {
      fd = openSync(a, 'r');
      let n = 0;
      for (;;) {
        const want = max - n;
        const got = readSync(fd, scratch, n, want, null);
        n += got;
        // A sysfs attribute comes whole in its first read, and a short read of a regular
        // file is its end: no second read() just to see EOF.
        if (got === 0 || got < want || n >= max) break;
      }
      return scratch.subarray(0, n);
    } catch {
      return null;
    } finally {
      if (fd !== null) closeSync(fd);
    }
  }
  readOptional(p: string, max = MAX_ATTR_BYTES): string | null {
    const a = this.abs(p);
    if (a === null) return null;
    const buf = this.readFile(a, max);
    return buf === null ? null : stripNul(buf.toString('utf8'));
  }
  readBytes(p: string, max: number): Uint8Array | null {
    const a = this.abs(p);
    if (a === null) return null;
    const buf = this.readFile(a, max);
    return buf === null ? null : Buffer.from(buf); // a copy: callers keep it
  }
  readLink(p: string): string | null {
    const a = this.abs(p);
    if (a === null) return null;
    // Asking whether a path is a link (resolveLink's last hop: sys/class/net/eth0 → the
    // device's net/eth0 directory) should not list a parent nothing else will read:
    // one lstat, which does not throw, instead of a listing of `net/`.
    const i = a.lastIndexOf('/');
    if (i > 0 && !this.listings.has(a.slice(0, i))) {
      const st = lstatSync(a, { throwIfNoEntry: false });
      if (st === undefined || !st.isSymbolicLink()) return null;
    } else {
      const k = this.kindOf(a);
      if (k === 'missing' || (k !== undefined && k !== LINK)) return null;
    }
    try {
      return readlinkSync(a);
    } catch {
      return null;
    }
  }
  list(p: string): string[] {
    const a = this.abs(p);
    if (a === null) return [];
    const l = this.listing(a);
    if (l === 'missing') return [];
    if (l !== null) return [...l.keys()];
    try {
      return readdirSync(a);
    } catch {
      return [];
    }
  }
  exists(p: string): boolean {
    const a = this.abs(p);
    if (a === null) return false;
    const k = this.kindOf(a);
    if (k !== undefined) return k !== 'missing';
    try {
      lstatSync(a);
      return true;
    } catch {
      return false;
    }
  }
}

interface Resolved {
  readonly path: string;
  /** Links followed to get there. */
  readonly hops: number;
}
const ROOT: Resolved = { path: '', hops: 0 };

export type MemEntry =
  | { readonly type: 'file'; readonly data: Uint8Array }
  | { readonly type: 'link'; readonly target: string }
  | { readonly type: 'dir' };

/** An archive's files held in memory: nothing is written to disk. */
export class MemRoot implements SysfsRoot {
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
