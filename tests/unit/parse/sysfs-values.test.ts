import { describe, expect, it } from 'vitest';
import {
  formatLinkSpeed,
  parseConfigHeader,
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
