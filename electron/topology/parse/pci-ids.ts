// Name lookup in the pci.ids database text (vendors, devices, subsystems, classes).
// Pure: it is handed the text; finding and decompressing the file is sources/pci-ids-file.

export interface PciIdsIndex {
  /** vendor id (4 lowercase hex) → offset of its line in the text. */
  readonly vendorAt: Map<string, number>;
  readonly text: string;
  readonly classes: Map<string, string>;
}

/** Index the vendor lines and the class section in one pass (devices are found lazily). */
export function indexPciIds(text: string): PciIdsIndex {
  const vendorAt = new Map<string, number>();
  const classes = new Map<string, string>();
  let pos = 0;
  let cls: string | null = null; // "02" while inside "C 02" block
  let sub: string | null = null; // "0200" while inside its subclass
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const c0 = text.charCodeAt(pos);
    if (c0 !== 9 && c0 !== 35 && end > pos) {
      if (c0 === 67 && text.charCodeAt(pos + 1) === 32) {
        // "C cc  Class name"
        cls = text.slice(pos + 2, pos + 4).toLowerCase();
        sub = null;
        classes.set(cls, text.slice(pos + 4, end).trim());
      } else {
        cls = null;
        vendorAt.set(text.slice(pos, pos + 4).toLowerCase(), pos);
      }
    } else if (cls !== null && c0 === 9) {
      const deep = text.charCodeAt(pos + 1) === 9;
      const code = text.slice(pos + (deep ? 2 : 1), pos + (deep ? 4 : 3)).toLowerCase();
      const name = text.slice(pos + (deep ? 4 : 3), end).trim();
      if (!deep) { sub = cls + code; classes.set(sub, name); }
      else if (sub) classes.set(sub + code, name);
    }
    pos = end + 1;
  }
  return { vendorAt, text, classes };
}

const hex4 = (id: string): string => id.replace(/^0x/i, '').toLowerCase().padStart(4, '0').slice(-4);

export interface PciNames {
  vendorName: string | null;
  deviceName: string | null;
  subsystemName?: string | null;
}

/**
 * Per index, per vendor: device id → offset of its first line in the vendor's block.
 * Built on a vendor's first lookup, so a lookup costs a map hit rather than a scan of
 * the block (Intel's runs to thousands of lines).
 */
const deviceTables = new WeakMap<PciIdsIndex, Map<number, Map<string, number>>>();

export function devicesOf(idx: PciIdsIndex, at: number, vendorLineEnd: number): Map<string, number> {
  let perVendor = deviceTables.get(idx);
  if (!perVendor) deviceTables.set(idx, (perVendor = new Map()));
  let table = perVendor.get(at);
  if (table) return table;
  table = new Map();
  const t = idx.text;
  let pos = vendorLineEnd + 1;
  while (pos > 0 && pos < t.length) {
    let end = t.indexOf('\n', pos);
    if (end < 0) end = t.length;
    const c0 = t.charCodeAt(pos);
    if (c0 !== 9 && c0 !== 35 && end > pos) break; // next vendor
    if (c0 === 9 && t.charCodeAt(pos + 1) !== 9) {
      const key = t.slice(pos + 1, pos + 5).toLowerCase();
      if (!table.has(key)) table.set(key, pos);
    }
    pos = end + 1;
  }
  perVendor.set(at, table);
  return table;
}

