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

function devicesOf(idx: PciIdsIndex, at: number, vendorLineEnd: number): Map<string, number> {
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
  // Its subsystem lines follow, up to the next device or vendor.
  let pos = end + 1;
  while (pos > 0 && pos < t.length) {
    end = t.indexOf('\n', pos);
    if (end < 0) end = t.length;
    const c0 = t.charCodeAt(pos);
    if (c0 !== 9 && c0 !== 35 && end > pos) break; // next vendor
    if (c0 === 9) {
      if (t.charCodeAt(pos + 1) !== 9) break; // next device
      if (sd) {
        const key = t.slice(pos + 2, pos + 11).toLowerCase();
        if (key === `${sv} ${sd}`) { subsystemName = t.slice(pos + 11, end).trim(); break; }
      }
    }
    pos = end + 1;
  }
  return { vendorName, deviceName, subsystemName };
}

/** Class name for a class code "0x020000": the most specific of prog-if, subclass, class. */
export function classNameInIndex(idx: PciIdsIndex, classCode: string): string | null {
  const c = classCode.replace(/^0x/i, '').toLowerCase().padStart(6, '0');
  return idx.classes.get(c.slice(0, 4)) ?? idx.classes.get(c.slice(0, 2)) ?? null;
}

/** Programming-interface name ("NVM Express", "Normal decode"), when pci.ids has one. */
export function progIfNameInIndex(idx: PciIdsIndex, classCode: string): string | null {
  const c = classCode.replace(/^0x/i, '').toLowerCase().padStart(6, '0');
  return idx.classes.get(c) ?? null;
}
