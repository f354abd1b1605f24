// Names ↔ ids for PCI functions, against the shipped pci.ids: fills the vendor, device
// and class names an input did not print, and splits lspci's combined "Vendor Device"
// text at the vendor's name. It never overrides a name the input printed, and looks
// nothing up for an id that is unknown (null) or all ones (0xffff: no device answered).
//
// Hook for recovering ids from names (lspci without -nn): `resolveIds` is where a
// record's null vendor/device id may be filled from its printed names; today it only
// passes known ids through.
import type { PciFunctionRecord } from '../records';
import { lookupClassName, lookupPciNames } from '../pci-ids';

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

/** The record's vendor and device ids: as read. (Recovery from names goes here.) */
export function resolveIds(r: PciFunctionRecord): FunctionIds {
  return { vendorId: r.fn.vendorId, deviceId: r.fn.deviceId };
}

/**
 * Vendor and device names: the ones the input printed apart, else its combined text split
 * at the pci.ids vendor name, pci.ids filling every gap.
 */
export function resolveNames(r: PciFunctionRecord, ids: FunctionIds): FunctionNames {
  const { vendorName, deviceName } = r.fn;
  const db = (): FunctionNames => namesFromIds(ids.vendorId, ids.deviceId);
  if (vendorName !== null && deviceName !== null) return { vendorName, deviceName };
  if (vendorName !== null || deviceName !== null) {
    const d = db();
    return { vendorName: vendorName ?? d.vendorName, deviceName: deviceName ?? d.deviceName };
  }
  const text = r.nameText ?? null;
  return text ? splitNameText(text, db()) : db();
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