/** Vendor, device and (optionally) subsystem names for the given ids. */
export function lookupInIndex(
  idx: PciIdsIndex,
  vendorId: string,
  deviceId: string,
  subVendorId?: string | null,
  subDeviceId?: string | null,
): PciNames {
  const v = hex4(vendorId);
  const at = idx.vendorAt.get(v);
  if (at === undefined) return { vendorName: null, deviceName: null };
  const t = idx.text;
  let end = t.indexOf('\n', at);
  const vendorName = t.slice(at + 4, end < 0 ? t.length : end).trim();
  const d = hex4(deviceId);
  const sv = subVendorId ? hex4(subVendorId) : null;
  const sd = subDeviceId ? hex4(subDeviceId) : null;
  let deviceName: string | null = null;
  let subsystemName: string | null = null;
  const devAt = end < 0 ? undefined : devicesOf(idx, at, end).get(d);
  if (devAt === undefined) return { vendorName, deviceName, subsystemName };
  end = t.indexOf('\n', devAt);
  if (end < 0) end = t.length;
  deviceName = t.slice(devAt + 5, end).trim();
  if (!sv) return { vendorName, deviceName, subsystemName };
  if (sd) {
    const want = `${sv} ${sd}`;
    for (const [key, name] of subsystemLines(t, end)) if (key === want) { subsystemName = name; break; }
  }
  return { vendorName, deviceName, subsystemName };
}

/** A device's subsystem lines ([lowercased "ssss dddd" key, name]), from the end of its line up to the next device or vendor. */
export function* subsystemLines(t: string, deviceLineEnd: number): Generator<[string, string]> {
  let pos = deviceLineEnd + 1;
  while (pos > 0 && pos < t.length) {
    let end = t.indexOf('\n', pos);
    if (end < 0) end = t.length;
    const c0 = t.charCodeAt(pos);
    if (c0 !== 9 && c0 !== 35 && end > pos) break; // next vendor
    if (c0 === 9) {
      if (t.charCodeAt(pos + 1) !== 9) break; // next device
      yield [t.slice(pos + 2, pos + 11).toLowerCase(), t.slice(pos + 11, end).trim()];
    }
    pos = end + 1;
  }
}

/** The class map's entries: ["02", class name], ["0200", subclass name], ["010802", prog-if name]. */
export function classEntries(idx: PciIdsIndex): IterableIterator<[string, string]> {
  return idx.classes.entries();
}

/**
 * "0x010802" → "010802", the key form of the class map (class, subclass, prog-if). A code
 * that gives less ("0x0108": no prog-if printed; "0x01": class only) keeps its length,
 * so no level it lacks is looked up; an odd length is a number missing leading zeros.
 */
const classKey = (classCode: string): string => {
  const c = classCode.replace(/^0x/i, '').toLowerCase();
  return c.length === 2 || c.length === 4 ? c : c.padStart(6, '0');
};

/** Class name from a class map (text or compact index): subclass, else class. */
function classNameIn(classes: ReadonlyMap<string, string>, classCode: string): string | null {
  const c = classKey(classCode);
  return (c.length >= 4 ? classes.get(c.slice(0, 4)) : undefined) ?? classes.get(c.slice(0, 2)) ?? null;
}

/** Class name for a class code "0x020000": the subclass's name, else the class's. */
export function classNameInIndex(idx: PciIdsIndex, classCode: string): string | null {
  return classNameIn(idx.classes, classCode);
}

/** Programming-interface name ("NVM Express", "Normal decode"), when pci.ids has one. */
export function progIfNameInIndex(idx: PciIdsIndex, classCode: string): string | null {
  const c = classKey(classCode);
  return c.length === 6 ? idx.classes.get(c) ?? null : null;
}

/** What the name lookups need from a database, whichever form it is loaded from. */
export interface PciNameDb {
  lookup(vendorId: string, deviceId: string, subVendorId?: string | null, subDeviceId?: string | null): PciNames;
  className(classCode: string): string | null;
  progIfName(classCode: string): string | null;
}

/** The text index as a PciNameDb. */
export function textPciNameDb(idx: PciIdsIndex): PciNameDb {
  return {
    lookup: (v, d, sv, sd) => lookupInIndex(idx, v, d, sv, sd),
    className: (c) => classNameInIndex(idx, c),
    progIfName: (c) => progIfNameInIndex(idx, c),
  };
}

