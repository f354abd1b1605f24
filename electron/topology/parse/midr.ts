// AArch64 MIDR_EL1 as the kernel shows it: `cpuN/regs/identification/midr_el1` text or
// /proc/cpuinfo's "CPU implementer/variant/architecture/part/revision" fields, to one
// 32-bit number. Pure; naming cores from it is annotate/cpu.ts's job.

export interface MidrFields {
  readonly implementer: number;
  readonly variant: number;
  readonly architecture: number;
  readonly part: number;
  readonly revision: number;
}

export function splitMidr(midr: number): MidrFields {
  return {
    implementer: (midr >>> 24) & 0xff,
    variant: (midr >>> 20) & 0xf,
    architecture: (midr >>> 16) & 0xf,
    part: (midr >>> 4) & 0xfff,
    revision: midr & 0xf,
  };
}

export function joinMidr(f: MidrFields): number {
  return (((f.implementer & 0xff) << 24) | ((f.variant & 0xf) << 20) | ((f.architecture & 0xf) << 16) | ((f.part & 0xfff) << 4) | (f.revision & 0xf)) >>> 0;
}

export function formatMidr(midr: number): string {
  return `0x${midr.toString(16).padStart(8, '0')}`;
}

/** MIDR from /proc/cpuinfo's "CPU implementer/variant/architecture/part/revision". */
export function midrFromCpuinfo(rec: Record<string, string>): number | null {
  const imp = rec['cpu implementer'];
  const part = rec['cpu part'];
  if (imp === undefined || part === undefined) return null;
  const n = (s: string | undefined) => (s === undefined ? 0 : Number(s.trim()));
  const implementer = n(imp);
  const p = n(part);
  if (!Number.isFinite(implementer) || !Number.isFinite(p)) return null;
  const archField = rec['cpu architecture'];
  // cpuinfo prints "8" for AArch64 (AArch32 kernels print "7"); MIDR's field is 0xf.
  const architecture = archField !== undefined && /^[0-9]+$/.test(archField.trim()) && Number(archField) >= 8 ? 0xf : n(archField) & 0xf;
  return joinMidr({ implementer, variant: n(rec['cpu variant']) & 0xf, architecture, part: p, revision: n(rec['cpu revision']) & 0xf });
}

/** "0x00000000414fd0c1" (midr_el1 is printed as 64 bits) → number. */
export function parseMidrEl1(text: string | null): number | null {
  if (!text) return null;
  const m = /^\s*0x([0-9a-f]{1,16})\s*$/i.exec(text);
  if (!m) return null;
  const v = BigInt(`0x${m[1]}`) & 0xffffffffn;
  return Number(v);
}

