// Names CPU cores from what the hardware says about itself: AArch64 MIDR_EL1
// (implementer/part) and SoC ids, x86 cpuinfo model names. Pure tables; no guessing
// from product names.

import { splitMidr } from '../parse/midr';

// The MIDR parsers live with the other parsers (the sysfs reader uses them); re-exported here.
export { formatMidr, joinMidr, midrFromCpuinfo, parseMidrEl1, splitMidr, type MidrFields } from '../parse/midr';

/** Implementer codes (Arm ARM, MIDR_EL1.Implementer; Linux arch/arm64/include/asm/cputype.h). */
export const IMPLEMENTERS: Readonly<Record<number, string>> = {
  0x41: 'Arm',
  0x42: 'Broadcom',
  0x43: 'Cavium',
  0x46: 'Fujitsu',
  0x48: 'HiSilicon',
  0x4e: 'NVIDIA',
  0x50: 'Applied Micro',
  0x51: 'Qualcomm',
  0x53: 'Samsung',
  0x56: 'Marvell',
  0x61: 'Apple',
  0x69: 'Intel',
  0x6d: 'Microsoft',
  0x70: 'Phytium',
  0xc0: 'Ampere',
};

/** Part numbers per implementer (cputype.h, vendors' TRMs). */
export const PARTS: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  0x41: {
    0xd03: 'Cortex-A53', 0xd04: 'Cortex-A35', 0xd05: 'Cortex-A55', 0xd07: 'Cortex-A57', 0xd08: 'Cortex-A72',
    0xd09: 'Cortex-A73', 0xd0a: 'Cortex-A75', 0xd0b: 'Cortex-A76', 0xd0c: 'Neoverse-N1', 0xd0d: 'Cortex-A77',
    0xd0e: 'Cortex-A76AE', 0xd40: 'Neoverse-V1', 0xd41: 'Cortex-A78', 0xd42: 'Cortex-A78AE', 0xd44: 'Cortex-X1',
    0xd46: 'Cortex-A510', 0xd47: 'Cortex-A710', 0xd48: 'Cortex-X2', 0xd49: 'Neoverse-N2', 0xd4a: 'Neoverse-E1',
    0xd4b: 'Cortex-A78C', 0xd4c: 'Cortex-X1C', 0xd4d: 'Cortex-A715', 0xd4e: 'Cortex-X3', 0xd4f: 'Neoverse-V2',
    0xd80: 'Cortex-A520', 0xd81: 'Cortex-A720', 0xd82: 'Cortex-X4', 0xd84: 'Neoverse-V3', 0xd85: 'Cortex-X925',
    0xd87: 'Cortex-A725', 0xd8e: 'Neoverse-N3',
  },
  0x42: { 0x100: 'Brahma-B53', 0x516: 'ThunderX2 (Vulcan)' },
  0x43: { 0x0a1: 'ThunderX', 0x0a2: 'ThunderX 81xx', 0x0a3: 'ThunderX 83xx', 0x0af: 'ThunderX2', 0x0b8: 'ThunderX3' },
  0x46: { 0x001: 'A64FX', 0x003: 'MONAKA' },
  0x48: { 0xd01: 'TSV110', 0xd02: 'TSV200', 0xd40: 'HIP09' },
  0x4e: { 0x000: 'Denver', 0x003: 'Denver 2', 0x004: 'Carmel', 0x010: 'Olympus' },
  0x50: { 0x000: 'X-Gene' },
  0x51: { 0x800: 'Kryo 2xx Gold', 0x801: 'Kryo 2xx Silver', 0x802: 'Kryo 3xx Gold', 0x803: 'Kryo 3xx Silver', 0x805: 'Kryo 4xx Silver', 0xc00: 'Falkor', 0x001: 'Oryon' },
  0x61: { 0x022: 'M1 Icestorm', 0x023: 'M1 Firestorm', 0x032: 'M2 Blizzard', 0x033: 'M2 Avalanche' },
  0x6d: { 0xd49: 'Azure Cobalt 100 (Neoverse-N2)' },
  0x70: { 0x660: 'FTC660', 0x661: 'FTC661', 0x662: 'FTC662', 0x663: 'FTC663' },
  0xc0: { 0xac3: 'Ampere-1', 0xac4: 'Ampere-1a', 0xac5: 'Ampere-1b' },
};

/** Well-known chips built from those cores, for the machine header. */
const CHIPS: Readonly<Record<string, string>> = {
  '0x48:0xd01': 'HiSilicon Kunpeng 920',
  '0x43:0x0af': 'Cavium/Marvell ThunderX2',
  '0x42:0x516': 'Cavium/Marvell ThunderX2',
  '0x46:0x001': 'Fujitsu A64FX',
  '0xc0:0xac3': 'AmpereOne',
  '0xc0:0xac4': 'AmpereOne',
  '0xc0:0xac5': 'AmpereOne',
};

/**
 * SoC ids (`/sys/devices/soc0/soc_id`, "jep106:BBMM:PPPP" from SMCCC) naming chips
 * whose cores are licensed Arm designs: the core alone cannot tell Grace from any
 * other Neoverse-V2.
 */
const SOCS: Readonly<Record<string, string>> = {
  'jep106:036b:0241': 'NVIDIA Grace',
  'jep106:0a16:0001': 'Ampere Altra',
  'jep106:0a16:0002': 'Ampere Altra Max',
};

export interface CoreName {
  readonly vendor: string;
  readonly uarch: string | null;
  readonly chip: string | null;
}

export function decodeMidr(midr: number): CoreName {
  const f = splitMidr(midr);
  const vendor = IMPLEMENTERS[f.implementer] ?? `implementer 0x${f.implementer.toString(16)}`;
  const uarch = PARTS[f.implementer]?.[f.part] ?? null;
  const chip = CHIPS[`0x${f.implementer.toString(16)}:0x${f.part.toString(16).padStart(3, '0')}`] ?? null;
  return { vendor, uarch, chip };
}

export function chipFromSocId(socId: string | null): string | null {
  if (!socId) return null;
  return SOCS[socId.trim().toLowerCase()] ?? null;
}

/** Summarise core names: "Neoverse-N1 ×64", "Cortex-A76 ×4 + Cortex-A55 ×4". */
export function summariseCores(names: readonly (string | null | undefined)[]): string | null {
  const counts = new Map<string, number>();
  for (const n of names) if (n) counts.set(n, (counts.get(n) ?? 0) + 1);
  if (counts.size === 0) return null;
  return [...counts].map(([n, c]) => `${n} ×${c}`).join(' + ');
}
