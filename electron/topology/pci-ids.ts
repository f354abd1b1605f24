// Name lookups against the shipped pci.ids: the one entry point builders call.
// Lookups are memoised; a missing database yields null names, never an error.
import { indexPciIds, type PciNames } from './parse/pci-ids';
import { reversePciIds, type PciReverseIndex } from './parse/pci-names';
import { loadPciIds, loadPciIdsText } from './sources/pci-ids-file';

const memo = new Map<string, PciNames>();

export function lookupPciNames(
  vendorId: string,
  deviceId: string,
  subVendorId?: string | null,
  subDeviceId?: string | null,
): PciNames {
  const key = `${vendorId}:${deviceId}:${subVendorId ?? ''}:${subDeviceId ?? ''}`;
  let hit = memo.get(key);
  if (!hit) {
    const db = loadPciIds();
    hit = db ? db.lookup(vendorId, deviceId, subVendorId, subDeviceId) : { vendorName: null, deviceName: null };
    memo.set(key, hit);
  }
  return hit;
}

export function lookupClassName(classCode: string): string | null {
  return loadPciIds()?.className(classCode) ?? null;
}


let reverse: PciReverseIndex | null | undefined;

/** Name → id maps over the shipped pci.ids (built on first use); null without the database. */
export function pciReverseIndex(): PciReverseIndex | null {
  if (reverse !== undefined) return reverse;
  const text = loadPciIdsText();
  reverse = text === null ? null : reversePciIds(indexPciIds(text));
  return reverse;
}
