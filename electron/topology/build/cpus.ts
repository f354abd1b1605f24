// Names CPUs from their MIDR (AArch64): each CPU's vendor (when the input gave none) and
// core micro-architecture, and the machine's CPU model when the input has no model
// name (the chip from the SoC id or the MIDR, then the cores, "Ampere Altra · Arm
// Neoverse-N1 ×80"). The tables are annotate/cpu.ts's; nothing here reads files.
import { chipFromSocId, decodeMidr, summariseCores } from '../annotate/cpu';
import type { Cpu } from '../model';

/** A CPU with its MIDR decoded; unchanged without a MIDR. */
function nameCpu(c: Cpu): Cpu {
  if (!c.midr) return c;
  const dec = decodeMidr(Number(c.midr));
  const uarch = c.uarch ?? dec.uarch;
  return { ...c, vendor: c.vendor ?? dec.vendor, ...(uarch ? { uarch } : {}) };
}

export function nameCpus(cpus: readonly Cpu[]): Cpu[] {
  return cpus.map(nameCpu);
}

/**
 * The machine's CPU model from its cores' MIDRs, for inputs that print no model name:
 * the chip (SoC id, else the MIDR), then vendors and core names. null without a MIDR.
 */
export function cpuModelFromMidr(cpus: readonly Cpu[], socId: string | null): string | null {
  const firstMidr = cpus.find((c) => c.midr)?.midr;
  if (!firstMidr) return null;
  const chip = chipFromSocId(socId) ?? decodeMidr(Number(firstMidr)).chip;
  const vendors = [...new Set(cpus.map((c) => c.vendor).filter(Boolean))];
  const cores = summariseCores(cpus.map((c) => c.uarch ?? (c.midr ? `MIDR ${c.midr}` : null)));
  return [chip, cores ? `${vendors.join('/')} ${cores}` : null].filter(Boolean).join(' · ') || null;
}
