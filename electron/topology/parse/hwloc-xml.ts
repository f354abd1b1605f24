// hwloc XML (`lstopo --of xml`, v1, v2 and v3 exports) → a typed object tree, streamed
// through saxes. Pure: no entity expansion, no DTD fetch, no model building (see sources/).
import { SaxesParser } from 'saxes';
import type { Diagnostic } from '../model';

/** Largest accepted input, in UTF-16 code units (≈ bytes for hwloc's ASCII output). */
export const MAX_HWLOC_XML_CHARS = 256 * 1024 * 1024;
/** Deepest element nesting accepted; real topologies stay under 40. */
export const MAX_HWLOC_XML_DEPTH = 256;
/** Most `<object>` elements accepted (a 4096-CPU machine with whole I/O is ~50k). */
export const MAX_HWLOC_OBJECTS = 2_000_000;
/** Largest bitmap accepted, in 32-bit words (2^20 bits, like the kernel list limit). */
const MAX_BITMAP_WORDS = 32768;

/** PCI attributes of a PCIDev or a PCI-side Bridge (`pci_busid`, `pci_type`, `pci_link_speed`). */
export interface HwlocPciAttrs {
  /** `pci_busid` as written, e.g. "0000:3b:00.0" or "10000:00:04.0". */
  readonly busid: string;
  readonly domain: number;
  readonly bus: number;
  readonly dev: number;
  readonly func: number;
  /** Class and subclass, 4 lowercase hex digits ("0200"). */
  readonly classId: string;
  /** v3 exports add the prog-if as a fifth `pci_type` field; null in v1/v2. */
  readonly progIf: string | null;
  /** 4 lowercase hex digits each. */
  readonly vendorId: string;
  readonly deviceId: string;
  readonly subVendorId: string;
  readonly subDeviceId: string;
  /** 2 lowercase hex digits. */
  readonly revision: string;
  /** `pci_link_speed`: hwloc's bandwidth estimate in GB/s (0 when unknown). */
  readonly linkGBps: number | null;
}

/** Bridge attributes (`bridge_type="U-D"`, `depth`, `bridge_pci="DDDD:[SS-ss]"`). */
export interface HwlocBridgeAttrs {
  /** 0 = host, 1 = PCI (hwloc_obj_bridge_type_e). */
  readonly upstreamType: number;
  readonly downstreamType: number;
  readonly depth: number | null;
  readonly domain: number | null;
  readonly secondaryBus: number | null;
  readonly subordinateBus: number | null;
}

export interface HwlocPageType {
  readonly size: number;
  readonly count: number;
}

export interface HwlocObject {
  /** Object type, v2 spelling: v1 "Socket" → "Package", "Node" → "NUMANode", "Cache" → "L<n>Cache". */
  readonly type: string;
  /** The `type` attribute as written. */
  readonly rawType: string;
  readonly osIndex: number | null;
  readonly cpuset: string | null;
  readonly completeCpuset: string | null;
  readonly nodeset: string | null;
  readonly completeNodeset: string | null;
  /** NUMANode `local_memory` in bytes (v1 Machine/System objects also carry it). */
  readonly localMemory: number | null;
  readonly subtype: string | null;
  readonly name: string | null;
  /** OSDev `osdev_type` as written (v1/v2: an enum, v3: a bitmask). */
  readonly osdevType: number | null;
  readonly pci: HwlocPciAttrs | null;
  readonly bridge: HwlocBridgeAttrs | null;
  /** First value of each `<info name value>` child. */
  readonly info: Readonly<Record<string, string>>;
  /** All `<info>` children in order (hwloc repeats some names, e.g. Backend). */
  readonly infos: readonly (readonly [string, string])[];
  readonly pageTypes: readonly HwlocPageType[];
  /** Every attribute as written, for anything not lifted above. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly HwlocObject[];
  /** 1-based line of the opening tag. */
  readonly line: number;
}

/** A distance matrix (`<distances2>` in v2/v3, `<distances>` in v1). */
export interface HwlocDistances {
  /** Object type the matrix is about ("NUMANode" for v1 matrices at the NUMA depth). */
  readonly type: string;
  readonly name: string | null;
  /** hwloc_distances_kind_e bits (v2); 0 in v1. */
  readonly kind: number;
  /** os indexes ("os" indexing) or gp indexes; v1: null (objects in document order). */
  readonly indexes: readonly number[] | null;
  readonly indexing: string | null;
  readonly nbobjs: number;
  /** Row-major nbobjs × nbobjs. */
  readonly values: readonly number[];
  readonly line: number;
}

