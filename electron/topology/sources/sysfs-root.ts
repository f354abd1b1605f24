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
  const n = posix.normalize(p.replace(/^\/+/, '')).replace(/\/+$/, '');
  if (n === '..' || n.startsWith('../')) return null;
  // "a/../" normalises to "./": the root, like "." (it was returned as ".").
  return n === '.' ? '' : n;
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

export type MemEntry =
  | { readonly type: 'file'; readonly data: Uint8Array }
  | { readonly type: 'link'; readonly target: string }
  | { readonly type: 'dir' };

/**
 * One name in MemRoot's tree: what the archive said it is (undefined for a folder
 * only implied by the paths below it) and, when paths go below it, its children.
 */
interface MemNode {
  entry: MemEntry | undefined;
  children: Map<string, MemNode> | undefined;
  /** Its path from the root ("" for the root). */
  readonly path: string;
}

interface Resolved {
  /** undefined: nothing by that name (lookups below it find nothing either). */
  readonly node: MemNode | undefined;
  /** Links followed to get there. */
  readonly hops: number;
}

/**
 * Paths → entries as a tree of per-folder maps, built entry by entry (an archive as
 * it streams in); MemRoot reads it, from its top or from a folder inside it.
 */
export class MemTree {
  readonly root: MemNode = { entry: undefined, children: new Map(), path: '' };
  /** Where the last insert went: paths come grouped by folder. */
  private lastDir: MemNode = this.root;
  /** The node at `p` (normal), created with its parents when missing. */
  node(p: string): MemNode {
    if (p === '') return this.root;
    const i = p.lastIndexOf('/');
    const dirPath = i < 0 ? '' : p.slice(0, i);
    const dir = this.lastDir.path === dirPath ? this.lastDir : this.node(dirPath);
    this.lastDir = dir;
    const base = i < 0 ? p : p.slice(i + 1);
    let kids = dir.children;
    if (kids === undefined) dir.children = kids = new Map();
    let n = kids.get(base);
    if (n === undefined) {
      n = { entry: undefined, children: undefined, path: p };
      kids.set(base, n);
    }
    return n;
  }
  /** The entry stored at `p` (normal), following nothing; undefined when none. */
  get(p: string): MemEntry | undefined {
    let n: MemNode | undefined = this.root;
    for (const part of p === '' ? [] : p.split('/')) {
      n = n.children?.get(part);
      if (n === undefined) return undefined;
    }
    return n.entry;
  }
}

/**
 * An archive's files held in memory: nothing is written to disk. A tree of
 * per-folder maps, so a lookup hashes short names instead of whole paths, and the
 * folder a run of reads shares (a device's twenty attributes) is resolved once.
 */
