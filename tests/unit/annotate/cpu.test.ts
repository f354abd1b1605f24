import { describe, expect, it } from 'vitest';
import { chipFromSocId, decodeMidr, midrFromCpuinfo, parseMidrEl1, summariseCores } from '../../../electron/topology/annotate/cpu';

// MIDR values as the CPUs report them (Arm TRMs; Linux cputype.h).
const CASES: Array<[number, string, string]> = [
  [0x410fd083, 'Arm', 'Cortex-A72'],
  [0x414fd0b1, 'Arm', 'Cortex-A76'],
  [0x413fd0c1, 'Arm', 'Neoverse-N1'],
  [0x410fd490, 'Arm', 'Neoverse-N2'],
  [0x411fd401, 'Arm', 'Neoverse-V1'],
  [0x410fd4f0, 'Arm', 'Neoverse-V2'],
  [0x481fd010, 'HiSilicon', 'TSV110'],
  [0xc00fac30, 'Ampere', 'Ampere-1'],
  [0x431f0af1, 'Cavium', 'ThunderX2'],
  [0x461f0010, 'Fujitsu', 'A64FX'],
];

describe('MIDR decoding', () => {
  it.each(CASES)('0x%s → %s %s', (midr, vendor, uarch) => {
    const d = decodeMidr(midr);
    expect(d.vendor).toBe(vendor);
    expect(d.uarch).toBe(uarch);
  });
  it('names chips where the core tells (Kunpeng 920) and the SoC id where it does not (Grace)', () => {
    expect(decodeMidr(0x481fd010).chip).toBe('HiSilicon Kunpeng 920');
    expect(decodeMidr(0x410fd4f0).chip).toBeNull();
    expect(chipFromSocId('jep106:036b:0241\n')).toBe('NVIDIA Grace');
    expect(chipFromSocId('jep106:0a16:0001')).toBe('Ampere Altra');
  });
  it('rebuilds MIDR from /proc/cpuinfo fields', () => {
    expect(midrFromCpuinfo({ 'cpu implementer': '0x48', 'cpu architecture': '8', 'cpu variant': '0x1', 'cpu part': '0xd01', 'cpu revision': '0' })).toBe(0x481fd010);
    expect(midrFromCpuinfo({ 'vendor_id': 'GenuineIntel' })).toBeNull();
  });
  it('reads midr_el1 (64-bit hex) and rejects junk', () => {
    expect(parseMidrEl1('0x00000000413fd0c1\n')).toBe(0x413fd0c1);
    expect(parseMidrEl1('banana')).toBeNull();
  });
  it('unknown parts keep the vendor', () => {
    expect(decodeMidr(0x41000010)).toMatchObject({ vendor: 'Arm', uarch: null });
    expect(decodeMidr(0x99000010).vendor).toMatch(/implementer 0x99/);
  });
  it('summarises big.LITTLE', () => {
    expect(summariseCores(['Cortex-A76', 'Cortex-A76', 'Cortex-A55'])).toBe('Cortex-A76 ×2 + Cortex-A55 ×1');
  });
});