export interface HwlocPciLocality {
  readonly domain: number;
  readonly busMin: number;
  readonly busMax: number;
  readonly cpuset: string;
}

export interface HwlocXml {
  /** The `<topology>` element as a pseudo-object of type "topology": top-level infos,
   *  and the Machine (or v1 System) objects as children. No children when unreadable. */
  readonly objects: HwlocObject;
  /** `<topology version>`; "1" when absent (hwloc 1.x). */
  readonly version: string;
  readonly majorVersion: number;
  readonly distances: readonly HwlocDistances[];
  readonly pciLocality: readonly HwlocPciLocality[];
  readonly diagnostics: Diagnostic[];
}

// ---------------------------------------------------------------- bitmaps

export interface HwlocBitmap {
  /** Set bits below the infinite part, ascending. */
  readonly ids: number[];
  /** `0xf...f` prefix: every bit above the explicit words is set too. */
  readonly infinite: boolean;
  /** Bits covered by explicit words (32 × word count). */
  readonly explicitBits: number;
}

/**
 * Parse hwloc's bitmap syntax: comma-separated 32-bit hex words, most significant
 * first ("0x0000ffff,0xffffffff"); empty words are zero ("0xffffffff,,0x0"); a leading
 * "0xf...f" word means an infinitely set prefix. Null when malformed.
 */
export function parseHwlocBitmap(text: string): HwlocBitmap | null {
  const s = text.trim();
  if (s === '') return null;
  const parts = s.split(',');
  let infinite = false;
  if (parts[0] === '0xf...f') {
    infinite = true;
    parts.shift();
  }
  if (parts.length > MAX_BITMAP_WORDS) return null;
  const ids: number[] = [];
  const n = parts.length;
  for (let w = 0; w < n; w += 1) {
    const part = parts[n - 1 - w]!.trim();
    if (part === '') continue;
    const m = /^(?:0x)?([0-9a-fA-F]{1,8})$/.exec(part);
    if (!m) return null;
    const word = parseInt(m[1]!, 16);
    for (let bit = 0; bit < 32; bit += 1) if (word & (1 << bit)) ids.push(w * 32 + bit);
  }
  return { ids, infinite, explicitBits: n * 32 };
}

// ---------------------------------------------------------------- attribute decoding