// Compact index: the answers of the text index above, precomputed at build time
// (scripts/build-cli.mjs writes it beside the bundle's pci.ids.gz) so that a run reads
// a few kilobytes for the vendors and devices it meets instead of inflating and
// scanning the whole 1.3 MB text. Built by running the text index itself over every
// vendor and device, so the names are the same strings. Layout, little-endian:
//   header (HEADER bytes): magic, u32 size of the pci.ids(.gz) file it was built from,
//     u32 vendor count N, u32 offset and u32 length of the prefix read at open
//     (vendor keys, vendor offsets, classes), u32 classes offset, u32 classes length;
//   vendor keys: N × 4 ASCII bytes, sorted; vendor offsets: N + 1 × u32 (vendor i's
//     entry and its device entries span off[i]..off[i+1]); classes: JSON of the class
//     map's entries;
//   vendor entry: u32 device count M, u16 name length, name (UTF-8), M × 4 device key
//     bytes (sorted), M + 1 × u32 device entry offsets;
//   device entry: u16 name length, name, then JSON of its subsystem lines
//     ([key, name] in file order), empty when it has none.
const MAGIC = 'TLPCIDX1';
const HEADER = 32;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const isKey = (k: string): boolean => /^[\x20-\x7e]{4}$/.test(k);
const keyAt = (b: Uint8Array, at: number): string => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

/**
 * Build the compact index from the pci.ids text. `sourceSize` is the byte size of the
 * file the text came from (checked by the loader against the file beside the index).
 * Null when the text has ids that are not 4 printable ASCII characters (then the text
 * path stays in use).
 */
export function buildCompactPciIds(text: string, sourceSize: number): Uint8Array | null {
  const idx = indexPciIds(text);
  const t = idx.text;
  const vendors = [...idx.vendorAt.keys()].sort();
  if (!vendors.every(isKey)) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const put = (b: Uint8Array): void => { chunks.push(b); size += b.length; };
  const u32s = (xs: number[]): Uint8Array => {
    const b = new Uint8Array(xs.length * 4);
    const dv = new DataView(b.buffer);
    xs.forEach((x, i) => dv.setUint32(i * 4, x, true));
    return b;
  };
  const withLen = (s: string): Uint8Array => {
    const b = utf8.encode(s);
    if (b.length > 0xffff) throw new Error('pci.ids name too long');
    const out = new Uint8Array(2 + b.length);
    new DataView(out.buffer).setUint16(0, b.length, true);
    out.set(b, 2);
    return out;
  };
  const classes = utf8.encode(JSON.stringify([...idx.classes]));
  const prefixOff = HEADER;
  const prefixLen = vendors.length * 8 + 4 + classes.length;
  put(new Uint8Array(HEADER));
  put(utf8.encode(vendors.join('')));
  const vendorOffsAt = chunks.length;
  put(new Uint8Array((vendors.length + 1) * 4)); // filled below
  put(classes);
  const vendorOffs: number[] = [];
  for (const v of vendors) {
    vendorOffs.push(size);
    const at = idx.vendorAt.get(v)!;
    const end = t.indexOf('\n', at);
    const name = t.slice(at + 4, end < 0 ? t.length : end).trim();
    const table = end < 0 ? new Map<string, number>() : devicesOf(idx, at, end);
    const devices = [...table.keys()].sort();
    if (!devices.every(isKey)) return null;
    const head = new Uint8Array(4);
    new DataView(head.buffer).setUint32(0, devices.length, true);
    put(head);
    put(withLen(name));
    put(utf8.encode(devices.join('')));
    const devOffsAt = chunks.length;
    put(new Uint8Array((devices.length + 1) * 4));
    const devOffs: number[] = [];
    for (const d of devices) {
      devOffs.push(size);
      const devAt = table.get(d)!;
      let dEnd = t.indexOf('\n', devAt);
      if (dEnd < 0) dEnd = t.length;
      put(withLen(t.slice(devAt + 5, dEnd).trim()));
      const subs = [...subsystemLines(t, dEnd)];
      if (subs.length > 0) put(utf8.encode(JSON.stringify(subs)));
    }
    devOffs.push(size);
    chunks[devOffsAt] = u32s(devOffs);
  }
  vendorOffs.push(size);
  chunks[vendorOffsAt] = u32s(vendorOffs);
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  out.set(utf8.encode(MAGIC), 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, sourceSize, true);
  dv.setUint32(12, vendors.length, true);
  dv.setUint32(16, prefixOff, true);
  dv.setUint32(20, prefixLen, true);
  dv.setUint32(24, prefixOff + vendors.length * 8 + 4, true);
  dv.setUint32(28, classes.length, true);
  return out;
}

