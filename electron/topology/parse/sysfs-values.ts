// Pure parsers for single sysfs/procfs values: ids, link speeds, node meminfo,
// distances, the first bytes of PCI config space. Each returns null for text that is
// not what the kernel writes; callers turn that into a diagnostic.

/** "0x8086\n" → "0x8086" (4 hex digits, lowercase). */
export function parseHexId(text: string | null, digits = 4): string | null {
  if (text === null) return null;
  const m = /^\s*0x([0-9a-f]+)\s*$/i.exec(text);
  if (!m || m[1]!.length > digits) return null;
  return `0x${m[1]!.toLowerCase().padStart(digits, '0')}`;
}

/** A decimal integer file ("-1", "4"); null when absent or not an integer. */
export function parseIntValue(text: string | null): number | null {
  if (text === null) return null;
  const s = text.trim();
  if (!/^-?\d{1,15}$/.test(s)) return null;
  return Number(s);
}

/**
 * Link speed as the kernel spells it across versions: "8 GT/s", "8.0 GT/s PCIe",
 * "2.5 GT/s", "16.0 GT/s PCIe", "Unknown", "Unknown speed". Returns GT/s as a number,
 * 0 for unknown, null for text that is not a speed.
 */
export function parseLinkSpeed(text: string | null): number | null {
  if (text === null) return null;
  const s = text.trim();
  if (/^unknown/i.test(s) || s === '') return 0;
  const m = /^(\d{1,6}(?:\.\d{1,12})?)\s*GT\/s(?:\s+PCIe)?$/i.exec(s);
  if (!m) return null;
  const gts = Number(m[1]);
  return gts > 0 && gts <= 999 ? gts : null;
}

/** 8 → "8 GT/s", 2.5 → "2.5 GT/s". */
export function formatLinkSpeed(gts: number): string {
  return `${Number.isInteger(gts) ? gts : gts.toFixed(1).replace(/\.0$/, '')} GT/s`;
}

/** Link width file: "16" (or "x16" in a few vendor kernels); 0 means no link. */
export function parseLinkWidth(text: string | null): number | null {
  if (text === null) return null;
  // 255 is PCIE_LNK_WIDTH_UNKNOWN: max_link_width of a function whose Link Capabilities read 0.
  if (/^\s*255\s*$/.test(text)) return 0;
  const m = /^\s*x?(\d{1,2})\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}

/** `nodeN/meminfo` → MemTotal in bytes. */
export function parseNodeMemTotal(text: string | null): number | null {
  if (text === null) return null;
  const m = /MemTotal:\s+(\d+)\s*kB/i.exec(text);
  return m ? Number(m[1]) * 1024 : null;
}

/** `nodeN/distance` → [10, 21]; null when not a list of numbers. */
export function parseDistances(text: string | null): number[] | null {
  if (text === null) return null;
  const parts = text.trim().split(/\s+/).filter((s) => s !== '');
  if (parts.length === 0 || parts.some((p) => !/^\d{1,5}$/.test(p))) return null;
  return parts.map(Number);
}

export interface ConfigHeader {
  readonly headerType: number;
  /** Offset of the PCI Express capability in config space, null when there is none. */
  readonly pcieCap: number | null;
  readonly isBridge: boolean;
  readonly primaryBus: number | null;
  readonly secondaryBus: number | null;
  readonly subordinateBus: number | null;
  /** PCI Express port type from the capability list (needs > 64 bytes), else null. */
  readonly pcieType: number | null;
}

/** Decode what we need from config space; works with the 64 bytes non-root users get. */
export function parseConfigHeader(cfg: Uint8Array | null): ConfigHeader | null {
  if (!cfg || cfg.length < 64) return null;
  const headerType = cfg[0x0e]! & 0x7f;
  const isBridge = headerType === 1;
  let pcieType: number | null = null;
  let pcieCap: number | null = null;
  // Capabilities list: status bit 4, pointer at 0x34 (bridges too).
  if (cfg.length > 64 && (cfg[0x06]! & 0x10) !== 0) {
    let ptr = cfg[0x34]! & 0xfc;
    for (let guard = 0; ptr >= 0x40 && ptr + 3 < cfg.length && guard < 48; guard += 1) {
      if (cfg[ptr] === 0x10) {
        pcieType = (cfg[ptr + 2]! >> 4) & 0x0f;
        pcieCap = ptr;
        break;
      }
      ptr = cfg[ptr + 1]! & 0xfc;
    }
  }
  return {
    headerType,
    pcieCap,
    isBridge,
    primaryBus: isBridge ? cfg[0x18]! : null,
    secondaryBus: isBridge ? cfg[0x19]! : null,
    subordinateBus: isBridge ? cfg[0x1a]! : null,
    pcieType,
  };
}

/** Parse "key: value" lines of /proc/cpuinfo into one record per processor block. */
export function parseCpuinfo(text: string | null): Array<Record<string, string>> {
  if (!text) return [];
  const out: Array<Record<string, string>> = [];
  let cur: Record<string, string> = {};
  const flush = () => {
    if (Object.keys(cur).length > 0) out.push(cur);
    cur = {};
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    const i = line.indexOf(':');
    if (i < 0) continue;
    const key = line.slice(0, i).trim().toLowerCase();
    // A second "processor" key without a blank line still starts a new block.
    if (key === 'processor' && 'processor' in cur) flush();
    cur[key] = line.slice(i + 1).trim();
  }
  flush();
  return out;
}