const PCI_BUSID = /^([0-9a-fA-F]{1,8}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\.([0-7])$/;
const PCI_TYPE =
  /^([0-9a-fA-F]{1,4}) \[([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})\] \[([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})\] ([0-9a-fA-F]{1,2})(?: ([0-9a-fA-F]{1,2}))?$/;
const BRIDGE_PCI = /^([0-9a-fA-F]{1,8}):\[([0-9a-fA-F]{1,2})-([0-9a-fA-F]{1,2})\]$/;

/** Object types hwloc 1.x–3.x write; anything else is kept but reported once. */
const KNOWN_TYPES = new Set([
  'System', 'Machine', 'Package', 'Socket', 'Die', 'Core', 'PU', 'Group', 'NUMANode', 'Node', 'MemCache',
  'Cache', 'L1Cache', 'L2Cache', 'L3Cache', 'L4Cache', 'L5Cache', 'L1iCache', 'L2iCache', 'L3iCache',
  'Bridge', 'PCIDev', 'OSDev', 'Misc',
]);

const hex = (s: string, width: number): string => s.toLowerCase().padStart(width, '0');

function intAttr(v: string | undefined): number | null {
  if (v === undefined) return null;
  // Plain digits (what hwloc writes), up to 15 so the value is a safe integer: the same
  // number the general path below gives, without trimming and matching.
  if (v.length > 0 && v.length <= 15) {
    let k = 0;
    for (let c = v.charCodeAt(0); c >= 0x30 && c <= 0x39; c = v.charCodeAt(k)) k += 1;
    if (k === v.length) return Number(v);
  }
  if (!/^-?\d+$/.test(v.trim())) return null;
  const n = Number(v.trim());
  return Number.isSafeInteger(n) ? n : null;
}

function v1CacheType(depth: number | null): string {
  return depth !== null && depth >= 1 && depth <= 5 ? `L${depth}Cache` : 'Cache';
}

// ---------------------------------------------------------------- the parser

interface Building {
  type: string;
  rawType: string;
  attributes: Record<string, string>;
  info: Record<string, string>;
  infos: [string, string][];
  pageTypes: HwlocPageType[];
  children: HwlocObject[];
  line: number;
}

interface DistBuilding {
  v1: boolean;
  attrs: Record<string, string>;
  indexesText: string;
  valuesText: string;
  v1Values: number[];
  line: number;
  /** Which child we are collecting text for. */
  collecting: 'indexes' | 'values' | null;
}


export interface HwlocXmlLimits {
  readonly maxChars?: number;
  readonly maxDepth?: number;
  readonly maxObjects?: number;
}

/** Parse hwloc XML text. Never throws on data: fatal problems come back as an
 *  error diagnostic naming line and column, with an empty tree. */
export function parseHwlocXml(text: string, name = 'topology.xml', limits: HwlocXmlLimits = {}): HwlocXml {
  const maxChars = limits.maxChars ?? MAX_HWLOC_XML_CHARS;
  const maxDepth = limits.maxDepth ?? MAX_HWLOC_XML_DEPTH;
  const maxObjects = limits.maxObjects ?? MAX_HWLOC_OBJECTS;
  const fatal = (message: string): HwlocXml => ({
    objects: finish(newBuilding('topology', 'topology', {}, 1)),
    version: '',
    majorVersion: 0,
    distances: [],
    pciLocality: [],
    diagnostics: [{ severity: 'error', path: name, message }],
  });
  if (typeof text !== 'string') return fatal('input is not text');
  if (text.length > maxChars) {
    return fatal(`input is ${text.length} characters, larger than the ${maxChars}-character limit for hwloc XML`);
  }
  if (text.trim() === '') return fatal('input is empty');
  // What lstopo writes (plain ASCII, no entities, comments or CDATA) goes through a small
  // scanner that gives the same events saxes would; anything else, and any document the
  // scanner or the limits below reject, is parsed again from the start by saxes, so
  // errors and their positions are saxes' own.
  return (isPlainXml(text) ? parseDocument(text, name, maxDepth, maxObjects, true) : null) ??
    parseDocument(text, name, maxDepth, maxObjects, false)!;
}

/** Whole-document check for the plain scanner: printable ASCII, tabs and newlines only
 *  (no CR, control bytes or non-ASCII), no `&` (no entity or character references) and
 *  no `]]>` (an error in character data). */
function isPlainXml(text: string): boolean {
  return !/[^\t\n\x20-\x7e]|&|\]\]>/.test(text);
}

/** A refusal or error that ends the parse (its message is in the builder). */
class Stop extends Error {}

/** An element as the handlers see it: saxes' tag, or the plain scanner's. */
interface PlainTag {
  readonly name: string;
  /** Saxes: a null-prototype record; the plain scanner: a plain object holding no name
   *  Object.prototype has (it leaves those to saxes). */
  readonly attributes: Record<string, string>;
}

/** What a parser driver (saxes or the plain scanner) calls while it reads a document. */
interface XmlHandlers {
  onDoctype(doctype: string): void;
  onOpen(tag: PlainTag): void;
  onText(t: string): void;
  /** Whether onText would keep text now (the plain scanner slices only then). */
  textWanted(): boolean;
  onClose(tag: { readonly name: string }): void;
}

/**
 * Builds the object tree from a driver's events: limits (depth, object count), the root
 * check, objects, infos, page types, distances and PCI locality. Throws Stop with `error`
 * set on a refusal.
 */
class DocumentBuilder implements XmlHandlers {
  readonly diagnostics: Diagnostic[] = [];
  /** Where the event happened: saxes' own position, or the plain scanner's (line only:
   *  column is only read for errors, which the plain scan hands to saxes). */
  pos: { line: number; column: number } = { line: 1, column: 0 };
  readonly stack: (Building | null)[] = []; // null for elements we do not build (support, cpukind...)
  root: Building | null = null;
  version = '';
  objectCount = 0;
  depth = 0;
  dist: DistBuilding | null = null;
  readonly distances: HwlocDistances[] = [];
  readonly pciLocality: HwlocPciLocality[] = [];
  error: string | null = null;
  refused = false; // our own limit, not a syntax error
  readonly unknownTypes = new Set<string>();
  readonly warn: Warn = (line, message, address) => {
    if (this.diagnostics.length > 1000) return; // bounded: a pathological file must not balloon memory
    this.diagnostics.push({ severity: 'warning', path: `${this.name}:${line}`, ...(address ? { address } : {}), message });
  };

