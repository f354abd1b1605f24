// Parses lspci text (-vv[v] [-nn] [-D] [-k], -v, -vmm, -mm, -nn/-n one-liners, -t[v][nn] trees,
// or several of them in one file) into plain records. Pure: no I/O, no tree building, no model.

import type { Diagnostic } from '../model';
import { formatLinkSpeed } from './sysfs-values';

/** Lines longer than this are skipped (with a diagnostic) rather than matched. */
export const MAX_LINE_LENGTH = 64 * 1024;
/** Unknown-line warnings: at most this many distinct ones are reported, the rest are counted. */
const MAX_UNKNOWN_REPORTS = 20;

export interface LspciLinkCap {
  /** Normalised "8 GT/s"; null when "unknown". */
  readonly speed: string | null;
  readonly width: number | null;
  /** `LLActRep+`: the port reports Data Link Layer active, so `DLActive-` means no link. */
  readonly llActRep: boolean | null;
}

export interface LspciLinkSta {
  readonly speed: string | null;
  readonly width: number | null;
  /** The tag lspci printed after the speed / width: "ok", "downgraded", "overdriven"... */
  readonly speedTag: string | null;
  readonly widthTag: string | null;
  /** `DLActive+` / `DLActive-`; null when the flags were not shown. */
  readonly dlActive: boolean | null;
}

export interface LspciSriov {
  readonly initialVfs: number | null;
  readonly totalVfs: number | null;
  readonly numVfs: number | null;
  readonly vfOffset: number | null;
  readonly vfStride: number | null;
  /** `VF offset: 1, stride: 1, Device ID: a256`: 4 lowercase hex digits. */
  readonly vfDeviceId: string | null;
}

export interface LspciRecord {
  /** `dddd:bb:dd.f`, domain always present (zero-padded to 4, wider kept). */
  address: string;
  domain: string;
  bus: number;
  device: number;
  function: number;
  /** 1-based line of the record's header. */
  line: number;
  /** Which lspci output this record came from: verbose, vmm, mm, oneline, tree. */
  source: string;
  className: string | null;
  /** 4 lowercase hex digits (class + subclass). */
  classId: string | null;
  /** 2 lowercase hex digits. */
  progIf: string | null;
  progIfName: string | null;
  /** The vendor+device text as printed, without the IDs ("Intel Corporation Device"). */
  nameText: string | null;
  /** Set when the vendor name was printed separately (-vmm, -mm). */
  vendorName: string | null;
  deviceName: string | null;
  /** 4 lowercase hex digits, no 0x. */
  vendorId: string | null;
  deviceId: string | null;
  subsystemName: string | null;
  subsystemVendorId: string | null;
  subsystemDeviceId: string | null;
  revision: string | null;
  driver: string | null;
  modules: string[];
  numaNode: number | null;
  iommuGroup: number | null;
  physicalSlot: string | null;
  /** `DeviceName:` (firmware label, e.g. "Onboard - LAN_1"). */
  label: string | null;
  /** Bridges: `Bus: primary=, secondary=, subordinate=`. */
  primaryBus: number | null;
  secondaryBus: number | null;
  subordinateBus: number | null;
  /** Express capability port type as printed ("Root Port", "Endpoint", ...). */
  expressType: string | null;
  expressVersion: number | null;
  expressSlot: boolean | null;
  lnkCap: LspciLinkCap | null;
  lnkSta: LspciLinkSta | null;
  /** Slot ports: `SltSta: Status: ... PresDet+/-` (card present in the slot). */
  presenceDetect: boolean | null;
  sriov: LspciSriov | null;
  acs: boolean;
  aer: boolean;
  /** CXL DVSEC IDs seen (`Designated Vendor-Specific: Vendor=1e98 ID=xxxx`), and `CXL` capabilities. */
  cxlDvsecs: string[];
  /** `Capabilities: <access denied>` (captured without root). */
  capsDenied: boolean;
  /** The name mentions a Virtual Function (a hint only; see the builder). */
  vfHint: boolean;
  /** Config space bytes from an `-x`/`-xxx`/`-xxxx` hex dump (first 64, 256 or 4096), if shown. */
  config: number[] | null;
  /**
   * Printed with -v or more (a `Flags:` or `Control:` line): lspci then shows the prog-if
   * whenever it is non-zero or named, so none shown means 00 (lspci.c show_terse).
   */
  verbose: boolean;
}

/** One function of an `lspci -t` tree. */
export interface LspciTreeEntry {
  address: string;
  /** Bridge the function hangs below in the tree; null when it sits on a root bus. */
  parent: string | null;
  /** `[dddd:bb]` root bus it descends from (own bus when parent is null). */
  rootBus: string;
  /** For bridges: `-[ss]-` or `-[ss-uu]-`. */
  secondaryBus: number | null;
  subordinateBus: number | null;
  /** Name text after the address (-tv), IDs removed. */
  nameText: string | null;
  vendorId: string | null;
  deviceId: string | null;
  line: number;
}

export interface LspciParseResult {
  records: LspciRecord[];
  tree: LspciTreeEntry[] | null;
  format: string[];
  diagnostics: Diagnostic[];
}

// ---------------------------------------------------------------------------------------------

