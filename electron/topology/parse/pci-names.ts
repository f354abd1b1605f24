// Reverse pci.ids lookups: the vendor, device, subsystem and class IDs behind the names
// that `lspci` prints without `-nn` ("Intel Corporation Ethernet Controller X710 for
// 10GBASE-T", "3D controller", "Subsystem: Dell Device 1f3f"). Pure: it is handed the
// pci.ids text index. It never guesses: a name that pci.ids does not hold, or holds under
// more than one ID, resolves to null with the reason, for the caller's diagnostic.
//
// The printed forms follow pciutils lib/names.c (format_name, format_name_pair):
//   vendor+device  "V D" | "V Device dddd" (device unknown to lspci) | "Device vvvv:dddd" (vendor unknown)
//   vendor alone   "V" | "Vendor vvvv";  device alone "D" | "Device dddd"
//   class          subclass name | "Class name [ccss]" (only the class known) | "Class ccss"
//   subsystem      "SV SD" | "SV Device ssss" | "Device svvv:ssss"; SD may also be the device's own
//                  name (udev hwdb answers a subsystem with the device's entry)
// lspci may have used another pci.ids version than ours: names it knew and we do not stay null.
import { classEntries, devicesOf, subsystemLines, type PciIdsIndex } from './pci-ids';

/** Name → IDs maps built from a PciIdsIndex (devices per vendor on first use). */
export interface PciReverseIndex {
  readonly idx: PciIdsIndex;
  /** Exact vendor name → vendor ids (4 lowercase hex); 47 names in pci.ids belong to several ids. */
  readonly vendorsByName: ReadonlyMap<string, readonly string[]>;
  /** Case- and space-folded vendor name → ids, for pastes whose spacing or case changed. */
  readonly vendorsByFolded: ReadonlyMap<string, readonly string[]>;
  /** Subclass name → "ccss"; class name → "cc". */
  readonly subclassByName: ReadonlyMap<string, readonly string[]>;
  readonly classByName: ReadonlyMap<string, readonly string[]>;
}

const fold = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();

function push<K>(m: Map<K, string[]>, k: K, v: string): void {
  const xs = m.get(k);
  if (!xs) m.set(k, [v]);
  else if (!xs.includes(v)) xs.push(v);
}

/** Build the reverse maps (vendors and classes; a vendor's devices are read when first asked). */
export function reversePciIds(idx: PciIdsIndex): PciReverseIndex {
  const vendorsByName = new Map<string, string[]>();
  const vendorsByFolded = new Map<string, string[]>();
  for (const [id, at] of idx.vendorAt) {
    const name = vendorNameAt(idx, at);
    push(vendorsByName, name, id);
    push(vendorsByFolded, fold(name), id);
  }
  const subclassByName = new Map<string, string[]>();
  const classByName = new Map<string, string[]>();
  for (const [key, name] of classEntries(idx)) {
    if (key.length === 2) push(classByName, name, key);
    else if (key.length === 4) push(subclassByName, name, key);
  }
  return { idx, vendorsByName, vendorsByFolded, subclassByName, classByName };
}

function vendorNameAt(idx: PciIdsIndex, at: number): string {
  const end = idx.text.indexOf('\n', at);
  return idx.text.slice(at + 4, end < 0 ? idx.text.length : end).trim();
}

const deviceNameTables = new WeakMap<PciReverseIndex, Map<string, { exact: Map<string, string[]>; folded: Map<string, string[]> }>>();