/** "Key: value" lines (hwloc-nofile-info, topolens-capture metadata in text form). */
export function parseKeyValues(text: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** A PCI address component of a sysfs path: "0000:3b:00.0", "10000:00:04.0". */
export const PCI_ADDRESS_RE = /^([0-9a-f]{4,8}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i;
/** A root complex component: "pci0000:3a", "pci10000:00". */
export const HOST_BRIDGE_RE = /^pci([0-9a-f]{4,8}):([0-9a-f]{2})$/i;

/** The kernel's pcie_link_speed[]: Current Link Speed / Supported Link Speeds codes in GT/s. */
const LINK_SPEED_CODES = [0, 2.5, 5, 8, 16, 32, 64];

/** What the four sysfs link files would say, decoded from the PCI Express capability. */
export interface ConfigLink {
  /** GT/s, 0 when the kernel would print "Unknown". */
  readonly speed: number;
  readonly width: number;
  readonly maxSpeed: number;
  /** 0 when the kernel would print 255 (PCIE_LNK_WIDTH_UNKNOWN). */
  readonly maxWidth: number;
}

/**
 * current_link_speed/width and max_link_speed/width decoded from config space the way
 * drivers/pci/pci-sysfs.c computes them (the files read these same registers):
 * current = Link Status (CLS bits 3:0, NLW bits 9:4); max speed = the highest bit of
 * Link Capabilities 2's Supported Link Speeds Vector when that register is non-zero
 * (pcie_get_speed_cap), else Link Capabilities' 2.5/5.0 GT/s codes; max width = Link
 * Capabilities' MLW bits 9:4 (pcie_get_width_cap). Link registers of port types without
 * a link (pcie_cap_has_lnkctl: RC integrated endpoints, event collectors) read as 0, and
 * Link Capabilities 2 only exists in a version-2 capability. Null when config space does
 * not hold the capability's link registers (the 64 bytes non-root users get): read the
 * files then.
 */
export function parseConfigLink(cfg: Uint8Array | null, header: ConfigHeader | null): ConfigLink | null {
  const cap = header?.pcieCap ?? null;
  if (!cfg || cap === null || cap + 0x30 > cfg.length) return null;
  const u16 = (o: number) => cfg[cap + o]! | (cfg[cap + o + 1]! << 8);
  const u32 = (o: number) => (u16(o) | (u16(o + 2) << 16)) >>> 0;
  const version = cfg[cap + 2]! & 0x0f;
  const type = (cfg[cap + 2]! >> 4) & 0x0f;
  const hasLink = type <= 1 || (type >= 4 && type <= 8);
  const lnkcap = hasLink ? u32(0x0c) : 0;
  const lnksta = hasLink ? u16(0x12) : 0;
  const lnkcap2 = version > 1 ? u32(0x2c) : 0;
  let maxSpeed = 0;
  if (lnkcap2 !== 0) {
    for (let bit = 6; bit >= 1; bit -= 1) {
      if (lnkcap2 & (1 << bit)) {
        maxSpeed = LINK_SPEED_CODES[bit]!;
        break;
      }
    }
  } else if ((lnkcap & 0xf) === 1 || (lnkcap & 0xf) === 2) maxSpeed = LINK_SPEED_CODES[lnkcap & 0xf]!;
  const width = (lnksta >> 4) & 0x3f;
  const maxWidth = lnkcap === 0 ? 0 : (lnkcap >> 4) & 0x3f;
  return {
    speed: LINK_SPEED_CODES[lnksta & 0xf] ?? 0,
    width: width <= 32 ? width : 0,
    maxSpeed,
    maxWidth: maxWidth <= 32 ? maxWidth : 0,
  };
}

/** A PCI function's `uevent`: the kernel's pci_uevent() and the driver core's DRIVER=. */
export interface PciUevent {
  /** "0x8086", null when the line is missing or malformed. */
  readonly vendorId: string | null;
  readonly deviceId: string | null;
  /** "0x020000". */
  readonly classCode: string | null;
  /** The bound driver's name, null when unbound. */
  readonly driver: string | null;
}

/**
 * Parse `uevent` of a PCI function: `DRIVER=ixgbe`, `PCI_CLASS=20000` (the 24-bit class
 * as %04X), `PCI_ID=8086:10FB`, ... One read gives what `vendor`, `device`, `class` and
 * the `driver` link give in four. Null when the text is not a PCI uevent (no PCI_ID and
 * no PCI_SLOT_NAME line): the caller reads the separate files then.
 */
export function parsePciUevent(text: string | null): PciUevent | null {
  if (text === null) return null;
  let vendorId: string | null = null;
  let deviceId: string | null = null;
  let classCode: string | null = null;
  let driver: string | null = null;
  let pci = false;
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key === 'PCI_ID') {
      pci = true;
      const m = /^([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(value);
      if (m) {
        vendorId = `0x${m[1]!.toLowerCase()}`;
        deviceId = `0x${m[2]!.toLowerCase()}`;
      }
    } else if (key === 'PCI_CLASS') {
      if (/^[0-9a-f]{1,6}$/i.test(value)) classCode = `0x${value.toLowerCase().padStart(6, '0')}`;
    } else if (key === 'PCI_SLOT_NAME') pci = true;
    else if (key === 'DRIVER') driver = /^[^/\0]{1,64}$/.test(value) && value !== '.' && value !== '..' ? value : null;
  }
  return pci ? { vendorId, deviceId, classCode, driver } : null;
}
