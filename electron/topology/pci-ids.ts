// Name lookups against the shipped pci.ids: the one entry point builders call.
// Lookups are memoised; a missing database yields null names, never an error.
import { classNameInIndex, lookupInIndex, progIfNameInIndex, type PciNames } from './parse/pci-ids';
import { loadPciIds } from './sources/pci-ids-file';

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
    const idx = loadPciIds();
    hit = idx ? lookupInIndex(idx, vendorId, deviceId, subVendorId, subDeviceId) : { vendorName: null, deviceName: null };
    memo.set(key, hit);
  }
  return hit;
}

export function lookupClassName(classCode: string): string | null {
  const idx = loadPciIds();
  return idx ? classNameInIndex(idx, classCode) : null;
}

export function lookupProgIfName(classCode: string): string | null {
  const idx = loadPciIds();
  return idx ? progIfNameInIndex(idx, classCode) : null;
}
