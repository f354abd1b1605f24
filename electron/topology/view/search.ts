// Search over devices by address (full or short), vendor/device/class names, ids,
// driver, OS device names (netdev, nvme/block, rdma...) and roles. Pure.
import type { PciDevice } from '../model';

/** The text a device is searched by, lower-cased. */
export function searchText(d: PciDevice): string {
  const parts = [
    d.address,
    d.address.replace(/^0000:/, ''),
    d.vendorName ?? '',
    d.deviceName ?? '',
    d.className ?? '',
    `${(d.vendorId ?? '?').replace(/^0x/, '')}:${(d.deviceId ?? '?').replace(/^0x/, '')}`,
    d.driver ?? '',
    d.driverOverride ?? '',
    ...d.osDevices.flatMap((o) => [o.name, o.via ?? '']),
    ...d.roles,
    d.slot ?? '',
  ];
  return parts.join(' \u0001 ').toLowerCase();
}

/** True when every whitespace-separated word of the query occurs in the device's text. */
export function matchDevice(d: PciDevice, query: string, text = searchText(d)): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return words.length > 0 && words.every((w) => text.includes(w));
}

/** Addresses of the devices matching a query, in model order. */
export function searchDevices(devices: readonly PciDevice[], query: string): string[] {
  return devices.filter((d) => matchDevice(d, query)).map((d) => d.address);
}