  constructor(
    readonly name: string,
    readonly maxDepth: number,
    readonly maxObjects: number,
    /** Attributes kept past the event: saxes hands a null-prototype record (copied into a
     *  plain object); the plain scanner's record is plain and fresh. */
    readonly copyAttributes: boolean,
  ) {}

  refuse(message: string): never {
    this.refused = true;
    this.error = message;
    throw new Stop();
  }

  own(a: Record<string, string>): Record<string, string> {
    return this.copyAttributes ? { ...a } : a;
  }

  onDoctype(doctype: string): void {
    // A plain `<!DOCTYPE topology SYSTEM "hwloc2.dtd">` is normal and never fetched.
    // An internal subset is where entity declarations (billion laughs, external
    // entities) live: hwloc never writes one, so refuse it outright.
    if (doctype.includes('[') || /<!ENTITY/i.test(doctype)) {
      this.refuse(`${this.name}:${this.pos.line}:${this.pos.column}: DOCTYPE with an internal subset or ENTITY declaration is refused (hwloc never writes one)`);
    }
  }

  onOpen(tag: PlainTag): void {
    this.depth += 1;
    const line = this.pos.line;
    if (this.depth > this.maxDepth) this.refuse(`${this.name}:${line}:${this.pos.column}: elements nested deeper than ${this.maxDepth} levels`);
    if (this.depth === 1) return this.openRoot(tag, line);
    const parent = this.stack.length > 0 ? this.stack[this.stack.length - 1]! : undefined;
    const built = tag.name === 'object' ? this.openObject(tag.attributes, parent, line) : (this.openOther(tag, parent, line), null);
    this.stack.push(built);
  }

  openRoot(tag: PlainTag, line: number): void {
    if (tag.name !== 'topology') this.refuse(`${this.name}:${line}: root element is <${tag.name}>, not <topology>: not an hwloc XML topology`);
    this.version = tag.attributes.version ?? '1';
    this.root = newBuilding('topology', 'topology', this.own(tag.attributes), line);
    this.stack.push(this.root);
  }

  /** An `<object>`: v1 type names mapped to v2's (Socket, Node, Cache by depth). */
  openObject(attrs: Record<string, string>, parent: Building | null | undefined, line: number): Building | null {
    this.objectCount += 1;
    if (this.objectCount > this.maxObjects) this.refuse(`${this.name}:${line}: more than ${this.maxObjects} objects`);
    if (!parent) {
      this.warn(line, '<object> outside any object or topology; ignored');
      return null;
    }
    const rawType = attrs.type ?? '';
    let type = rawType;
    if (rawType === 'Socket') type = 'Package';
    else if (rawType === 'Node') type = 'NUMANode';
    else if (rawType === 'Cache') type = v1CacheType(intAttr(attrs.depth));
    if (rawType === '') this.warn(line, '<object> without a type attribute');
    else if (!KNOWN_TYPES.has(rawType) && !this.unknownTypes.has(rawType)) {
      this.unknownTypes.add(rawType);
      this.warn(line, `unknown object type "${rawType}"; kept as is`);
    }
    return newBuilding(type, rawType, this.own(attrs), line);
  }

  /** Elements that are not objects: infos and page types of their object, distances, PCI locality. */
  openOther(tag: PlainTag, parent: Building | null | undefined, line: number): void {
    const attrs = tag.attributes;
    const dist = this.dist;
    switch (tag.name) {
      case 'info': {
        const n = attrs.name;
        if (parent && n !== undefined) {
          const v = attrs.value ?? '';
          parent.infos.push([n, v]);
          if (!(n in parent.info)) parent.info[n] = v;
        }
        return;
      }
      case 'page_type': {
        const size = intAttr(attrs.size);
        const count = intAttr(attrs.count);
        if (parent && size !== null && count !== null) parent.pageTypes.push({ size, count });
        return;
      }
      case 'distances2':
      case 'distances':
        this.dist = { v1: tag.name === 'distances', attrs: this.own(attrs), indexesText: '', valuesText: '', v1Values: [], line, collecting: null };
        return;
      case 'indexes':
        if (dist) dist.collecting = 'indexes';
        return;
      case 'u64values':
        if (dist) dist.collecting = 'values';
        return;
      case 'latency':
        if (dist && dist.v1) {
          const v = Number(attrs.value);
          dist.v1Values.push(Number.isFinite(v) ? v : NaN);
        }
        return;
      case 'pci_locality':
        this.openPciLocality(attrs);
        return;
      default:
        // support, cpukind, memattr, userdata...: not needed for the model.
        return;
    }
  }