/** One vendor's device names → device ids (exact and folded). */
function deviceNames(rx: PciReverseIndex, vendorId: string): { exact: Map<string, string[]>; folded: Map<string, string[]> } {
  let perVendor = deviceNameTables.get(rx);
  if (!perVendor) deviceNameTables.set(rx, (perVendor = new Map()));
  let t = perVendor.get(vendorId);
  if (t) return t;
  t = { exact: new Map(), folded: new Map() };
  const at = rx.idx.vendorAt.get(vendorId);
  if (at !== undefined) {
    const text = rx.idx.text;
    const lineEnd = text.indexOf('\n', at);
    if (lineEnd > 0) {
      for (const [id, pos] of devicesOf(rx.idx, at, lineEnd)) {
        let end = text.indexOf('\n', pos);
        if (end < 0) end = text.length;
        const name = text.slice(pos + 5, end).trim();
        push(t.exact, name, id);
        push(t.folded, fold(name), id);
      }
    }
  }
  perVendor.set(vendorId, t);
  return t;
}

/** The outcome of one reverse lookup: ids (4 lowercase hex, no 0x) or null with why. */
export interface ResolvedIds {
  readonly vendorId: string | null;
  readonly deviceId: string | null;
  /** The names split as pci.ids spells them (vendorName also when the device stays unknown). */
  readonly vendorName: string | null;
  readonly deviceName: string | null;
  /** Why an id stayed null (absent from our pci.ids, or held by several ids); null when all resolved. */
  readonly problem: string | null;
}

