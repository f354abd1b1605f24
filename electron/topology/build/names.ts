// Names ↔ ids for PCI functions, against the shipped pci.ids: fills the vendor, device
// and class names an input did not print, and splits lspci's combined "Vendor Device"
// text at the vendor's name. It never overrides a name the input printed, and looks
// nothing up for an id that is unknown (null) or all ones (0xffff: no device answered).
//
// Ids recovered from names (lspci without -nn): `resolveIds` fills a record's null
// vendor/device/subsystem id and class code from the names it printed, through the reverse
// pci.ids lookups of parse/pci-names.ts; a name pci.ids lacks, or gives to several ids,
// leaves the id null and says why (never a guess).
import type { PciFunctionRecord } from '../records';
import { lookupClassName, lookupPciNames, pciReverseIndex } from '../pci-ids';
import { resolveClassName, resolveNamePair, resolveSubsystem, resolveVendorAndDevice, type PciReverseIndex, type ResolvedIds } from '../parse/pci-names';

export interface FunctionNames {
  readonly vendorName: string | null;
  readonly deviceName: string | null;
}

export interface FunctionIds {
  readonly vendorId: string | null;
  readonly deviceId: string | null;
}

const NO_NAMES: FunctionNames = { vendorName: null, deviceName: null };
/** What a config read returns when no function answers; pci.ids calls it "Illegal Vendor ID". */
const ALL_ONES = '0xffff';

/** pci.ids names for "0x8086"/"0x1533"; none for an unknown or all-ones id, or a lookup that fails. */
export function namesFromIds(vendorId: string | null, deviceId: string | null): FunctionNames {
  if (!vendorId || !deviceId || vendorId === ALL_ONES) return NO_NAMES;
  try {
    return lookupPciNames(vendorId, deviceId);
  } catch {
    return NO_NAMES;
  }
}

/** Ids and class code a function ends with, and what could not be recovered (for a diagnostic). */
export interface RecoveredIds extends FunctionIds {
  readonly classCode: string | null;
  readonly subsystemVendorId: string | null;
  readonly subsystemDeviceId: string | null;
  /** Why an id or the class stayed unknown; empty when nothing was missing or all was recovered. */
  readonly problems: readonly string[];
  /** Whether anything was taken from names (the caller says so once per input). */
  readonly recovered: boolean;
  /** The printed "Vendor Device" text split where pci.ids' vendor name ends, when it was split. */
  readonly split?: { readonly vendorName: string | null; readonly deviceName: string | null };
}

const hex = (id: string | null): string | null => (id === null ? null : `0x${id}`);

/** The vendor/device pair a record's printed names give: split text, or names printed apart. */
function idsFromNames(rx: PciReverseIndex, r: PciFunctionRecord): ResolvedIds | null {
  if (r.nameText) return resolveNamePair(rx, r.nameText);
  if (r.fn.vendorName !== null) return resolveVendorAndDevice(rx, r.fn.vendorName, r.fn.deviceName);
  return null;
}

/**
 * The record's ids: as read, else recovered from its printed names (vendor + device,
 * class name + prog-if, subsystem text). Ids the input showed are never replaced.
 */