  openPciLocality(attrs: Record<string, string>): void {
    const domain = Number(attrs.domain);
    const busMin = Number(attrs.bus_min);
    const busMax = Number(attrs.bus_max);
    if (Number.isFinite(domain) && Number.isFinite(busMin) && Number.isFinite(busMax) && attrs.cpuset) {
      this.pciLocality.push({ domain, busMin, busMax, cpuset: attrs.cpuset });
    }
  }

  onText(t: string): void {
    const dist = this.dist;
    if (dist && dist.collecting === 'indexes') dist.indexesText += t;
    else if (dist && dist.collecting === 'values') dist.valuesText += t;
  }

  textWanted(): boolean {
    return this.dist !== null && this.dist.collecting !== null;
  }

  onClose(tag: { readonly name: string }): void {
    this.depth -= 1;
    const b = this.stack.pop();
    if (tag.name === 'indexes' || tag.name === 'u64values') {
      if (this.dist) this.dist.collecting = null;
      return;
    }
    if (tag.name === 'distances' || tag.name === 'distances2') {
      if (this.dist) {
        const d = finishDistances(this.dist, this.warn);
        if (d) this.distances.push(d);
      }
      this.dist = null;
      return;
    }
    if (tag.name === 'object' && b) {
      const parent = this.stack.length > 0 ? this.stack[this.stack.length - 1] : undefined;
      const obj = finish(b, this.warn);
      if (parent) parent.children.push(obj);
    }
  }

  fatal(message: string, line?: number): HwlocXml {
    this.diagnostics.push({ severity: 'error', path: line ? `${this.name}:${line}` : this.name, message });
    return { objects: finish(newBuilding('topology', 'topology', {}, 1)), version: '', majorVersion: 0, distances: [], pciLocality: [], diagnostics: this.diagnostics };
  }

  /** The document, once the driver is done (root known). */
  result(root: Building): HwlocXml {
    const objects = finish(root, this.warn);
    if (objects.children.length === 0) this.warn(1, '<topology> holds no objects');
    const major = Number.parseInt(this.version, 10);
    return { objects, version: this.version, majorVersion: Number.isFinite(major) ? major : 0, distances: this.distances, pciLocality: this.pciLocality, diagnostics: this.diagnostics };
  }
}

/** Feeds the document to saxes; its errors land in `b.error`. */
function runSaxes(text: string, b: DocumentBuilder): void {
  const parser = new SaxesParser<{ xmlns: false; position: true; fileName: string }>({ xmlns: false, position: true, fileName: b.name });
  b.pos = parser;
  parser.on('doctype', (d) => b.onDoctype(d));
  parser.on('error', (err: Error) => {
    b.error = err.message;
    throw new Stop();
  });
  parser.on('opentag', (t) => b.onOpen(t));
  parser.on('text', (t) => b.onText(t));
  parser.on('closetag', (t) => b.onClose(t));
  // Feed in slices so the parser's buffers stay small on big inputs.
  const CHUNK = 1 << 20;
  for (let i = 0; i < text.length; i += CHUNK) parser.write(text.slice(i, i + CHUNK));
  parser.close();
}

/**
 * One parse of the document: by the plain scanner (`plain`; null when it meets anything
 * outside its subset, a syntax error or a refusal) or by saxes (never null).
 */
function parseDocument(text: string, name: string, maxDepth: number, maxObjects: number, plain: boolean): HwlocXml | null {
  const b = new DocumentBuilder(name, maxDepth, maxObjects, !plain);
  try {
    if (!plain) runSaxes(text, b);
    else if (!new PlainScanner(text, b).scan()) return null;
  } catch (e) {
    if (!(e instanceof Stop)) b.error = e instanceof Error ? e.message : String(e);
  }
  if (b.error !== null) {
    if (plain) return null;
    const what = b.refused ? 'hwloc XML refused' : 'malformed hwloc XML';
    return b.fatal(`${what}: ${cleanSaxesMessage(b.error, name)}`, lineOf(b.error, name));
  }
  if (b.root === null) return plain ? null : b.fatal('no <topology> element: not an hwloc XML topology');
  return b.result(b.root);
}

