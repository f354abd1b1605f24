import { describe, expect, it } from 'vitest';
import {
  formatLinkSpeed,
  parseConfigHeader,
  parseConfigLink,
  parsePciUevent,
  parseCpuinfo,
  parseDistances,
  parseHexId,
  parseIntValue,
  parseLinkSpeed,
  parseLinkWidth,
  parseNodeMemTotal,
} from '../../../electron/topology/parse/sysfs-values';

describe('sysfs values', () => {
  it('ids', () => {
    expect(parseHexId('0x8086\n')).toBe('0x8086');
    expect(parseHexId('0x15B3')).toBe('0x15b3');
    expect(parseHexId('0x020000', 6)).toBe('0x020000');
    expect(parseHexId('8086')).toBeNull();
    expect(parseHexId('0x123456789')).toBeNull();
    expect(parseHexId(null)).toBeNull();
  });
  it('integers', () => {
    expect(parseIntValue('-1\n')).toBe(-1);
    expect(parseIntValue('garbage')).toBeNull();
    expect(parseIntValue('1e9')).toBeNull();
  });
  it('link speeds in every kernel spelling', () => {
    expect(parseLinkSpeed('8 GT/s')).toBe(8);
    expect(parseLinkSpeed('8.0 GT/s PCIe\n')).toBe(8);
    expect(parseLinkSpeed('2.5 GT/s PCIe')).toBe(2.5);
    expect(parseLinkSpeed('Unknown')).toBe(0);
    expect(parseLinkSpeed('Unknown speed')).toBe(0);
    expect(parseLinkSpeed('fast')).toBeNull();
    expect(formatLinkSpeed(2.5)).toBe('2.5 GT/s');
    expect(formatLinkSpeed(16)).toBe('16 GT/s');
    expect(parseLinkWidth('16\n')).toBe(16);
    expect(parseLinkWidth('x8')).toBe(8);
    expect(parseLinkWidth('wide')).toBeNull();
  });
  it('node meminfo and distances', () => {
    expect(parseNodeMemTotal('Node 0 MemTotal:       16747124 kB\nNode 0 MemFree: 1 kB')).toBe(16747124 * 1024);
    expect(parseNodeMemTotal('nothing')).toBeNull();
    expect(parseDistances('10 21\n')).toEqual([10, 21]);
    expect(parseDistances('10 abc')).toBeNull();
  });
  it('config header: bridge bus numbers from the first 64 bytes, port type from the capability', () => {
    const cfg = new Uint8Array(256);
    cfg[0x0e] = 0x01; // type 1 header
    cfg[0x18] = 0x00;
    cfg[0x19] = 0x3b;
    cfg[0x1a] = 0x3c;
    expect(parseConfigHeader(cfg.subarray(0, 64))).toMatchObject({ isBridge: true, secondaryBus: 0x3b, subordinateBus: 0x3c, pcieType: null });
    cfg[0x06] = 0x10; // capability list
    cfg[0x34] = 0x40;
    cfg[0x40] = 0x01; // PM cap
    cfg[0x41] = 0x60;
    cfg[0x60] = 0x10; // PCIe cap
    cfg[0x61] = 0x00;
    cfg[0x62] = 0x42; // version 2, type 4 = root port
    expect(parseConfigHeader(cfg)!.pcieType).toBe(4);
    // A capability loop must not hang.
    cfg[0x61] = 0x40;
    cfg[0x60] = 0x05;
    expect(parseConfigHeader(cfg)!.pcieType).toBeNull();
    expect(parseConfigHeader(new Uint8Array(10))).toBeNull();
  });
  it('cpuinfo blocks', () => {
    const recs = parseCpuinfo('processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n\nprocessor\t: 1\nCPU part\t: 0xd0c\n');
    expect(recs).toHaveLength(2);
    expect(recs[0]!['cpu implementer']).toBe('0x41');
  });
});