export function resolveIds(r: PciFunctionRecord): RecoveredIds {
  const f = r.fn;
  let { vendorId, deviceId, classCode } = f;
  let subsystemVendorId = f.subsystemVendorId ?? null;
  let subsystemDeviceId = f.subsystemDeviceId ?? null;
  const problems: string[] = [];
  let recovered = false;
  let split: RecoveredIds['split'];
  const needIds = vendorId === null || deviceId === null;
  const needClass = classCode === null && !!f.className;
  const needSub = subsystemVendorId === null && !!r.subsystemText;
  if (!needIds && !needClass && !needSub) return { vendorId, deviceId, classCode, subsystemVendorId, subsystemDeviceId, problems, recovered };
  const rx = pciReverseIndex();
  if (!rx) {
    problems.push('the pci.ids database is missing, so no id could be recovered from the names');
    return { vendorId, deviceId, classCode, subsystemVendorId, subsystemDeviceId, problems, recovered };
  }
  if (needIds) {
    const got = idsFromNames(rx, r);
    if (!got) problems.push('the input shows neither the vendor/device ids nor their names');
    else {
      if (r.nameText) split = { vendorName: got.vendorName, deviceName: got.deviceName };
      if (vendorId === null && got.vendorId !== null) { vendorId = hex(got.vendorId); recovered = true; }
      if (deviceId === null && got.deviceId !== null) { deviceId = hex(got.deviceId); recovered = true; }
      if (got.problem) problems.push(got.problem);
    }
  }
  if (needClass) {
    const c = resolveClassName(rx, f.className!, r.printedProgIf ?? null);
    if (c.classCode !== null) { classCode = hex(c.classCode); recovered = true; }
    else if (c.problem) problems.push(c.problem);
  }
  if (needSub) {
    const s = resolveSubsystem(rx, r.subsystemText!, vendorId?.slice(2) ?? null, deviceId?.slice(2) ?? null);
    subsystemVendorId = hex(s.subsystemVendorId);
    subsystemDeviceId = hex(s.subsystemDeviceId);
  }
  return { vendorId, deviceId, classCode, subsystemVendorId, subsystemDeviceId, problems, recovered, ...(split ? { split } : {}) };
}

/**
 * Vendor and device names: the ones the input printed apart, else its combined text split
 * at the pci.ids vendor name, pci.ids filling every gap.
 */
export function resolveNames(r: PciFunctionRecord, ids: FunctionIds & Pick<RecoveredIds, 'split'>): FunctionNames {
  const { vendorName, deviceName } = r.fn;
  const db = (): FunctionNames => namesFromIds(ids.vendorId, ids.deviceId);
  if (vendorName !== null && deviceName !== null) return { vendorName, deviceName };
  if (vendorName !== null || deviceName !== null) {
    const d = db();
    return { vendorName: vendorName ?? d.vendorName, deviceName: deviceName ?? d.deviceName };
  }
  const text = r.nameText ?? null;
  if (text && ids.split) return splitByReverseLookup(ids.split, db());
  return text ? splitNameText(text, db()) : db();
}

/**
 * Names from the split the reverse lookup made: the vendor as pci.ids spells it, the
 * device as printed unless lspci printed only "Device 1234" (then pci.ids' name, if any).
 */
function splitByReverseLookup(split: NonNullable<RecoveredIds['split']>, db: FunctionNames): FunctionNames {
  const dev = split.deviceName;
  const placeholder = dev === null || /^Device [0-9a-f]{4}$/i.test(dev);
  return { vendorName: split.vendorName ?? db.vendorName, deviceName: placeholder ? db.deviceName : dev };
}

/**
 * lspci's "Vendor Device" text. "Device" alone (or as the device part) is what lspci
 * prints for an id its pci.ids lacks: then pci.ids here names it. When the text does not
 * start with our vendor name (the capture's pci.ids spelled it differently), the whole
 * text is kept as the device name.
 */
export function splitNameText(text: string, db: FunctionNames): FunctionNames {
  if (db.vendorName && text.startsWith(`${db.vendorName} `)) {
    const rest = text.slice(db.vendorName.length + 1).trim();
    return { vendorName: db.vendorName, deviceName: rest && rest !== 'Device' ? rest : db.deviceName };
  }
  if (text === 'Device') return db;
  if (text.endsWith(' Device')) return { vendorName: text.slice(0, -' Device'.length), deviceName: db.deviceName };
  return { vendorName: db.vendorName, deviceName: text };
}

const classMemo = new Map<string, string | null>();

/** The class name (subclass, else class) of "0x020000"; memoised (10k functions have a few dozen classes). */
export function classNameOf(classCode: string): string | null {
  let hit = classMemo.get(classCode);
  if (hit === undefined) {
    hit = lookupClassName(classCode);
    classMemo.set(classCode, hit);
  }
  return hit;
}