/** Reads `length` bytes at `position` of the index file (fewer only at its end). */
export type ReadAt = (position: number, length: number) => Uint8Array;

/** Size of the source file a compact index header says it was built from; null when `header` is not one. */
export function compactPciIdsSource(header: Uint8Array): number | null {
  if (header.length < HEADER || fromUtf8.decode(header.subarray(0, 8)) !== MAGIC) return null;
  return new DataView(header.buffer, header.byteOffset, HEADER).getUint32(8, true);
}

/** A PciNameDb over a compact index, reading it through `read` as lookups need it. */
export function compactPciNameDb(header: Uint8Array, read: ReadAt): PciNameDb {
  const hv = new DataView(header.buffer, header.byteOffset, HEADER);
  const n = hv.getUint32(12, true);
  const prefixOff = hv.getUint32(16, true);
  const prefix = read(prefixOff, hv.getUint32(20, true));
  const pv = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const classesAt = hv.getUint32(24, true) - prefixOff;
  const classes = new Map<string, string>(JSON.parse(fromUtf8.decode(prefix.subarray(classesAt, classesAt + hv.getUint32(28, true)))));
  interface Vendor { name: string; keys: Uint8Array; offs: DataView; count: number }
  const vendors = new Map<number, Vendor>();
  // Binary search of a 4-character key in `count` sorted 4-byte keys.
  const find = (keys: Uint8Array, count: number, key: string): number => {
    let lo = 0;
    let hi = count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const k = keyAt(keys, mid * 4);
      if (k === key) return mid;
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };
  const vendor = (i: number): Vendor => {
    let v = vendors.get(i);
    if (v) return v;
    // Its head, then its name and device table (not the device entries after them).
    const at = pv.getUint32(n * 4 + i * 4, true);
    const h = read(at, 6);
    const count = h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24);
    const nameLen = h[4]! | (h[5]! << 8);
    const b = read(at + 6, nameLen + count * 8 + 4);
    v = {
      name: fromUtf8.decode(b.subarray(0, nameLen)),
      keys: b.subarray(nameLen, nameLen + count * 4),
      offs: new DataView(b.buffer, b.byteOffset + nameLen + count * 4, (count + 1) * 4),
      count,
    };
    vendors.set(i, v);
    return v;
  };
  return {
    lookup(vendorId, deviceId, subVendorId, subDeviceId): PciNames {
      const vi = find(prefix, n, hex4(vendorId));
      if (vi < 0) return { vendorName: null, deviceName: null };
      const v = vendor(vi);
      const vendorName = v.name;
      const di = find(v.keys, v.count, hex4(deviceId));
      if (di < 0) return { vendorName, deviceName: null, subsystemName: null };
      const at = v.offs.getUint32(di * 4, true);
      const b = read(at, v.offs.getUint32(di * 4 + 4, true) - at);
      const nameEnd = 2 + (b[0]! | (b[1]! << 8));
      const deviceName = fromUtf8.decode(b.subarray(2, nameEnd));
      let subsystemName: string | null = null;
      const sv = subVendorId ? hex4(subVendorId) : null;
      const sd = subDeviceId ? hex4(subDeviceId) : null;
      if (sv && sd && b.length > nameEnd) {
        const want = `${sv} ${sd}`;
        for (const [key, name] of JSON.parse(fromUtf8.decode(b.subarray(nameEnd))) as [string, string][]) {
          if (key === want) { subsystemName = name; break; }
        }
      }
      return { vendorName, deviceName, subsystemName };
    },
    className: (classCode) => classNameIn(classes, classCode),
    progIfName: (classCode) => {
      const c = classKey(classCode);
      return c.length === 6 ? classes.get(c) ?? null : null;
    },
  };
}
