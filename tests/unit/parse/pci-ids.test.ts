import { describe, expect, it } from 'vitest';
import { classNameInIndex, indexPciIds, lookupInIndex, progIfNameInIndex } from '../../../electron/topology/parse/pci-ids';
import { lookupClassName, lookupPciNames } from '../../../electron/topology/pci-ids';

const SAMPLE = `# comment
15b3  Mellanox Technologies
\t1017  MT27800 Family [ConnectX-5]
\t\t15b3 0007  Mellanox ConnectX-5 EN
\t101b  MT28908 Family [ConnectX-6]
8086  Intel Corporation
\t0953  PCIe Data Center SSD
C 01  Mass storage controller
\t08  Non-Volatile memory controller
\t\t02  NVM Express
C 02  Network controller
\t00  Ethernet controller
`;

describe('pci.ids lookups', () => {
  const idx = indexPciIds(SAMPLE);
  it('finds vendor, device and subsystem names', () => {
    expect(lookupInIndex(idx, '0x15b3', '0x1017', '0x15b3', '0x0007')).toEqual({
      vendorName: 'Mellanox Technologies',
      deviceName: 'MT27800 Family [ConnectX-5]',
      subsystemName: 'Mellanox ConnectX-5 EN',
    });
    expect(lookupInIndex(idx, '0x15b3', '0x101b').deviceName).toBe('MT28908 Family [ConnectX-6]');
  });
  it('does not take a device of the next vendor', () => {
    expect(lookupInIndex(idx, '0x15b3', '0x0953').deviceName).toBeNull();
    expect(lookupInIndex(idx, '0xdead', '0x0953')).toEqual({ vendorName: null, deviceName: null });
  });
  it('names classes and prog-ifs', () => {
    expect(classNameInIndex(idx, '0x010802')).toBe('Non-Volatile memory controller');
    expect(progIfNameInIndex(idx, '0x010802')).toBe('NVM Express');
    expect(classNameInIndex(idx, '0x020000')).toBe('Ethernet controller');
    expect(classNameInIndex(idx, '0x0f0000')).toBeNull();
  });
  it('ships a real database (Debian pci.ids 2023.04.10)', () => {
    expect(lookupPciNames('0x15b3', '0x101b').deviceName).toBe('MT28908 Family [ConnectX-6]');
    expect(lookupPciNames('0x19e5', '0xa222').vendorName).toMatch(/Huawei/);
    expect(lookupClassName('0x060400')).toBe('PCI bridge');
  });
});
