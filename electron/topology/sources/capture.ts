// `topolens capture`: records exactly the files the engine reads on this machine (a
// recording SysfsRoot around the live one) and packs them, links intact, into a
// tar.gz that opens anywhere. Reads; never changes the machine.
import { lstatSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import os from 'node:os';
import { gzipSync } from 'node:zlib';
import { writeTar, type TarWriteEntry } from '../parse/tar';
import { readSysfs } from './read-sysfs';
import { DiskRoot, MAX_ATTR_BYTES, normalizeInRoot, type SysfsRoot } from './sysfs-root';

/** Attribute files of a PCI function that lspci and hwloc read from sysfs. */
const CLASSIC_PCI_FILES = [
  'vendor', 'device', 'class', 'revision', 'subsystem_vendor', 'subsystem_device',
  'current_link_speed', 'current_link_width', 'max_link_speed', 'max_link_width',
] as const;

/** Per-function files the answers (check, advise) read: AER counters. */
const ANSWER_PCI_FILES = ['aer_dev_correctable', 'aer_dev_nonfatal', 'aer_dev_fatal'] as const;

/**
 * Files `topolens check` and `advise` need besides what the reader reads (issue 17):
 * AER counters, hugepage pools per node, isolated / nohz_full CPUs, SMT siblings, the
 * IOMMU groups and units, the kernel command line. Reading them here keeps a capture
 * complete whatever the reader of this version takes.
 */
function recordAnswerFacts(rec: SysfsRoot): void {
  for (const name of rec.list('sys/bus/pci/devices')) {
    for (const f of ANSWER_PCI_FILES) rec.readOptional(`sys/bus/pci/devices/${name}/${f}`);
    rec.readLink(`sys/bus/pci/devices/${name}/iommu_group`);
  }
  for (const node of rec.list('sys/devices/system/node').filter((n) => /^node\d+$/.test(n))) {
    const dir = `sys/devices/system/node/${node}/hugepages`;
    for (const pool of rec.list(dir).filter((n) => /^hugepages-\d+kB$/.test(n))) {
      for (const f of ['nr_hugepages', 'free_hugepages', 'surplus_hugepages']) rec.readOptional(`${dir}/${pool}/${f}`);
    }
  }
  for (const cpu of rec.list('sys/devices/system/cpu').filter((n) => /^cpu\d+$/.test(n))) {
    rec.readOptional(`sys/devices/system/cpu/${cpu}/topology/thread_siblings_list`);
  }
  for (const f of ['sys/devices/system/cpu/isolated', 'sys/devices/system/cpu/nohz_full', 'proc/cmdline']) rec.readOptional(f);
  rec.list('sys/kernel/iommu_groups');
  rec.list('sys/class/iommu');
  for (const pool of rec.list('sys/kernel/mm/hugepages').filter((n) => /^hugepages-\d+kB$/.test(n))) {
    for (const f of ['nr_hugepages', 'free_hugepages']) rec.readOptional(`sys/kernel/mm/hugepages/${pool}/${f}`);
  }
}

class RecordingRoot implements SysfsRoot {
  readonly files = new Map<string, Uint8Array>();
  readonly links = new Map<string, string>();
  readonly dirs = new Set<string>();
  constructor(private readonly inner: DiskRoot, private readonly base: string) {}
  get name() { return this.inner.name; }
  private abs(p: string) { return `${this.base.replace(/\/$/, '')}/${p}`; }
  /** Record every symlink along the path, so the archive resolves it the same way. */
  private recordPath(p: string): void {
    const n = normalizeInRoot(p);
    if (!n) return;
    const parts = n.split('/');
    let cur = '';
    for (const part of parts) {
      cur = cur ? `${cur}/${part}` : part;
      if (this.links.has(cur) || this.dirs.has(cur)) continue;
      try {
        const st = lstatSync(this.abs(cur));
        if (st.isSymbolicLink()) {
          this.links.set(cur, readlinkSync(this.abs(cur)));
          return; // what lies beyond is recorded through its real path
        }
        if (st.isDirectory()) this.dirs.add(cur);
      } catch {
        return;
      }
    }
  }
  /** The file's real root-relative path (links resolved), null when outside the root. */
  private realBase: string | null = null;
  private real(p: string): string | null {
    try {
      // realpath(3) in C: the JavaScript realpathSync lstat()s every component in turn,
      // which made a capture of 4,000 functions take 25 s.
      this.realBase ??= realpathSync.native(this.base);
      const r = relative(this.realBase, realpathSync.native(this.abs(normalizeInRoot(p) ?? '')));
      return r.startsWith('..') ? null : r;
    } catch {
      return null;
    }
  }
  private recordFile(p: string, data: Uint8Array): void {
    this.recordPath(p);
    const r = this.real(p);
    if (r === null) return;
    this.recordPath(r);
    this.files.set(r, data);
  }
  readOptional(p: string, max?: number) {
    const v = this.inner.readOptional(p, max);
    if (v !== null) this.recordFile(p, Buffer.from(v, 'utf8'));
    return v;
  }
  readBytes(p: string, max: number) {
    const v = this.inner.readBytes(p, max);
    if (v !== null) this.recordFile(p, v);
    return v;
  }
  readLink(p: string) {
    const v = this.inner.readLink(p);
    if (v !== null) {
      this.recordPath(p.split('/').slice(0, -1).join('/'));
      this.links.set(normalizeInRoot(p)!, v);
    }
    return v;
  }
  list(p: string) {
    const names = this.inner.list(p);
    this.recordPath(p);
    for (const n of names) {
      const child = normalizeInRoot(`${p}/${n}`)!;
      try {
        const st = lstatSync(this.abs(child));
        if (st.isSymbolicLink()) this.links.set(child, readlinkSync(this.abs(child)));
        else if (st.isDirectory()) this.dirs.add(child);
      } catch {
        // vanished while listing
      }
    }
    return names;
  }
  exists(p: string) {
    const v = this.inner.exists(p);
    if (v) {
      this.recordPath(p);
      try {
        const n = normalizeInRoot(p)!;
        const st = lstatSync(this.abs(n));
        if (st.isFile() && st.size <= MAX_ATTR_BYTES) this.recordFile(n, readFileSync(this.abs(n)).subarray(0, MAX_ATTR_BYTES));
      } catch {
        // unreadable: its existence is recorded by the dir listing
      }
    }
    return v;
  }
}

export interface CaptureResult {
  readonly bytes: Uint8Array;
  readonly files: number;
  readonly links: number;
  readonly top: string;
}

/**
 * Hostname and uname for the capture's metadata. Only a capture of this machine ("/")
 * may take them from the running kernel; a capture of another root (TOPOLENS_FS_ROOT)
 * says what that root's own proc files say, and nothing when they are absent (the
 * running machine's name would be an invented value for it).
 */
function hostIdentity(rec: RecordingRoot, fsroot: string): { hostname: string | null; uname?: Record<string, string> } {
  if (resolve(fsroot) === '/') {
    return {
      hostname: os.hostname(),
      uname: { machine: typeof os.machine === 'function' ? os.machine() : process.arch, release: os.release(), sysname: os.type() },
    };
  }
  return { hostname: rec.readOptional('proc/sys/kernel/hostname')?.trim() || null };
}

/** Capture the machine at `fsroot` (default `/`) into a tar.gz image. */
export function captureArchive(fsroot = '/', now = new Date()): CaptureResult {
  const rec = new RecordingRoot(new DiskRoot(fsroot), fsroot);
  readSysfs(rec);
  // The reader takes ids and the driver from uevent and the link from config space when
  // it can; the capture also keeps the separate files, so lspci (-A linux-sysfs), hwloc
  // and readers of other versions find every function complete.
  for (const name of rec.list('sys/bus/pci/devices')) {
    const dir = `sys/bus/pci/devices/${name}`;
    for (const f of CLASSIC_PCI_FILES) rec.readOptional(`${dir}/${f}`);
    rec.readLink(`${dir}/driver`);
  }
  recordAnswerFacts(rec);
  // A few facts the reader takes from the metadata instead.
  for (const f of ['proc/version', 'proc/sys/kernel/hostname', 'proc/sys/kernel/osrelease', 'sys/devices/soc0/soc_id']) rec.readOptional(f);
  const meta = { format: 'topolens-capture', version: 1, ...hostIdentity(rec, fsroot), capturedAt: now.toISOString(), fsroot };
  const host = (meta.hostname ?? '').replace(/[^A-Za-z0-9._-]/g, '_') || 'host';
  const top = `topolens-capture-${host}-${now.toISOString().replace(/[:.]/g, '-')}`;
  const entries: TarWriteEntry[] = [{ path: `${top}/`, type: 'dir' }];
  for (const d of [...rec.dirs].sort()) entries.push({ path: `${top}/${d}`, type: 'dir' });
  for (const [p, t] of [...rec.links].sort()) entries.push({ path: `${top}/${p}`, type: 'symlink', linkTarget: t });
  for (const [p, data] of [...rec.files].sort()) if (!rec.links.has(p)) entries.push({ path: `${top}/${p}`, type: 'file', data });
  entries.push({ path: `${top}/topolens-capture.json`, type: 'file', data: Buffer.from(`${JSON.stringify(meta, null, 2)}\n`) });
  const tar = writeTar(entries, now.getTime() / 1000);
  return { bytes: gzipSync(tar, { level: 9 }), files: rec.files.size, links: rec.links.size, top };
}
