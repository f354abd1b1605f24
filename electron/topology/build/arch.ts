// The architecture an input without CPU facts implies (lspci text, NCCL files without
// `arch`): from root-complex devices that exist on one architecture only (Ampere,
// HiSilicon Kunpeng, ThunderX2 and Grace root ports; Intel and AMD host bridges), with the
// ids the input printed or the builder recovered from names. It does not look at
// endpoints (an Intel NIC in an Altra says nothing about the CPU).
import type { PciDevice } from '../model';

interface ArchHint {
  readonly arch: string;
  readonly what: string;
  readonly test: (vendor: string, device: string | null, cls: string) => boolean;
}

/** vendor/device: 4 lowercase hex digits; cls: class + subclass, 4 digits ('' when unknown). */
const ARCH_HINTS: readonly ArchHint[] = [
  { arch: 'aarch64', what: 'Ampere', test: (v, _d, cls) => v === '1def' && cls.startsWith('06') },
  { arch: 'aarch64', what: 'HiSilicon Kunpeng', test: (v, d, cls) => v === '19e5' && d !== null && /^a1[0-9a-f]{2}$/.test(d) && cls.startsWith('06') },
  { arch: 'aarch64', what: 'Cavium/Marvell ThunderX2', test: (v, d, cls) => v === '177d' && d !== null && /^af[0-9a-f]{2}$/.test(d) && cls.startsWith('06') },
  { arch: 'aarch64', what: 'NVIDIA Grace', test: (v, d, cls) => v === '10de' && d !== null && /^22b[0-9a-f]$/.test(d) && cls.startsWith('06') },
  { arch: 'x86_64', what: 'Intel', test: (v, _d, cls) => v === '8086' && cls === '0600' },
  { arch: 'x86_64', what: 'AMD', test: (v, _d, cls) => (v === '1022' || v === '1d94') && cls === '0600' },
];

const bare = (id: string | null): string | null => (id === null ? null : id.replace(/^0x/i, '').toLowerCase());

/**
 * The arch the root-bus devices imply, AArch64 hints first (an Arm server can carry an
 * Intel-made host bridge function, never the reverse); null when none speaks.
 */
export function archFromRootComplexes(devices: readonly PciDevice[], label: string): { arch: string; archSource: string } | null {
  for (const pass of ['aarch64', 'x86_64']) {
    for (const d of devices) {
      if (d.parent !== null) continue;
      const v = bare(d.vendorId);
      if (v === null) continue;
      const dev = bare(d.deviceId);
      const cls = (bare(d.classCode) ?? '').slice(0, 4);
      for (const h of ARCH_HINTS) {
        if (h.arch !== pass || !h.test(v, dev, cls)) continue;
        return { arch: h.arch, archSource: `${label}: ${h.what} ${cls === '0600' ? 'host bridge' : 'root complex device'} ${d.address} [${v}:${dev ?? '?'}]` };
      }
    }
  }
  return weakX86Hint(devices, label);
}

/**
 * When the input printed no classes (an `lspci -t` tree): the first function of a root
 * bus (dd.0 at device 0) made by an x86 CPU vendor, Intel or AMD, is that root complex's
 * own function; Arm, POWER and RISC-V platforms use their own vendors there.
 */
function weakX86Hint(devices: readonly PciDevice[], label: string): { arch: string; archSource: string } | null {
  for (const d of devices) {
    if (d.parent !== null || d.classCode !== null || !/:00\.0$/.test(d.address)) continue;
    const v = bare(d.vendorId);
    if (v !== '8086' && v !== '1022') continue;
    const what = v === '8086' ? 'Intel' : 'AMD';
    return { arch: 'x86_64', archSource: `${label}: ${what} function ${d.address} [${v}:${bare(d.deviceId) ?? '?'}] first on a root bus (class not printed)` };
  }
  return null;
}