/** XML white space (CR never reaches the plain scanner). */
const isXmlSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x09;
/** The ASCII part of XML names, without `:`: A-Z a-z 0-9 _ . - (not first: 0-9 . -). */
const isNameChar = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d || c === 0x2e;
const isNameStart = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const XML_DECLS = ['<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0"?>'];
const PLAIN_DOCTYPE = /<!DOCTYPE [A-Za-z_][A-Za-z0-9_.-]* SYSTEM "[A-Za-z0-9_.\/-]*">/y;

/** Where an opening tag ends: the index of its `>`, and whether it was `/>`; -1 when outside the subset. */
type TagEnd = { end: number; selfClosing: boolean };

/**
 * Scans a document that passed isPlainXml, the way lstopo writes it: an optional XML
 * declaration of one of the usual three spellings, an optional `<!DOCTYPE x SYSTEM "f">`,
 * one root element; elements and attributes with ASCII names, quoted attribute values
 * without `<`, tabs or newlines. It calls the handlers exactly as saxes would for such a
 * document (same events, same text, same line for each opening tag: the line of its `>`).
 * scan() returns false at the first thing outside that subset or not well-formed, leaving
 * the verdict to saxes. Work is linear in the text.
 */
class PlainScanner {
  private line = 1;
  private nextNl: number;
  private readonly open: string[] = [];
  private sawRoot = false;
  private closedRoot = false;
  private sawDoctype = false;

  constructor(
    private readonly text: string,
    private readonly h: XmlHandlers & { pos: { line: number; column: number } },
  ) {
    this.nextNl = text.indexOf('\n');
  }

  private lineAt(p: number): number {
    while (this.nextNl >= 0 && this.nextNl < p) {
      this.line += 1;
      this.nextNl = this.text.indexOf('\n', this.nextNl + 1);
    }
    return this.line;
  }

  private nameEnd(from: number): number {
    const text = this.text;
    if (!isNameStart(text.charCodeAt(from))) return from;
    let j = from + 1;
    while (isNameChar(text.charCodeAt(j))) j += 1;
    return j;
  }

  scan(): boolean {
    const text = this.text;
    const n = text.length;
    let i = 0;
    if (text.startsWith('<?')) {
      const decl = XML_DECLS.find((d) => text.startsWith(d));
      if (decl === undefined) return false;
      i = decl.length;
    }
    while (i < n) {
      const lt = text.indexOf('<', i);
      const end = lt < 0 ? n : lt;
      if (end > i && !this.characters(i, end)) return false;
      if (lt < 0) break;
      const c = text.charCodeAt(lt + 1);
      i = c === 0x2f ? this.closingTag(lt) : c === 0x21 ? this.doctype(lt) : this.openingTag(lt);
      if (i < 0) return false;
    }
    return this.sawRoot && this.open.length === 0;
  }

  /** Text between tags: handed over when wanted inside the root, else only white space is allowed. */
  private characters(from: number, end: number): boolean {
    if (this.open.length > 0) {
      if (this.h.textWanted()) this.h.onText(this.text.slice(from, end));
      return true;
    }
    for (let k = from; k < end; k += 1) if (!isXmlSpace(this.text.charCodeAt(k))) return false;
    return true;
  }

  /** `</name S?>` at lt; the index after it, or -1. */
  private closingTag(lt: number): number {
    const text = this.text;
    const ne = this.nameEnd(lt + 2);
    if (ne === lt + 2) return -1;
    const tagName = text.slice(lt + 2, ne);
    let j = ne;
    while (isXmlSpace(text.charCodeAt(j))) j += 1;
    const open = this.open;
    if (text.charCodeAt(j) !== 0x3e || open.length === 0 || open[open.length - 1] !== tagName) return -1;
    open.pop();
    if (open.length === 0) this.closedRoot = true;
    this.h.onClose({ name: tagName });
    return j + 1;
  }

  /** Only the plain DOCTYPE, once, before the root (comments, CDATA: saxes). */
  private doctype(lt: number): number {
    if (this.sawRoot || this.sawDoctype) return -1;
    PLAIN_DOCTYPE.lastIndex = lt;
    if (!PLAIN_DOCTYPE.test(this.text)) return -1;
    this.sawDoctype = true;
    return PLAIN_DOCTYPE.lastIndex;
  }