export class MemRoot implements SysfsRoot {
  private readonly root: MemNode;
  private readonly top: Resolved;
  /** Characters of a node's path before the part relative to this root ("cap/"). */
  private readonly cut: number;
  /**
   * Paths → entries, or a MemTree read from its folder `under` (the entry of that
   * folder itself is not part of this root, as a path "" is not a file).
   */
  constructor(entries: Map<string, MemEntry> | MemTree, readonly name: string, under = '') {
    let tree: MemTree;
    if (entries instanceof MemTree) tree = entries;
    else {
      tree = new MemTree();
      for (const [p, e] of entries) tree.node(p).entry = e;
    }
    if (under === '') {
      this.root = tree.root;
      this.cut = 0;
    } else {
      const at = tree.node(under);
      this.root = { entry: undefined, children: at.children ?? new Map(), path: under };
      this.cut = under.length + 1;
    }
    this.top = { node: this.root, hops: 0 };
  }
  /** A node's path relative to this root. */
  private pathOf(n: MemNode): string {
    return n === this.root ? '' : this.cut === 0 ? n.path : n.path.slice(this.cut);
  }
  /** Resolved directories: path as asked → node and how many links that took. */
  private readonly resolved = new Map<string, Resolved>();
  /**
   * Follow links in every component, inside the root. At most 40 links in all, as the
   * kernel's ELOOP limit: a loop of links (a → b → a) ends in null instead of unbounded
   * recursion. A directory's resolution is remembered, so reading the twenty files of
   * one device resolves its long path once, not once per file and component.
   */
  private canonical(p: string): Resolved | null {
    const n = normalizeInRoot(p);
    if (n === null) return null;
    if (n === '') return this.top;
    return this.resolve(n, 0);
  }
  /** `n` normal and non-empty; `depth` links already followed by the callers. */
  private resolve(n: string, depth: number): Resolved | null {
    const hit = this.resolved.get(n);
    if (hit !== undefined) return depth + hit.hops > 40 ? null : hit;
    const i = n.lastIndexOf('/');
    let parent: Resolved | null = this.top;
    if (i >= 0) {
      parent = this.resolve(n.slice(0, i), depth);
      if (parent === null) return null;
    }
    const base = i < 0 ? n : n.slice(i + 1);
    const node = parent.node?.children?.get(base);
    const e = node?.entry;
    let out: Resolved;
    if (e && e.type === 'link') {
      const hops = depth + parent.hops + 1;
      if (hops > 40) return null;
      const from = this.pathOf(parent.node!);
      const t = e.target.startsWith('/') ? normalizeInRoot(e.target) : normalizeInRoot(posix.join(from, e.target));
      if (t === null) return null;
      const r = t === '' ? this.top : this.resolve(t, hops);
      if (r === null) return null;
      out = { node: r.node, hops: parent.hops + 1 + r.hops };
    } else out = { node, hops: parent.hops };
    if (depth + out.hops > 40) return null;
    // Directories and links only: a file, or a name that is not there, is asked for once.
    if (e === undefined ? node?.children !== undefined : e.type !== 'file') this.resolved.set(n, out);
    return out;
  }
  /** The folder named() resolved last, as asked, and what it resolved to. */
  private lastDirAsked = '';
  private lastDirResolved: Resolved | null = null;
  /**
   * The node named by the last component of `p`, its folder resolved (the name itself
   * not followed); null when the folder cannot be resolved. Reads come in runs on one
   * folder (`${dir}/vendor`, `${dir}/device`...): when `p` is the last folder plus one
   * plain name, that folder's resolution is reused without normalising or hashing the
   * path again.
   */
  private named(p: string): MemNode | undefined | null {
    const d = this.lastDirAsked;
    if (d !== '' && p.length > d.length + 1 && p.charCodeAt(d.length) === 0x2f && p.startsWith(d) && p.indexOf('/', d.length + 1) < 0) {
      const base = p.slice(d.length + 1);
      if (base !== '.' && base !== '..') return this.lastDirResolved === null ? null : this.lastDirResolved.node?.children?.get(base);
    }
    const n = normalizeInRoot(p);
    if (n === null) return null;
    if (n === '') return this.root;
    const i = n.lastIndexOf('/');
    if (i < 0) return this.root.children!.get(n);
    const dirPath = n.slice(0, i);
    const dir = this.resolve(dirPath, 0);
    this.lastDirAsked = dirPath;
    this.lastDirResolved = dir;
    return dir === null ? null : dir.node?.children?.get(n.slice(i + 1));
  }
  private fileAt(p: string): Uint8Array | null {
    const named = this.named(p);
    // A link as the last component: follow it (rare in reads: most go through folders).
    const e = named?.entry?.type === 'link' ? this.canonical(p)?.node?.entry : named?.entry;
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
    const e = this.named(p)?.entry;
    return e && e.type === 'link' ? e.target : null;
  }
  list(p: string): string[] {
    const kids = this.canonical(p)?.node?.children;
    return kids ? [...kids.keys()] : [];
  }
  exists(p: string): boolean {
    return this.named(p) != null;
  }
}