const ADDR_RE = /^(?:([0-9a-fA-F]{1,8}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/;
const HEADER_RE = /^((?:[0-9a-fA-F]{4,8}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])(?: +(.*))?$/;
const ERROR_RE = /^(lspci|pcilib|setpci|pcimodules)(?:\[\d+\])?: (.*)$/;
const VMM_KEYS = new Set([
  'Slot', 'Class', 'Vendor', 'Device', 'SVendor', 'SDevice', 'Rev', 'ProgIf', 'Driver', 'Module',
  'NUMANode', 'IOMMUGroup', 'PhySlot', 'DTNode',
]);
/** Top-level (one tab) keys of `lspci -v[v]` that we recognise, used or not. */
const KNOWN_TOP_KEYS = new Set([
  'Subsystem', 'Control', 'Status', 'Latency', 'Interrupt', 'BIST result', 'NUMA node', 'IOMMU group',
  'Bus', 'I/O behind bridge', 'Memory behind bridge', 'Prefetchable memory behind bridge',
  'Secondary status', 'BridgeCtl', 'Capabilities', 'Kernel driver in use', 'Kernel modules',
  'Physical Slot', 'DeviceName', 'Device tree node', 'Flags', 'Memory window 0', 'Memory window 1',
  'I/O window 0', 'I/O window 1', '16-bit legacy interface ports at', 'Module', 'Region',
  'Expansion ROM at', 'Memory at', 'I/O ports at', 'Kernel driver', 'Driver',
  'Cardbus bus', 'Secondary bus',
]);

export function normaliseAddress(text: string): { address: string; domain: string; bus: number; device: number; fn: number } | null {
  const m = ADDR_RE.exec(text);
  if (!m) return null;
  const domain = (m[1] ?? '0000').toLowerCase().padStart(4, '0');
  const bus = parseInt(m[2]!, 16);
  const device = parseInt(m[3]!, 16);
  const fn = parseInt(m[4]!, 10);
  if (device > 0x1f) return null;
  return {
    address: `${domain}:${hex2(bus)}:${hex2(device)}.${fn}`,
    domain,
    bus,
    device,
    fn,
  };
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** "8GT/s" / "2.5GT/s" / "8 GT/s" → "8 GT/s"; "unknown" or no plausible rate → null. */
export function normaliseSpeed(text: string): string | null {
  const m = /^(\d{1,6}(?:\.\d{1,12})?)\s*GT\/s$/i.exec(text.trim());
  if (!m) return null;
  const gts = Number(m[1]);
  // PCIe rates are 2.5 to 64 GT/s today; anything outside (0, 999] is damage, not a link.
  return gts > 0 && gts <= 999 ? formatLinkSpeed(gts) : null;
}

function newRecord(a: NonNullable<ReturnType<typeof normaliseAddress>>, line: number, source: string): LspciRecord {
  return {
    address: a.address, domain: a.domain, bus: a.bus, device: a.device, function: a.fn, line, source,
    className: null, classId: null, progIf: null, progIfName: null, nameText: null, vendorName: null,
    deviceName: null, vendorId: null, deviceId: null, subsystemName: null, subsystemVendorId: null,
    subsystemDeviceId: null, revision: null, driver: null, modules: [], numaNode: null, iommuGroup: null,
    physicalSlot: null, label: null, primaryBus: null, secondaryBus: null, subordinateBus: null,
    expressType: null, expressVersion: null, expressSlot: null, lnkCap: null, lnkSta: null, presenceDetect: null, sriov: null,
    acs: false, aer: false, cxlDvsecs: [], capsDenied: false, vfHint: false, config: null, verbose: false,
  };
}

/** Printable excerpt of a line for messages: control bytes escaped, cut at 80 chars. */
function excerpt(line: string): string {
  const cut = line.length > 80 ? `${line.slice(0, 80)}…` : line;
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Header text after the address: `Class [cccc]: Vendor Device [vvvv:dddd] (rev rr) (prog-if pp [name])`,
 * and the -n / no-IDs variants.
 */
function parseHeaderRest(rec: LspciRecord, rest: string): boolean {
  let s = rest.trim();
  // -n only: "0600: 8086:3407 (rev 22)"
  const numeric = /^([0-9a-fA-F]{4}): ([0-9a-fA-F]{4}):([0-9a-fA-F]{4})(.*)$/.exec(s);
  if (numeric) {
    rec.classId = numeric[1]!.toLowerCase();
    rec.vendorId = numeric[2]!.toLowerCase();
    rec.deviceId = numeric[3]!.toLowerCase();
    s = numeric[4]!.trim();
    parseTail(rec, s);
    return true;
  }
  const colon = s.indexOf(': ');
  if (colon <= 0) return false;
  const cls = s.slice(0, colon);
  s = s.slice(colon + 2);
  const cm = /^(.*?)\s*\[([0-9a-fA-F]{4})\]$/.exec(cls);
  if (cm) {
    rec.className = cm[1] || null;
    rec.classId = cm[2]!.toLowerCase();
  } else {
    const raw = /^Class ([0-9a-fA-F]{4})$/.exec(cls);
    if (raw) rec.classId = raw[1]!.toLowerCase();
    else rec.className = cls;
  }
  s = parseTail(rec, s);
  const ids = /^(.*?)\s*\[([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\]$/.exec(s);
  if (ids) {
    rec.nameText = ids[1] || null;
    rec.vendorId = ids[2]!.toLowerCase();
    rec.deviceId = ids[3]!.toLowerCase();
  } else {
    // Without -nn: "Device 1234:5678" for unknown vendors, else just names.
    const unk = /^(?:(.*) )?Device ([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$/.exec(s);
    if (unk) {
      rec.nameText = unk[1] ? `${unk[1]} Device` : 'Device';
      rec.vendorId = unk[3] ? unk[2]!.toLowerCase() : null;
      rec.deviceId = unk[3]!.toLowerCase();
    } else {
      rec.nameText = s || null;
    }
  }
  if (rec.nameText && /virtual function/i.test(rec.nameText)) rec.vfHint = true;
  return true;
}

/** Strips and records `(prog-if ...)` and `(rev ..)` from the end of a header; returns the rest. */
function parseTail(rec: LspciRecord, text: string): string {
  let s = text;
  const pi = /\s*\(prog-if ([0-9a-fA-F]{2})(?: \[(.*)\])?\)$/.exec(s);
  if (pi) {
    rec.progIf = pi[1]!.toLowerCase();
    rec.progIfName = pi[2] ?? null;
    s = s.slice(0, pi.index);
  }
  const rv = /\s*\(rev ([0-9a-fA-F]{2})\)$/.exec(s);
  if (rv) {
    rec.revision = rv[1]!.toLowerCase();
    s = s.slice(0, rv.index);
  }
  return s.trim();
}

/** `-vmm` / `-mm` value: "Intel Corporation [8086]", "8086", or a name. */
function splitNameId(value: string): { name: string | null; id: string | null } {
  const v = value.trim();
  const m = /^(.*?)\s*\[([0-9a-fA-F]{4})\]$/.exec(v);
  if (m) return { name: m[1] || null, id: m[2]!.toLowerCase() };
  if (/^[0-9a-fA-F]{4}$/.test(v)) return { name: null, id: v.toLowerCase() };
  return { name: v || null, id: null };
}


/** A link width lspci printed: PCIe has x1..x32, and x0 means no link; anything else is unknown. */
function linkWidth(digits: string | undefined): number | null {
  const n = digits === undefined ? NaN : Number(digits);
  return Number.isInteger(n) && n >= 0 && n <= 32 ? n : null;
}

function parseLinkCap(value: string): LspciLinkCap {
  const sp = /Speed ([^,]+?)(?:,|$)/.exec(value);
  const wd = /Width x(\d{1,3})\b/.exec(value);
  const ll = /LLActRep([+-])/.exec(value);
  return {
    speed: sp ? normaliseSpeed(sp[1]!) : null,
    width: linkWidth(wd?.[1]),
    llActRep: ll ? ll[1] === '+' : null,
  };
}

function parseLinkSta(value: string): LspciLinkSta {
  const sp = /Speed (\S+?)(?: \(([a-z ]+)\))?(?:,|\s|$)/.exec(value);
  const wd = /Width x(\d{1,3})\b(?: \(([a-z ]+)\))?/.exec(value);
  const dl = /DLActive([+-])/.exec(value);
  return {
    speed: sp ? normaliseSpeed(sp[1]!) : null,
    width: linkWidth(wd?.[1]),
    speedTag: sp?.[2] ?? null,
    widthTag: wd?.[2] ?? null,
    dlActive: dl ? dl[1] === '+' : null,
  };
}

/** A non-negative decimal as lspci prints NUMA nodes and IOMMU groups; null otherwise. */
function intOrNull(s: string | undefined): number | null {
  if (s === undefined) return null;
  const m = /^\s*(\d{1,9})\b/.exec(s);
  return m ? Number(m[1]) : null;
}

/** Two hex digits (revision, prog-if) or null: damaged text must not leak into IDs. */
function hex2OrNull(s: string): string | null {
  const v = s.trim().toLowerCase();
  return /^[0-9a-f]{2}$/.test(v) ? v : null;
}

// ---------------------------------------------------------------------------------------------
// -t tree parsing. lspci prints the tree depth first, each line in full and then blanked,
// keeping only `|` under `+`: so a continuation line always continues the innermost sibling
// list still open (opened by `+-`, closed by its last sibling's `\-`). That rule, not the
// column, decides where a line belongs, so a tree pasted with its leading space lost,
// re-indented, or with every line's leading blanks trimmed reads the same.

interface TreeCtx {
  domain: string | null;
  bus: number | null;
  parent: string | null;
  rootBus: string | null;
}

class TreeParser {
  readonly entries: LspciTreeEntry[] = [];
  /** Sibling lists still open, outermost first: the column of their `+-` and their context. */
  private open: { col: number; ctx: TreeCtx }[] = [];
  constructor(private readonly onError: (line: number, message: string) => void) {}

  /** Returns false when the line is not tree syntax. */
  line(text: string, lineNo: number, first: boolean): boolean {
    let i = 0;
    while (i < text.length && (text[i] === ' ' || text[i] === '|')) i++;
    let ctx: TreeCtx;
    if (first) {
      if (text[i] !== '-') return false;
      this.open = []; // a new tree block: forget the previous one's lists
      ctx = { domain: null, bus: null, parent: null, rootBus: null };
      i += 1;
      // "-[0000:00]-+-..." single root, "-+-[0000:00]-..." several roots.
    } else {
      const inner = this.open[this.open.length - 1];
      if (!inner) return false;
      ctx = { ...inner.ctx };
    }
    return this.parseFrom(text, i, ctx, lineNo);
  }

  /** A `+-` at `col` opens (or continues) the list there; lists deeper than it are done. */
  private openList(col: number, ctx: TreeCtx): void {
    this.closeList(col);
    this.open.push({ col, ctx: { ...ctx } });
  }

  /** A `\-` at `col` is its list's last sibling: that list and any deeper one are done. */
  private closeList(col: number): void {
    while (this.open.length > 0 && this.open[this.open.length - 1]!.col >= col) this.open.pop();
  }

  private parseFrom(text: string, start: number, ctx0: TreeCtx, lineNo: number): boolean {
    let i = start;
    let ctx = ctx0;
    const busLabel = /^\[(?:([0-9a-fA-F]{1,8}):)?([0-9a-fA-F]{2})\]-/;
    // State: 'buses' = expecting a bus label or bus content; 'bus' = expecting device list.
    for (let guard = 0; guard < 10000; guard++) {
      const rest = text.slice(i, i + 64);
      if (rest.length === 0) return true;
      // Sibling bus labels: "+-[0000:00]-" / "\-[0000:00]-"
      if ((rest.startsWith('+-[') || rest.startsWith('\\-[')) && busLabel.test(rest.slice(2))) {
        if (rest[0] === '+') this.openList(i, ctx);
        else this.closeList(i);
        const m = busLabel.exec(rest.slice(2))!;
        ctx = this.enterBus(ctx, m[1], m[2]!);
        i += 2 + m[0].length;
        continue;
      }
      if (rest.startsWith('[') && busLabel.test(rest)) {
        const m = busLabel.exec(rest)!;
        ctx = this.enterBus(ctx, m[1], m[2]!);
        i += m[0].length;
        continue;
      }
      if (rest.startsWith('+-') || rest.startsWith('\\-') || rest.startsWith('--')) {
        if (rest[0] === '+') this.openList(i, ctx);
        else if (rest[0] === '\\') this.closeList(i);
        i += 2;
        const dm = /^([0-9a-fA-F]{2})\.([0-7])/.exec(text.slice(i, i + 8));
        if (!dm) {
          // "\-[" handled above; a bare "--" after a device means "no children".
          if (rest.startsWith('--')) return true;
          this.onError(lineNo, 'tree: expected a device after the branch');
          return true;
        }
        i += dm[0].length;
        const isBridge = this.device(text, i, ctx, dm, lineNo);
        if (isBridge) {
          i = isBridge.next;
          ctx = isBridge.ctx;
          // After "-[ss]-" comes '-' then either a bus label or bus content.
          if (text[i] === '-') i++;
          continue;
        }
        return true;
      }
      if (rest.startsWith('-') && i === start && ctx.bus === null) {
        i++;
        continue;
      }
      this.onError(lineNo, `tree: unexpected text at column ${i + 1}`);
      return true;
    }
    return true;
  }

  private enterBus(ctx: TreeCtx, dom: string | undefined, bus: string): TreeCtx {
    const domain = (dom ?? ctx.domain ?? '0000').toLowerCase().padStart(4, '0');
    const b = parseInt(bus, 16);
    return { domain, bus: b, parent: ctx.parent, rootBus: ctx.parent === null ? `${domain}:${hex2(b)}` : ctx.rootBus };
  }

  private device(
    text: string,
    i: number,
    ctx: TreeCtx,
    dm: RegExpExecArray,
    lineNo: number,
  ): { next: number; ctx: TreeCtx } | null {
    const domain = ctx.domain ?? '0000';
    const bus = ctx.bus ?? 0;
    const address = `${domain}:${hex2(bus)}:${dm[1]!.toLowerCase()}.${dm[2]}`;
    const rest = text.slice(i);
    const br = /^-\[([0-9a-fA-F]{2})(?:-([0-9a-fA-F]{2}))?\]-/.exec(rest);
    const entry: LspciTreeEntry = {
      address,
      parent: ctx.parent,
      rootBus: ctx.rootBus ?? `${domain}:${hex2(bus)}`,
      secondaryBus: null,
      subordinateBus: null,
      nameText: null,
      vendorId: null,
      deviceId: null,
      line: lineNo,
    };
    if (ctx.bus === null) this.onError(lineNo, `tree: device ${address} before any [domain:bus] label`);
    this.entries.push(entry);
    if (br) {
      entry.secondaryBus = parseInt(br[1]!, 16);
      entry.subordinateBus = br[2] ? parseInt(br[2], 16) : entry.secondaryBus;
      return {
        next: i + br[0].length,
        ctx: { domain, bus: entry.secondaryBus, parent: address, rootBus: entry.rootBus },
      };
    }
    const name = /^ {2}(.*)$/.exec(rest);
    if (name) {
      const ids = /^(.*?)\s*\[([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\]$/.exec(name[1]!);
      if (ids) {
        entry.nameText = ids[1] || null;
        entry.vendorId = ids[2]!.toLowerCase();
        entry.deviceId = ids[3]!.toLowerCase();
      } else entry.nameText = name[1]!.trim() || null;
    }
    return null;
  }
}

// ---------------------------------------------------------------------------------------------

type Mode = 'none' | 'verbose' | 'vmm' | 'tree';

/** Records by address: a function seen in two sections (e.g. -vmm, then -vvv) is merged into the first. */
class RecordSet {
  readonly records: LspciRecord[] = [];
  /** `onConflict` hears of a repeat that names another function than the first (never merged silently). */
  constructor(private readonly onConflict: (first: LspciRecord, again: LspciRecord, what: string) => void = () => undefined) {}
  private readonly byAddress = new Map<string, LspciRecord>();
  /** A repeat being filled: merged into the first record when it is complete. */
  private pending: { target: LspciRecord; from: LspciRecord } | null = null;

  /** A new record; the one the following lines fill (a repeat is filled apart, merged later). */
  start(rec: LspciRecord): LspciRecord {
    this.flush();
    const prev = this.byAddress.get(rec.address);
    if (prev) {
      this.pending = { target: prev, from: rec };
      return rec;
    }
    this.byAddress.set(rec.address, rec);
    this.records.push(rec);
    return rec;
  }

  flush(): void {
    if (this.pending) {
      const what = identityConflict(this.pending.target, this.pending.from);
      if (what) this.onConflict(this.pending.target, this.pending.from, what);
      mergeInto(this.pending.target, this.pending.from);
      this.pending = null;
    }
  }
}

/** Lines nobody recognised, grouped by kind, for a bounded number of warnings. */
class Unknowns {
  readonly byKey = new Map<string, { line: number; count: number; sample: string }>();
  total = 0;
  first: { line: number; text: string } | null = null;

  note(key: string, line: number, sample: string): void {
    this.total++;
    const u = this.byKey.get(key);
    if (u) u.count++;
    else this.byKey.set(key, { line, count: 1, sample });
  }

  line(line: number, raw: string): void {
    if (!this.first) this.first = { line, text: raw };
    this.note(`line:${raw.slice(0, 40)}`, line, raw);
  }

  /** At most MAX_UNKNOWN_REPORTS warnings, then one that counts the rest (unless nothing was parsed). */
  report(diagnostics: Diagnostic[], name: string, nothing: boolean): void {
    let reported = nothing ? MAX_UNKNOWN_REPORTS : 0; // with nothing parsed, one error says it all
    for (const [key, u] of this.byKey) {
      if (reported >= MAX_UNKNOWN_REPORTS) break;
      reported++;
      diagnostics.push({
        severity: 'warning',
        path: `${name}:${u.line}`,
        message: `${key.startsWith('tree:') ? key.slice(5) : 'unrecognised line'}${u.count > 1 ? ` (${u.count} times, first here)` : ''}: "${excerpt(u.sample)}"`,
      });
    }
    if (nothing || this.byKey.size <= MAX_UNKNOWN_REPORTS) return;
    let rest = 0;
    let i = 0;
    for (const u of this.byKey.values()) if (i++ >= MAX_UNKNOWN_REPORTS) rest += u.count;
    diagnostics.push({
      severity: 'warning',
      path: name,
      message: `${rest} more unrecognised line(s) of ${this.byKey.size - MAX_UNKNOWN_REPORTS} other kinds not listed (${this.total} in all)`,
    });
  }
}

/**
 * The verbose (`-v`, `-vv`, `-vvv`) field lines of one record: top-level `Key: value`
 * fields and the fields of the Express and SR-IOV capabilities (the only ones read).
 */
class VerboseFields {
  /** Current capability: 'Express', 'SR-IOV', another name, or '' outside one. */
  cap = '';

  constructor(
    private readonly unknowns: Unknowns,
    private readonly flags: Set<string>,
    /** No control bytes, CR or Unicode line separators anywhere in the text. */
    private readonly clean: boolean,
  ) {}

  /**
   * A tab-indented field line of `rec` read in place from `text` (`pos`..`end`), for clean
   * text only: what line() would do, without slicing the lines nobody reads (fields of
   * capabilities other than Express and SR-IOV: two thirds of `lspci -vvv`). False, having
   * done nothing, when the line is not one this can decide (blank, or white space other than
   * tabs then spaces before its text): the caller then takes the general steps.
   */
  tabbedLine(rec: LspciRecord, text: string, pos: number, end: number, ln: number): boolean {
    let depth = 1;
    while (text.charCodeAt(pos + depth) === 9) depth++;
    let first = pos + depth;
    while (text.charCodeAt(first) === 32) first++;
    const c = text.charCodeAt(first);
    // Printable ASCII: the line is not blank, and trim() starts its text here.
    if (first >= end || c <= 32 || c >= 127) return false;
    if (depth === 1) {
      this.cap = '';
      this.topField(rec, text.slice(pos + 1, end).trim(), ln);
    } else if (this.cap === 'Express') {
      // expressField reads only LnkCap:, LnkSta:, SltSta: and the flag line after LnkCap / LnkSta.
      if (c === 76 /* L */ || c === 83 /* S */ || rec.lnkCap?.llActRep === null || rec.lnkSta?.dlActive === null) {
        expressField(rec, text.slice(pos + depth, end).trim());
      }
    } else if (this.cap === 'SR-IOV') {
      this.capField(rec, text.slice(pos + depth, end).trim());
    }
    return true;
  }

  /** A tab- (or, pasted, space-) indented field line of `rec`. */
  line(rec: LspciRecord, raw: string, ln: number): void {
    let depth = 0;
    while (raw.charCodeAt(depth) === 9) depth++;
    // Fields of capabilities other than Express and SR-IOV are not read: not even sliced.
    if (depth >= 2 && this.cap !== 'Express' && this.cap !== 'SR-IOV') return;
    const body = raw.slice(depth).trim();
    if (depth === 0) {
      // Space-indented (pasted): decide depth from the key.
      const key0 = /^([A-Za-z][A-Za-z0-9 /-]*?):/.exec(body)?.[1] ?? '';
      depth = KNOWN_TOP_KEYS.has(key0) || /^Region \d+/.test(body) || /^Expansion ROM/.test(body) ? 1 : 2;
    }
    if (depth === 1) {
      this.cap = '';
      this.topField(rec, body, ln);
      return;
    }
    this.capField(rec, body);
  }

  private topField(rec: LspciRecord, body: string, ln: number): void {
    // `Key: value`, split as /^([^:]+?):\s*(.*)$/ would (`.` stops at line terminators,
    // which only text that is not `clean` can hold), without a match array per line.
    const colon = body.indexOf(':');
    const value = colon > 0 ? body.slice(colon + 1).trimStart() : '';
    if (colon <= 0 || (!this.clean && /[\n\r\u2028\u2029]/.test(value))) {
      // "Expansion ROM at ...", "Region 0: ..." are handled by the key check below.
      if (/^(\[virtual\] )?(Expansion ROM at|Memory at|I\/O ports at)\b/.test(body)) return;
      this.unknowns.note(`field:${body.slice(0, 30)}`, ln, body);
      return;
    }
    const key = body.slice(0, colon);
    if (key === 'Flags' || key === 'Control') rec.verbose = true;
    if (!applyTopField(rec, key, value, this.flags)) this.otherTopField(rec, key, value, body, ln);
  }

  /** Bus ranges, capability headers, and the keys we know but do not read. */
  private otherTopField(rec: LspciRecord, key: string, value: string, body: string, ln: number): void {
    if (key === 'Bus') {
      const b = /primary=([0-9a-fA-F]{2}), secondary=([0-9a-fA-F]{2}), subordinate=([0-9a-fA-F]{2})/.exec(value);
      if (b) {
        rec.primaryBus = parseInt(b[1]!, 16);
        rec.secondaryBus = parseInt(b[2]!, 16);
        rec.subordinateBus = parseInt(b[3]!, 16);
      } else this.unknowns.note('field:Bus (unparsed)', ln, body);
      return;
    }
    if (key === 'Capabilities') {
      this.cap = capHeader(rec, value);
      return;
    }
    if (KNOWN_TOP_KEYS.has(key) || /^Region \d+$/.test(key) || /^(Expansion ROM at|Memory at|I\/O ports at)/.test(key)) return;
    this.unknowns.note(`field:${key.slice(0, 40)}`, ln, body);
  }

  private capField(rec: LspciRecord, body: string): void {
    if (this.cap === 'Express') expressField(rec, body);
    else if (this.cap === 'SR-IOV' && rec.sriov) sriovField(rec, body);
  }
}

/** The top-level fields that set a record's value; false for any other key. */
function applyTopField(rec: LspciRecord, key: string, value: string, flags: Set<string>): boolean {
  switch (key) {
    case 'Subsystem':
      subsystemField(rec, value);
      return true;
    case 'NUMA node':
      rec.numaNode = intOrNull(value);
      return true;
    case 'IOMMU group':
      rec.iommuGroup = intOrNull(value);
      return true;
    case 'Physical Slot':
      rec.physicalSlot = value.trim() || null;
      return true;
    case 'DeviceName':
      rec.label = value.trim() || null;
      return true;
    case 'Kernel driver in use':
      rec.driver = value.trim() || null;
      flags.add('kernel');
      return true;
    case 'Kernel modules':
      rec.modules = value.split(',').map((s) => s.trim()).filter(Boolean);
      flags.add('kernel');
      return true;
    case 'Flags': {
      // -v (single) puts NUMA node and IOMMU group here.
      const nn = /NUMA node (\d+)/.exec(value);
      if (nn) rec.numaNode = Number(nn[1]);
      const ig = /IOMMU group (\d+)/.exec(value);
      if (ig) rec.iommuGroup = Number(ig[1]);
      return true;
    }
    default:
      return false;
  }
}

/** `Subsystem: Name [vvvv:dddd]`, `vvvv:dddd` (-n) or a name alone. */
function subsystemField(rec: LspciRecord, value: string): void {
  const ids = /^(.*?)\s*\[([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\]$/.exec(value);
  if (ids) {
    rec.subsystemName = ids[1] || null;
    rec.subsystemVendorId = ids[2]!.toLowerCase();
    rec.subsystemDeviceId = ids[3]!.toLowerCase();
    return;
  }
  const n = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$/.exec(value);
  if (n) {
    rec.subsystemVendorId = n[1]!.toLowerCase();
    rec.subsystemDeviceId = n[2]!.toLowerCase();
  } else rec.subsystemName = value || null;
}

/** `Capabilities: [off] Name...`: what it tells about the record; returns the capability now open. */
function capHeader(rec: LspciRecord, value: string): string {
  if (/^<access denied>/.test(value)) {
    rec.capsDenied = true;
    return '';
  }
  const m = /^\[[0-9a-fA-F]+(?: v\d+)?\]\s*(.*)$/.exec(value);
  const what = m ? m[1]! : value;
  const ex = /^Express (?:\(v(\d+)\) )?(.+?)(?: \(Slot([+-])\))?(?:, (?:MSI|IntMsgNum) [0-9a-fA-F]+)?$/.exec(what);
  if (ex) {
    rec.expressVersion = ex[1] ? Number(ex[1]) : null;
    rec.expressType = ex[2]!.trim();
    rec.expressSlot = ex[3] ? ex[3] === '+' : null;
    return 'Express';
  }
  if (/^Advanced Error Reporting/.test(what)) rec.aer = true;
  else if (/^Access Control Services/.test(what)) rec.acs = true;
  else if (/^Single Root I\/O Virtualization/.test(what)) {
    rec.sriov = { initialVfs: null, totalVfs: null, numVfs: null, vfOffset: null, vfStride: null, vfDeviceId: null };
    return 'SR-IOV';
  } else if (/^Designated Vendor-Specific:/.test(what)) {
    const d = /Vendor=([0-9a-fA-F]{4}) ID=([0-9a-fA-F]{4})/.exec(what);
    if (d && d[1]!.toLowerCase() === '1e98') rec.cxlDvsecs.push(d[2]!.toLowerCase());
  } else if (/^Compute Express Link/.test(what) || /^CXL/.test(what)) {
    rec.cxlDvsecs.push(what);
  } else if (/^Subsystem:/.test(what) && !rec.subsystemVendorId) {
    // Bridges carry their subsystem in a capability.
    const ids = /^Subsystem: (.*?)\s*\[([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\]$/.exec(what);
    if (ids) {
      rec.subsystemName = ids[1] || null;
      rec.subsystemVendorId = ids[2]!.toLowerCase();
      rec.subsystemDeviceId = ids[3]!.toLowerCase();
    }
  }
  return what;
}

/** Express capability fields: LnkCap, LnkSta, SltSta, and the flag lines after LnkCap / LnkSta. */
function expressField(rec: LspciRecord, body: string): void {
  if (body.startsWith('LnkCap:')) {
    rec.lnkCap = parseLinkCap(body.slice(7));
    return;
  }
  if (body.startsWith('LnkSta:')) {
    rec.lnkSta = parseLinkSta(body.slice(7));
    return;
  }
  if (body.startsWith('SltSta:')) {
    const pd = /PresDet([+-])/.exec(body);
    if (pd) rec.presenceDetect = pd[1] === '+';
    return;
  }
  // LLActRep / DLActive flags sit on the line after LnkCap / LnkSta in newer lspci.
  if (rec.lnkCap && rec.lnkCap.llActRep === null && /LLActRep[+-]/.test(body)) {
    const c = rec.lnkCap;
    rec.lnkCap = { speed: c.speed, width: c.width, llActRep: /LLActRep\+/.test(body) };
  }
  if (rec.lnkSta && rec.lnkSta.dlActive === null && /DLActive[+-]/.test(body)) {
    const t = rec.lnkSta;
    rec.lnkSta = { speed: t.speed, width: t.width, speedTag: t.speedTag, widthTag: t.widthTag, dlActive: /DLActive\+/.test(body) };
  }
}

/** SR-IOV capability fields: VF counts, offset, stride and the VF Device ID. */
function sriovField(rec: LspciRecord, body: string): void {
  const s = rec.sriov!;
  const vfs = /Initial VFs: (\d+), Total VFs: (\d+), Number of VFs: (\d+)/.exec(body);
  if (vfs) {
    rec.sriov = { ...s, initialVfs: Number(vfs[1]), totalVfs: Number(vfs[2]), numVfs: Number(vfs[3]) };
    return;
  }
  const off = /VF offset: (\d+), stride: (\d+), Device ID: ([0-9a-fA-F]{4})/.exec(body);
  if (off) rec.sriov = { ...s, vfOffset: Number(off[1]), vfStride: Number(off[2]), vfDeviceId: off[3]!.toLowerCase() };
}

/**
 * One pass over lspci text: a line reader hands each line to the first step that takes
 * it (binary junk, blank, -t tree, tool error, verbose field, -x hex dump, -vmm stanza,
 * record header), records are merged by address, and finish() names the formats seen
 * and reports what was not understood.
 */
class LspciParser {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly set = new RecordSet((first, again, what) =>
    this.diagnostics.push({
      severity: 'warning', path: `${this.name}:${again.line}`, address: first.address,
      message: `${first.address} appears again (first at line ${first.line}) as a different function (${what}): two machines or two outputs in one file? The second is merged into the first`,
    }));
  private readonly unknowns = new Unknowns();
  private readonly formats = new Set<string>();
  private readonly flags = new Set<string>();
  private readonly fields: VerboseFields;
  private readonly withFields = new Set<LspciRecord>();
  /** The record last added to withFields (one Set lookup per record, not per field line). */
  private lastWithFields: LspciRecord | null = null;
  /** Text without control bytes, CR, U+FFFD or Unicode line separators (all real lspci output). */
  private readonly clean: boolean;
  private tree: TreeParser | null = null;
  private mode: Mode = 'none';
  private cur: LspciRecord | null = null;
  private longLines = 0;
  private firstLongLine = 0;
  private binaryLines = 0;
  private firstBinaryLine = 0;

  constructor(
    private readonly text: string,
    private readonly name: string,
  ) {
    this.clean = !/[\u0000-\u0008\u000e-\u001f\r\u2028\u2029\ufffd]/.test(text);
    this.fields = new VerboseFields(this.unknowns, this.flags, this.clean);
  }

  run(): LspciParseResult {
    this.readLines();
    this.set.flush();
    for (const r of this.set.records) if (r.config) applyConfig(r);
    return this.finish();
  }

  /** The line reader: lines over MAX_LINE_LENGTH are skipped (counted), CR line ends dropped. */
  private readLines(): void {
    const text = this.text;
    const len = text.length;
    let pos = 0;
    let lineNo = 0;
    while (pos < len) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = len;
      lineNo++;
      if (end - pos > MAX_LINE_LENGTH) {
        this.longLines++;
        if (!this.firstLongLine) this.firstLongLine = lineNo;
        // A huge line breaks whatever block it sits in.
        if (this.mode === 'tree') this.mode = 'none';
      } else if (!this.fieldInPlace(pos, end, lineNo)) {
        let raw = text.slice(pos, end);
        if (raw.endsWith('\r')) raw = raw.slice(0, -1);
        this.line(raw, lineNo);
      }
      pos = end + 1;
    }
  }

  /**
   * The bulk of `lspci -vv` output, a tab-indented field line of the current record in
   * clean text, read without slicing it out first. The general steps would find such a
   * line not binary, not blank, not a tree or tool line, and hand it to the record's fields.
   */
  private fieldInPlace(pos: number, end: number, lineNo: number): boolean {
    const cur = this.cur;
    if (!this.clean || this.mode !== 'verbose' || cur === null || this.text.charCodeAt(pos) !== 9) return false;
    if (!this.fields.tabbedLine(cur, this.text, pos, end, lineNo)) return false;
    if (cur !== this.lastWithFields) {
      this.withFields.add(cur);
      this.lastWithFields = cur;
    }
    return true;
  }

  /** One line, by the first step that takes it. */
  private line(raw: string, lineNo: number): void {
    if ((!this.clean && this.binaryLine(raw, lineNo)) || this.blankLine(raw)) return;
    // Continuation of an lspci -t block.
    // (Its leading space may be lost in a paste: `|`, `+-` or `\-` can start the line.)
    if (this.mode === 'tree' && this.tree && /^[ |]*[+\\|]/.test(raw) && this.tree.line(raw, lineNo, false)) return;
    // The first character rules out most steps below before any regex runs.
    const c0 = raw.charCodeAt(0);
    // Verbose field lines (tab-indented; tolerate space indentation from pasted tickets).
    // (An error line starts with l/p/s, a tree with -: neither with white space.)
    if ((c0 === 0x09 || c0 === 0x20) && this.cur && this.mode === 'verbose') {
      this.withFields.add(this.cur);
      this.fields.line(this.cur, raw, lineNo);
      return;
    }
    if (this.errorLine(raw, c0, lineNo) || this.treeStart(raw, c0, lineNo)) return;
    if (this.hexDumpLine(raw) || this.vmmLine(raw, c0, lineNo) || this.headerLine(raw, lineNo)) return;
    this.unknowns.line(lineNo, raw);
    if (this.mode === 'tree') this.mode = 'none';
  }

  /** Binary junk: NUL bytes or many replacement/control characters. */
  private binaryLine(raw: string, lineNo: number): boolean {
    if (!(/[\u0000-\u0008\u000e-\u001f]/.test(raw) || raw.includes('\ufffd'))) return false;
    this.binaryLines++;
    if (!this.firstBinaryLine) this.firstBinaryLine = lineNo;
    if (!this.unknowns.first) this.unknowns.first = { line: lineNo, text: raw };
    return true;
  }

  /** A blank line ends a verbose or -vmm record and a -t block. */
  private blankLine(raw: string): boolean {
    if (raw.trim() !== '') return false;
    this.set.flush();
    if (this.mode === 'verbose' || this.mode === 'vmm') {
      this.cur = null;
      this.fields.cap = '';
    }
    if (this.mode === 'tree') this.mode = 'none';
    return true;
  }

  /** `lspci: ...` / `pcilib: ...` messages: an error when lspci could not read something. */
  private errorLine(raw: string, c0: number, lineNo: number): boolean {
    const err = c0 === 0x6c /* l */ || c0 === 0x70 /* p */ || c0 === 0x73 /* s */ ? ERROR_RE.exec(raw) : null;
    if (!err) return false;
    const msg = err[2]!;
    const fatal = /cannot|can't|unable to open|no such|permission denied|not found|failed/i.test(msg) && !/libkmod/.test(msg);
    this.diagnostics.push({ severity: fatal ? 'error' : 'warning', path: `${this.name}:${lineNo}`, message: `${err[1]} reported: ${msg}` });
    return true;
  }

  /** Start of an lspci -t block. */
  private treeStart(raw: string, c0: number, lineNo: number): boolean {
    // A pasted tree may be indented as a whole (a Markdown code block): the first line then starts with blanks.
    if ((c0 !== 0x2d /* - */ && c0 !== 0x20 && c0 !== 0x09) || !/^[ \t]*-(?:\[|\+-\[|\\-\[)/.test(raw)) return false;
    this.set.flush();
    this.tree ??= new TreeParser((l, m) => this.unknowns.note(`tree:${m}`, l, m));
    if (!this.tree.line(raw, lineNo, true)) return false;
    this.mode = 'tree';
    this.cur = null;
    this.formats.add('tree');
    return true;
  }

  /** `lspci -x[xx[x]]` hex dump of config space under a header: "00: 86 80 07 34 ...". */
  private hexDumpLine(raw: string): boolean {
    const cur = this.cur;
    const hx = raw[2] === ':' || raw[3] === ':' ? /^([0-9a-f]{2,3}): ((?:[0-9a-f]{2} ){15}[0-9a-f]{2})$/.exec(raw) : null;
    if (!hx || !cur) return false;
    const off = parseInt(hx[1]!, 16);
    if (off % 16 !== 0 || off >= 4096) return false;
    const cfg = (cur.config ??= []);
    const bytes = hx[2]!.split(' ').map((b) => parseInt(b, 16));
    for (let k = 0; k < 16; k++) cfg[off + k] = bytes[k]!;
    this.flags.add('hexdump');
    this.withFields.add(cur);
    return true;
  }

  /** -vmm stanza lines "Key:\tValue"; `Slot:` starts a record. */
  private vmmLine(raw: string, c0: number, lineNo: number): boolean {
    const vmm = (c0 >= 0x41 && c0 <= 0x5a) || (c0 >= 0x61 && c0 <= 0x7a) ? /^([A-Za-z]+):\s+(.*)$/.exec(raw) : null;
    if (!vmm || !VMM_KEYS.has(vmm[1]!) || (vmm[1] !== 'Slot' && this.mode !== 'vmm')) return false;
    const key = vmm[1]!;
    const value = vmm[2]!.trim();
    if (key === 'Slot') {
      this.set.flush();
      this.mode = 'vmm';
      const a = normaliseAddress(value);
      if (!a) {
        this.unknowns.line(lineNo, raw);
        this.cur = null;
        return true;
      }
      this.formats.add('vmm');
      if (/^[0-9a-fA-F]+:[0-9a-fA-F]{2}:/.test(value)) this.flags.add('domains');
      this.cur = this.set.start(newRecord(a, lineNo, 'vmm'));
    } else if (this.cur) applyVmm(this.cur, key, value);
    else this.unknowns.line(lineNo, raw);
    return true;
  }

  /** A record's header line: `-v`/`-nn` style, or `-mm` (quoted fields). */
  private headerLine(raw: string, lineNo: number): boolean {
    const hm = HEADER_RE.exec(raw);
    const a = hm ? normaliseAddress(hm[1]!) : null;
    if (!hm || !a) return false;
    const rest = hm[2] ?? '';
    this.set.flush();
    this.fields.cap = '';
    if (/^[0-9a-fA-F]+:[0-9a-fA-F]{2}:/.test(hm[1]!)) this.flags.add('domains');
    const rec = newRecord(a, lineNo, 'verbose');
    const mm = rest.startsWith('"');
    if (mm) rec.source = 'mm';
    if (!(mm ? parseMachineLine(rec, rest) : parseHeaderRest(rec, rest))) {
      this.unknowns.line(lineNo, raw);
      this.cur = null;
      this.mode = 'none';
      return true;
    }
    if (rec.vendorId && !mm && /\[[0-9a-fA-F]{4}:[0-9a-fA-F]{4}\]/.test(rest)) this.flags.add('numeric');
    this.cur = this.set.start(rec);
    this.mode = mm ? 'none' : 'verbose';
    return true;
  }

  /** Formats seen, and diagnostics for what was skipped or not understood. */
  private finish(): LspciParseResult {
    const records = this.set.records;
    const treeEntries = this.tree ? this.tree.entries : null;
    if (treeEntries?.some((e) => e.vendorId)) this.flags.add('numeric');
    for (const r of records) {
      if (r.source === 'mm') this.formats.add('mm');
      else if (r.source === 'verbose') {
        // A header with no field lines under it is an `lspci -nn` / `-n` one-liner.
        if (this.withFields.has(r)) this.formats.add('verbose');
        else {
          r.source = 'oneline';
          this.formats.add('oneline');
        }
      }
    }
    this.reportSkipped(records.length > 0);
    const nothing = records.length === 0 && (!treeEntries || treeEntries.length === 0);
    this.unknowns.report(this.diagnostics, this.name, nothing);
    if (nothing) this.reportNothing();
    const format: string[] = [];
    for (const f of ['tree', 'verbose', 'vmm', 'mm', 'oneline']) if (this.formats.has(f)) format.push(f);
    for (const f of ['numeric', 'domains', 'kernel', 'hexdump']) if (this.flags.has(f)) format.push(f);
    return { records, tree: treeEntries, format, diagnostics: this.diagnostics };
  }

  /** Over-long and binary lines. */
  private reportSkipped(anyRecord: boolean): void {
    const { name } = this;
    if (this.longLines > 0) {
      this.diagnostics.push({
        severity: 'warning',
        path: `${name}:${this.firstLongLine}`,
        message: `${this.longLines} line(s) longer than ${MAX_LINE_LENGTH} characters skipped (first at line ${this.firstLongLine})`,
      });
    }
    if (this.binaryLines > 0) {
      this.diagnostics.push({
        severity: anyRecord ? 'warning' : 'error',
        path: `${name}:${this.firstBinaryLine}`,
        message: `${this.binaryLines} line(s) of binary data (control bytes) ignored`,
      });
    }
  }

  /** Nothing parsed: one error that says why (empty, or the first line we did not understand). */
  private reportNothing(): void {
    const { name, text } = this;
    const hasError = this.diagnostics.some((d) => d.severity === 'error');
    const first = this.unknowns.first;
    if (text.length === 0 || text.trim() === '') {
      this.diagnostics.push({ severity: 'error', path: name, message: 'empty input: no lspci output found' });
    } else if (!hasError || first) {
      this.diagnostics.push({
        severity: 'error',
        path: `${name}:${first ? first.line : 1}`,
        message: first
          ? `not lspci output: no PCI device found (${this.unknowns.total + this.binaryLines} unrecognised line(s)); first unrecognised line ${first.line}: "${excerpt(first.text)}"`
          : 'not lspci output: no PCI device found',
      });
    }
  }
}

/**
 * Parse lspci text of any of the supported shapes (auto-detected, several may be mixed).
 * Never throws on data: problems become diagnostics (`name:line`).
 */
export function parseLspci(text: string, name = 'lspci'): LspciParseResult {
  return new LspciParser(text, name).run();
}

function applyVmm(rec: LspciRecord, key: string, value: string): void {
  switch (key) {
    case 'Class': {
      const c = splitNameId(value);
      rec.className = c.name;
      rec.classId = c.id;
      return;
    }
    case 'Vendor': {
      const v = splitNameId(value);
      rec.vendorName = v.name;
      rec.vendorId = v.id;
      return;
    }
    case 'Device': {
      const d = splitNameId(value);
      rec.deviceName = d.name;
      rec.deviceId = d.id;
      if (d.name && /virtual function/i.test(d.name)) rec.vfHint = true;
      return;
    }
    case 'SVendor': {
      const v = splitNameId(value);
      rec.subsystemVendorId = v.id;
      rec.subsystemName = v.name;
      return;
    }
    case 'SDevice': {
      const d = splitNameId(value);
      rec.subsystemDeviceId = d.id;
      if (d.name) rec.subsystemName = rec.subsystemName ? `${rec.subsystemName} ${d.name}` : d.name;
      return;
    }
    case 'Rev':
      rec.revision = hex2OrNull(value);
      return;
    case 'ProgIf':
      rec.progIf = hex2OrNull(value);
      return;
    case 'Driver':
      rec.driver = value || null;
      return;
    case 'Module':
      if (value) rec.modules.push(value);
      return;
    case 'NUMANode':
      rec.numaNode = intOrNull(value);
      return;
    case 'IOMMUGroup':
      rec.iommuGroup = intOrNull(value);
      return;
    case 'PhySlot':
      rec.physicalSlot = value || null;
      return;
    default:
      return;
  }
}

/** `lspci -mm`: `00:00.0 "Host bridge [0600]" "Intel Corporation [8086]" "Device [3407]" -r22 -p00 "Dell [1028]" "..."`. */
function parseMachineLine(rec: LspciRecord, rest: string): boolean {
  const quoted: string[] = [];
  const opts: string[] = [];
  const re = /"([^"]*)"|(-[a-z][0-9a-fA-F]*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rest)) !== null) {
    if (m[1] !== undefined) quoted.push(m[1]);
    else if (m[2]) opts.push(m[2]);
  }
  if (quoted.length < 3) return false;
  const c = splitNameId(quoted[0]!);
  rec.className = c.name;
  rec.classId = c.id;
  const v = splitNameId(quoted[1]!);
  rec.vendorName = v.name;
  rec.vendorId = v.id;
  const d = splitNameId(quoted[2]!);
  rec.deviceName = d.name;
  rec.deviceId = d.id;
  if (quoted[3]) {
    const sv = splitNameId(quoted[3]);
    rec.subsystemVendorId = sv.id;
    rec.subsystemName = sv.name;
  }
  if (quoted[4]) rec.subsystemDeviceId = splitNameId(quoted[4]).id;
  for (const o of opts) {
    if (o.startsWith('-r')) rec.revision = hex2OrNull(o.slice(2));
    if (o.startsWith('-p')) rec.progIf = hex2OrNull(o.slice(2));
  }
  return true;
}

/** Fill the empty fields of `into` from `from` (same function seen twice). */
/**
 * Why two records of one address are different functions, or null: a field both give
 * (ids, class, the printed names in the same form) with two values. A repeat in another
 * output format (-vmm after -vvv) gives its names apart and is not compared on them.
 */
function identityConflict(a: LspciRecord, b: LspciRecord): string | null {
  const pairs: [string, string | null, string | null][] = [
    ['vendor id', a.vendorId, b.vendorId], ['device id', a.deviceId, b.deviceId], ['class', a.classId, b.classId],
    ['name', a.nameText, b.nameText], ['vendor', a.vendorName, b.vendorName], ['device', a.deviceName, b.deviceName],
    ['class', a.className, b.className],
  ];
  for (const [what, x, y] of pairs) if (x !== null && y !== null && x !== y) return `${what} "${x}" vs "${y}"`;
  return null;
}

function mergeInto(into: LspciRecord, from: LspciRecord): void {
  const t = into as unknown as Record<string, unknown>;
  const f = from as unknown as Record<string, unknown>;
  for (const k of Object.keys(f)) {
    if (k === 'line' || k === 'source' || k === 'address') continue;
    const a = t[k];
    const b = f[k];
    if ((a === null || a === false || (Array.isArray(a) && a.length === 0)) && b !== null && b !== undefined) t[k] = b;
  }
}

const EXPRESS_TYPES: Readonly<Record<number, string>> = {
  0: 'Endpoint', 1: 'Legacy Endpoint', 4: 'Root Port', 5: 'Upstream Port', 6: 'Downstream Port',
  7: 'PCI-Express to PCI/PCI-X Bridge', 8: 'PCI/PCI-X to PCI-Express Bridge',
  9: 'Root Complex Integrated Endpoint', 10: 'Root Complex Event Collector',
};
const LINK_SPEEDS = ['', '2.5 GT/s', '5 GT/s', '8 GT/s', '16 GT/s', '32 GT/s', '64 GT/s'];

/**
 * Fill what the text did not say from a `-x` hex dump: IDs, class, revision, subsystem,
 * bridge bus numbers, and (when 256 bytes are shown) the PCIe capability's port type and link.
 * Text wins where both exist: the dump only fills gaps.
 */
function applyConfig(rec: LspciRecord): void {
  const c = rec.config!;
  const b = (o: number): number | null => (c[o] === undefined ? null : c[o]!);
  const w = (o: number): number | null => {
    const lo = b(o);
    const hi = b(o + 1);
    return lo === null || hi === null ? null : lo | (hi << 8);
  };
  const h4 = (n: number | null) => (n === null ? null : n.toString(16).padStart(4, '0'));
  const h2 = (n: number | null) => (n === null ? null : n.toString(16).padStart(2, '0'));
  rec.vendorId ??= h4(w(0));
  rec.deviceId ??= h4(w(2));
  rec.revision ??= h2(b(8));
  rec.progIf ??= h2(b(9));
  const cls = w(0x0a);
  rec.classId ??= h4(cls);
  const headerType = (b(0x0e) ?? 0) & 0x7f;
  if (headerType === 1) {
    if (rec.secondaryBus === null && b(0x19) !== null) {
      rec.primaryBus = b(0x18);
      rec.secondaryBus = b(0x19);
      rec.subordinateBus = b(0x1a);
    }
  } else if (headerType === 0 && rec.subsystemVendorId === null && w(0x2c)) {
    rec.subsystemVendorId = h4(w(0x2c));
    rec.subsystemDeviceId = h4(w(0x2e));
  }
  // Capability list (status bit 4), bounded walk.
  if (!(((b(0x06) ?? 0) & 0x10) !== 0)) return;
  let ptr = (b(0x34) ?? 0) & 0xfc;
  for (let hops = 0; ptr >= 0x40 && ptr < 0x100 && hops < 48; hops++) {
    const id = b(ptr);
    if (id === null) return;
    if (id === 0x10) {
      const flagsReg = w(ptr + 2);
      if (flagsReg !== null && rec.expressType === null) {
        rec.expressType = EXPRESS_TYPES[(flagsReg >> 4) & 0xf] ?? null;
        rec.expressVersion = flagsReg & 0xf;
        rec.expressSlot = (flagsReg & 0x100) !== 0;
      }
      const capLo = w(ptr + 0x0c);
      const capHi = w(ptr + 0x0e);
      const sta = w(ptr + 0x12);
      if (capLo !== null && rec.lnkCap === null) {
        rec.lnkCap = {
          speed: LINK_SPEEDS[capLo & 0xf] || null,
          width: (capLo >> 4) & 0x3f,
          llActRep: capHi === null ? null : (capHi & 0x10) !== 0, // LnkCap bit 20
        };
      }
      if (sta !== null && rec.lnkSta === null) {
        rec.lnkSta = {
          speed: LINK_SPEEDS[sta & 0xf] || null,
          width: (sta >> 4) & 0x3f,
          speedTag: null,
          widthTag: null,
          dlActive: (sta & 0x2000) !== 0,
        };
      }
      return;
    }
    ptr = (b(ptr + 1) ?? 0) & 0xfc;
  }
}