const HEX4 = /^[0-9a-fA-F]{4}$/;
const UNKNOWN_VENDOR_RE = /^Device ([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$/;
const UNKNOWN_DEVICE_RE = /^Device ([0-9a-fA-F]{4})$/;

/** Vendor ids for a printed vendor name ("Intel Corporation", "Vendor 8086"). */
export function vendorIdsForName(rx: PciReverseIndex, name: string): readonly string[] {
  const m = /^Vendor ([0-9a-fA-F]{4})$/.exec(name.trim());
  if (m) return [m[1]!.toLowerCase()];
  return rx.vendorsByName.get(name.trim()) ?? rx.vendorsByFolded.get(fold(name)) ?? [];
}

/** Device ids of one vendor for a printed device name ("Device 14a4" included). */
export function deviceIdsForName(rx: PciReverseIndex, vendorId: string, name: string): readonly string[] {
  const m = UNKNOWN_DEVICE_RE.exec(name.trim());
  if (m) return [m[1]!.toLowerCase()];
  const t = deviceNames(rx, vendorId);
  return t.exact.get(name.trim()) ?? t.folded.get(fold(name)) ?? [];
}

const ids = (xs: readonly string[]): string => xs.map((x) => `0x${x}`).join(', ');

/** Resolve a vendor name and a device name printed separately (`lspci -vmm`, `-mm`). */
export function resolveVendorAndDevice(rx: PciReverseIndex, vendorName: string, deviceName: string | null): ResolvedIds {
  const vs = vendorIdsForName(rx, vendorName);
  if (vs.length === 0) {
    return { vendorId: null, deviceId: null, vendorName, deviceName, problem: `vendor "${vendorName}" is not in the pci.ids topolens ships` };
  }
  const pairs = vs.flatMap((v) => (deviceName === null ? [] : deviceIdsForName(rx, v, deviceName).map((d) => [v, d] as const)));
  return pickPair(vs, pairs, vendorName, deviceName);
}

/** Choose among the (vendor, device) pairs that fit; a vendor alone when only it is certain. */
function pickPair(
  vendors: readonly string[],
  pairs: readonly (readonly [string, string])[],
  vendorName: string,
  deviceName: string | null,
): ResolvedIds {
  if (pairs.length === 1) return { vendorId: pairs[0]![0], deviceId: pairs[0]![1], vendorName, deviceName, problem: null };
  const pairVendors = [...new Set(pairs.map((p) => p[0]))];
  const vendorId = pairVendors.length === 1 ? pairVendors[0]! : pairs.length === 0 && vendors.length === 1 ? vendors[0]! : null;
  let problem: string;
  if (pairs.length > 1) {
    problem = `"${vendorName} ${deviceName}" matches ${pairs.length} pci.ids entries (${pairs.map(([v, d]) => `${v}:${d}`).join(', ')})`;
  } else if (deviceName === null) {
    problem = vendors.length > 1 ? `vendor "${vendorName}" is held by several ids (${ids(vendors)})` : 'no device name printed';
  } else if (vendors.length > 1) {
    problem = `vendor "${vendorName}" is held by several ids (${ids(vendors)}) and none lists device "${deviceName}"`;
  } else {
    problem = `device "${deviceName}" is not listed under vendor 0x${vendors[0]} in the pci.ids topolens ships`;
  }
  if (deviceName === null && vendors.length === 1) return { vendorId: vendors[0]!, deviceId: null, vendorName, deviceName, problem: null };
  return { vendorId, deviceId: null, vendorName, deviceName, problem };
}

/**
 * Split and resolve a printed "Vendor Device" pair. Every vendor name that prefixes the
 * text at a word boundary is a candidate; the pair resolves when exactly one
 * (vendor, device) entry of pci.ids spells the whole text.
 */
export function resolveNamePair(rx: PciReverseIndex, text: string): ResolvedIds {
  const t = text.replace(/\s+/g, ' ').trim();
  const unknownVendor = UNKNOWN_VENDOR_RE.exec(t);
  if (unknownVendor) {
    return { vendorId: unknownVendor[1]!.toLowerCase(), deviceId: unknownVendor[2]!.toLowerCase(), vendorName: null, deviceName: null, problem: null };
  }
  const splits: { vendor: string; ids: readonly string[]; device: string }[] = [];
  for (let i = t.indexOf(' '); i > 0; i = t.indexOf(' ', i + 1)) {
    const vs = vendorIdsForName(rx, t.slice(0, i));
    if (vs.length > 0) splits.push({ vendor: t.slice(0, i), ids: vs, device: t.slice(i + 1) });
  }
  const whole = vendorIdsForName(rx, t);
  if (splits.length === 0) {
    if (whole.length === 1) return { vendorId: whole[0]!, deviceId: null, vendorName: t, deviceName: null, problem: 'no device name printed' };
    return { vendorId: null, deviceId: null, vendorName: null, deviceName: t, problem: `no vendor name of the pci.ids topolens ships begins "${t}"` };
  }
  const pairs: { split: (typeof splits)[number]; pair: readonly [string, string] }[] = [];
  for (const s of splits) for (const v of s.ids) for (const d of deviceIdsForName(rx, v, s.device)) pairs.push({ split: s, pair: [v, d] });
  if (pairs.length === 1) {
    const { split, pair } = pairs[0]!;
    return { vendorId: pair[0], deviceId: pair[1], vendorName: split.vendor, deviceName: split.device, problem: null };
  }
  if (pairs.length > 1) {
    const one = pairs[0]!.split;
    const sameSplit = pairs.every((p) => p.split === one);
    return pickPair(sameSplit ? one.ids : [], pairs.map((p) => p.pair), sameSplit ? one.vendor : t, sameSplit ? one.device : '');
  }
  // No entry spells the device: the vendor is known only when one vendor name fits.
  const vendorIds = [...new Set(splits.flatMap((s) => s.ids))];
  if (splits.length === 1) return pickPair(splits[0]!.ids, [], splits[0]!.vendor, splits[0]!.device);
  return {
    vendorId: null, deviceId: null, vendorName: null, deviceName: t,
    problem: `"${t}" begins with ${splits.length} vendor names of pci.ids (${splits.map((s) => `"${s.vendor}"`).join(', ')}: ${ids(vendorIds)}) and no device entry spells the rest`,
  };
}

/** A resolved class: "ccss" or "ccsspp" (no 0x), or null with why. */
export interface ResolvedClass {
  /** 4 hex digits (class + subclass) when the prog-if was not printed, else 6. */
  readonly classCode: string | null;
  readonly problem: string | null;
}

/**
 * The class code behind a printed class name and prog-if: "Ethernet controller" → 0200,
 * "Mass storage controller [0180]" (lspci's form when only the class is known) → 0180,
 * "Class ff00" → ff00; the prog-if byte `progIf` ("02") completes it when printed.
 */
export function resolveClassName(rx: PciReverseIndex, className: string, progIf: string | null): ResolvedClass {
  const name = className.replace(/\s+/g, ' ').trim();
  let sub: string | null = null;
  const numbered = /^(?:Class|(.*)) \[?([0-9a-fA-F]{4})\]?$/.exec(name);
  if (numbered && (numbered[1] === undefined || /\[/.test(name))) sub = numbered[2]!.toLowerCase();
  let problem: string | null = null;
  if (!sub) {
    const subs = rx.subclassByName.get(name) ?? [];
    if (subs.length === 1) sub = subs[0]!;
    else problem = subs.length > 1
      ? `class name "${name}" belongs to ${subs.length} subclasses (${subs.map((s) => `0x${s}`).join(', ')})`
      : `class name "${name}" is not a subclass in the pci.ids topolens ships`;
  }
  if (!sub) return { classCode: null, problem };
  if (progIf !== null && /^[0-9a-fA-F]{2}$/.test(progIf)) return { classCode: sub + progIf.toLowerCase(), problem: null };
  return { classCode: sub, problem: null };
}

/** Subsystem ids from `Subsystem: ...` given the function's own ids (either may be null). */
export function resolveSubsystem(
  rx: PciReverseIndex,
  text: string,
  vendorId: string | null,
  deviceId: string | null,
): { subsystemVendorId: string | null; subsystemDeviceId: string | null } {
  const t = text.replace(/\s+/g, ' ').trim();
  const unknownVendor = UNKNOWN_VENDOR_RE.exec(t);
  if (unknownVendor) return { subsystemVendorId: unknownVendor[1]!.toLowerCase(), subsystemDeviceId: unknownVendor[2]!.toLowerCase() };
  const found: [string, string | null][] = [];
  for (let i = t.indexOf(' '); i > 0; i = t.indexOf(' ', i + 1)) {
    const rest = t.slice(i + 1);
    for (const sv of vendorIdsForName(rx, t.slice(0, i))) {
      const m = UNKNOWN_DEVICE_RE.exec(rest);
      if (m) { found.push([sv, m[1]!.toLowerCase()]); continue; }
      const sds = vendorId && deviceId ? subsystemIdsForName(rx, vendorId, deviceId, sv, rest) : [];
      if (sds.length === 1) found.push([sv, sds[0]!]);
      else found.push([sv, null]);
    }
  }
  const exact = found.filter((f) => f[1] !== null);
  const pick = exact.length === 1 ? exact : found.length === 1 ? found : [];
  return pick.length === 1 ? { subsystemVendorId: pick[0]![0], subsystemDeviceId: pick[0]![1] } : { subsystemVendorId: null, subsystemDeviceId: null };
}

/** Subsystem device ids under (vendor, device) whose subsystem vendor is `sv` and name is `name`. */
function subsystemIdsForName(rx: PciReverseIndex, vendorId: string, deviceId: string, sv: string, name: string): string[] {
  const at = rx.idx.vendorAt.get(vendorId);
  if (at === undefined) return [];
  const text = rx.idx.text;
  const lineEnd = text.indexOf('\n', at);
  const devAt = lineEnd < 0 ? undefined : devicesOf(rx.idx, at, lineEnd).get(deviceId);
  if (devAt === undefined) return [];
  let end = text.indexOf('\n', devAt);
  if (end < 0) end = text.length;
  const out: string[] = [];
  for (const [key, subName] of subsystemLines(text, end)) {
    if (key.slice(0, 4) === sv && subName === name && HEX4.test(key.slice(5))) out.push(key.slice(5));
  }
  return out;
}
