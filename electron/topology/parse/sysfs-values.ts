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
  const m = /^\s*x?(\d{1,2})\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}

/** `nodeN/meminfo` → MemTotal in bytes. */
export function parseNodeMemTotal(text: string | null): number | null {
  if (text === null) return null;
  const m = /MemTotal:\s+(\d+)\s*kB/i.exec(text);
  return m ? Number(m[1]) * 1024 : null;
}

/** `/proc/meminfo` → MemTotal in bytes. */
export function parseMemTotal(text: string | null): number | null {
  return parseNodeMemTotal(text);
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
  // Capabilities list: status bit 4, pointer at 0x34 (bridges too).
  if (cfg.length > 64 && (cfg[0x06]! & 0x10) !== 0) {
    let ptr = cfg[0x34]! & 0xfc;
    for (let guard = 0; ptr >= 0x40 && ptr + 3 < cfg.length && guard < 48; guard += 1) {
      if (cfg[ptr] === 0x10) {
        pcieType = (cfg[ptr + 2]! >> 4) & 0x0f;
        break;
      }
      ptr = cfg[ptr + 1]! & 0xfc;
    }
  }
  return {
    headerType,
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