  /** `<name (S attr S? = S? "value")* S? (> | />)` at lt; the index after it, or -1. */
  private openingTag(lt: number): number {
    if (this.closedRoot) return -1;
    const ne = this.nameEnd(lt + 1);
    if (ne === lt + 1) return -1;
    const tagName = this.text.slice(lt + 1, ne);
    const attributes: Record<string, string> = {};
    const e = this.attributes(ne, attributes);
    if (e === null) return -1;
    this.h.pos.line = this.lineAt(e.end);
    this.sawRoot = true;
    this.h.onOpen({ name: tagName, attributes });
    if (e.selfClosing) {
      if (this.open.length === 0) this.closedRoot = true;
      this.h.onClose({ name: tagName });
    } else this.open.push(tagName);
    return e.end + 1;
  }

  /** The attributes from j to the tag's end, into `out`; null when outside the subset. */
  private attributes(j: number, out: Record<string, string>): TagEnd | null {
    const text = this.text;
    for (;;) {
      const before = j;
      while (isXmlSpace(text.charCodeAt(j))) j += 1;
      const d = text.charCodeAt(j);
      if (d === 0x3e) return { end: j, selfClosing: false };
      if (d === 0x2f) return text.charCodeAt(j + 1) === 0x3e ? { end: j + 1, selfClosing: true } : null;
      if (j === before) return null; // attributes need white space before them
      const ae = this.nameEnd(j);
      if (ae === j) return null;
      const attrName = text.slice(j, ae);
      j = ae;
      while (isXmlSpace(text.charCodeAt(j))) j += 1;
      if (text.charCodeAt(j) !== 0x3d) return null;
      j += 1;
      while (isXmlSpace(text.charCodeAt(j))) j += 1;
      const close = this.valueEnd(j);
      // A duplicate attribute, or a name Object.prototype has (__proto__, constructor...).
      if (close < 0 || out[attrName] !== undefined) return null;
      out[attrName] = text.slice(j + 1, close);
      j = close + 1;
    }
  }

  /** The closing quote of the value quoted at j; -1 for no quote, or `<`, a tab or a newline inside. */
  private valueEnd(j: number): number {
    const text = this.text;
    const q = text.charCodeAt(j);
    if (q !== 0x22 && q !== 0x27) return -1;
    const close = text.indexOf(q === 0x22 ? '"' : "'", j + 1);
    if (close < 0) return -1;
    for (let k = j + 1; k < close; k += 1) {
      const v = text.charCodeAt(k);
      if (v === 0x3c || v === 0x0a || v === 0x09) return -1; // `<` is an error; saxes turns tabs and newlines into spaces
    }
    return close;
  }
}

function newBuilding(type: string, rawType: string, attributes: Record<string, string>, line: number): Building {
  return { type, rawType, attributes, info: {}, infos: [], pageTypes: [], children: [], line };
}

type Warn = (line: number, message: string, address?: string) => void;