describe('link state from config space (pci-sysfs.c rules)', () => {
  /** 256 bytes of config space with a PCIe capability at 0x40 of the given type/version. */
  function cfg(type: number, version: number, regs: { lnkcap?: number; lnksta?: number; lnkcap2?: number }) {
    const b = new Uint8Array(256);
    b[0x06] = 0x10; // capability list
    b[0x34] = 0x40;
    b[0x40] = 0x10;
    b[0x42] = (type << 4) | version;
    const put32 = (o: number, v: number) => { for (let i = 0; i < 4; i += 1) b[0x40 + o + i] = (v >>> (8 * i)) & 0xff; };
    put32(0x0c, regs.lnkcap ?? 0);
    b[0x52] = (regs.lnksta ?? 0) & 0xff;
    b[0x53] = (regs.lnksta ?? 0) >> 8;
    put32(0x2c, regs.lnkcap2 ?? 0);
    return b;
  }
  const decode = (b: Uint8Array) => parseConfigLink(b, parseConfigHeader(b));
  it('endpoint: status for current, Link Capabilities 2 vector for max speed', () => {
    // Gen4 x16 capable (SLS vector bits 1..4), trained Gen3 x8.
    expect(decode(cfg(0, 2, { lnkcap: 0x104, lnksta: 0x83, lnkcap2: 0x1e }))).toEqual({ speed: 8, width: 8, maxSpeed: 16, maxWidth: 16 });
  });
  it('no Link Capabilities 2: only the 2.5 and 5.0 GT/s codes count, as pcie_get_speed_cap', () => {
    expect(decode(cfg(0, 1, { lnkcap: 0x42, lnksta: 0x41, lnkcap2: 0x1e }))).toEqual({ speed: 2.5, width: 4, maxSpeed: 5, maxWidth: 4 });
    expect(decode(cfg(0, 2, { lnkcap: 0x43 }))!.maxSpeed).toBe(0);
  });
  it('RC integrated endpoints have no link registers; Link Capabilities 0 is width 255 (unknown)', () => {
    expect(decode(cfg(9, 2, { lnkcap: 0x104, lnksta: 0x83 }))).toEqual({ speed: 0, width: 0, maxSpeed: 0, maxWidth: 0 });
    expect(parseLinkWidth('255\n')).toBe(0);
  });
  it('reserved speed codes and widths beyond x32 are unknown', () => {
    expect(decode(cfg(4, 2, { lnkcap: 0x3f0 | 0xf, lnksta: 0x3f0 | 0xf }))).toEqual({ speed: 0, width: 0, maxSpeed: 0, maxWidth: 0 });
  });
  it('null without the link registers (64-byte config of a non-root reader, no PCIe capability)', () => {
    expect(decode(cfg(0, 2, {}).subarray(0, 64))).toBeNull();
    expect(decode(cfg(0, 2, {}).subarray(0, 0x60))).toBeNull();
    const plain = new Uint8Array(256);
    expect(decode(plain)).toBeNull();
  });
});

describe('PCI uevent', () => {
  it('reads what pci_uevent and the driver core write', () => {
    const t = 'DRIVER=ixgbe\nPCI_CLASS=20000\nPCI_ID=8086:10FB\nPCI_SUBSYS_ID=8086:000C\nPCI_SLOT_NAME=0000:03:00.0\nMODALIAS=pci:v00008086d000010FBsv00008086sd0000000Cbc02sc00i00\n';
    expect(parsePciUevent(t)).toEqual({ vendorId: '0x8086', deviceId: '0x10fb', classCode: '0x020000', driver: 'ixgbe' });
    expect(parsePciUevent('PCI_CLASS=60400\nPCI_ID=1022:1483\nPCI_SLOT_NAME=0000:00:01.1\n')).toEqual({ vendorId: '0x1022', deviceId: '0x1483', classCode: '0x060400', driver: null });
  });
  it('not a PCI uevent, or malformed lines: null fields, the files answer', () => {
    expect(parsePciUevent('MAJOR=8\nMINOR=0\nDEVNAME=sda\n')).toBeNull();
    expect(parsePciUevent(null)).toBeNull();
    expect(parsePciUevent('PCI_ID=80861:10FB\nPCI_CLASS=zz\nDRIVER=../x\nPCI_SLOT_NAME=0000:03:00.0')).toEqual({ vendorId: null, deviceId: null, classCode: null, driver: null });
  });
});