function finish(b: Building, warn?: Warn): HwlocObject {
  const a = b.attributes;
  const w: Warn = warn ?? (() => undefined);
  let pci: HwlocPciAttrs | null = null;
  if (a.pci_busid !== undefined) {
    const m = PCI_BUSID.exec(a.pci_busid.trim());
    const t = a.pci_type !== undefined ? PCI_TYPE.exec(a.pci_type.trim()) : null;
    if (!m) w(b.line, `unreadable pci_busid "${a.pci_busid}"`);
    else if (!t) w(b.line, `unreadable pci_type "${a.pci_type ?? ''}"`, a.pci_busid);
    else {
      const speed = a.pci_link_speed !== undefined ? Number(a.pci_link_speed) : NaN;
      pci = {
        busid: a.pci_busid.trim(),
        domain: parseInt(m[1]!, 16),
        bus: parseInt(m[2]!, 16),
        dev: parseInt(m[3]!, 16),
        func: parseInt(m[4]!, 16),
        classId: hex(t[1]!, 4),
        vendorId: hex(t[2]!, 4),
        deviceId: hex(t[3]!, 4),
        subVendorId: hex(t[4]!, 4),
        subDeviceId: hex(t[5]!, 4),
        revision: hex(t[6]!, 2),
        progIf: t[7] !== undefined ? hex(t[7], 2) : null,
        linkGBps: Number.isFinite(speed) && speed >= 0 ? speed : null,
      };
    }
  }
  let bridge: HwlocBridgeAttrs | null = null;
  if (a.bridge_type !== undefined) {
    const m = /^(\d)-(\d)$/.exec(a.bridge_type.trim());
    const r = a.bridge_pci !== undefined ? BRIDGE_PCI.exec(a.bridge_pci.trim()) : null;
    if (!m) w(b.line, `unreadable bridge_type "${a.bridge_type}"`);
    else {
      if (a.bridge_pci !== undefined && !r) w(b.line, `unreadable bridge_pci "${a.bridge_pci}"`, a.pci_busid);
      bridge = {
        upstreamType: Number(m[1]),
        downstreamType: Number(m[2]),
        depth: intAttr(a.depth),
        domain: r ? parseInt(r[1]!, 16) : null,
        secondaryBus: r ? parseInt(r[2]!, 16) : null,
        subordinateBus: r ? parseInt(r[3]!, 16) : null,
      };
    }
  }
  const localMemory = intAttr(a.local_memory);
  return {
    type: b.type,
    rawType: b.rawType,
    osIndex: intAttr(a.os_index),
    cpuset: a.cpuset ?? null,
    completeCpuset: a.complete_cpuset ?? null,
    nodeset: a.nodeset ?? null,
    completeNodeset: a.complete_nodeset ?? null,
    localMemory,
    subtype: a.subtype ?? null,
    name: a.name ?? null,
    osdevType: intAttr(a.osdev_type),
    pci,
    bridge,
    info: b.info,
    infos: b.infos,
    pageTypes: b.pageTypes,
    attributes: a,
    children: b.children,
    line: b.line,
  };
}

function finishDistances(d: DistBuilding, warn: Warn): HwlocDistances | null {
  const a = d.attrs;
  const nbobjs = intAttr(a.nbobjs);
  if (nbobjs === null || nbobjs < 0 || nbobjs > 65536) {
    warn(d.line, `distances without a usable nbobjs ("${a.nbobjs ?? ''}"); ignored`);
    return null;
  }
  if (d.v1) {
    // v1: <distances nbobjs relative_depth latency_base><latency value/>...; values are
    // relative to latency_base.
    const base = Number(a.latency_base ?? '1');
    const values = d.v1Values.map((v) => Math.round(v * (Number.isFinite(base) ? base : 1)));
    if (values.length !== nbobjs * nbobjs || values.some((v) => !Number.isFinite(v) || v < 0)) {
      warn(d.line, `v1 distances: ${values.length} latency values for ${nbobjs} objects; ignored`);
      return null;
    }
    return { type: 'NUMANode', name: null, kind: 0, indexes: null, indexing: null, nbobjs, values, line: d.line };
  }
  const nums = (s: string): number[] => s.split(/\s+/).filter((x) => x !== '').map(Number);
  const indexes = nums(d.indexesText);
  const values = nums(d.valuesText);
  if (indexes.length !== nbobjs || values.length !== nbobjs * nbobjs || [...indexes, ...values].some((v) => !Number.isFinite(v) || v < 0)) {
    warn(d.line, `distances2 "${a.name ?? ''}": ${indexes.length} indexes and ${values.length} values for ${nbobjs} objects; ignored`);
    return null;
  }
  return {
    type: a.type ?? '',
    name: a.name ?? null,
    kind: intAttr(a.kind) ?? 0,
    indexes,
    indexing: a.indexing ?? null,
    nbobjs,
    values,
    line: d.line,
  };
}

/** saxes reports "file:line:col: message"; say it as "line L, column C: message". */
function cleanSaxesMessage(msg: string, name: string): string {
  const flat = msg.replace(/\s+/g, ' ').trim();
  const rest = flat.startsWith(`${name}:`) ? flat.slice(name.length + 1) : flat;
  const m = /^(\d+):(\d+): (.*)$/.exec(rest);
  return (m ? `line ${m[1]}, column ${Number(m[2]) + 1}: ${m[3]}` : rest).slice(0, 300);
}

function lineOf(msg: string, name: string): number | undefined {
  const rest = msg.startsWith(`${name}:`) ? msg.slice(name.length + 1) : msg;
  const m = /^(\d+):/.exec(rest);
  return m ? Number(m[1]) : undefined;
}
