// Short human descriptions of model parts shared by the text, DOT and SVG exports and
// the UI: device labels, link health, byte sizes. Pure.
import type { LinkInfo, PciDevice, PortKind, Snapshot } from '../model';
import { parseCpuList } from '../parse/cpulist';
import { carriedFields } from '../compare/diff';

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

export const PORT_KIND_LABEL: Readonly<Record<PortKind, string>> = {
  endpoint: '',
  'root-port': 'root port',
  'switch-upstream': 'switch upstream port',
  'switch-downstream': 'switch downstream port',
  'pci-bridge': 'PCI bridge',
  'host-bridge': 'host bridge',
  'rc-endpoint': 'RC integrated endpoint',
  'rc-event-collector': 'RC event collector',
};

/** "x8 of x16, 8 GT/s of 16 GT/s (downgraded)", "x16 16 GT/s", "" when unknown. */
export function describeLink(l: LinkInfo | null): string {
  if (!l || (l.width === null && l.speed === null)) return '';
  const w = l.width !== null ? `x${l.width}` : '';
  const s = l.speed ?? '';
  if (!l.downgraded) return [w, s].filter(Boolean).join(' ');
  const ww = l.maxWidth !== null && l.width !== null && l.width < l.maxWidth ? `x${l.width} of x${l.maxWidth}` : w;
  const ms = l.maxSpeed && l.speed && Number.parseFloat(l.speed) < Number.parseFloat(l.maxSpeed) ? `${l.speed} of ${l.maxSpeed}` : s;
  return `${[ww, ms].filter(Boolean).join(', ')} (downgraded)`;
}

/**
 * Usable bytes per second per lane, in GB/s, for a PCIe signalling rate: 8b/10b
 * encoding up to 5 GT/s (Gen1-2), 128b/130b for 8-32 GT/s (Gen3-5), 242/256 FLIT for
 * 64 GT/s (Gen6, FLIT mode: 236 B payload + 6 B DLP per 256 B FLIT, i.e. 242 of 256
 * carry TLP/DLLP bytes). Null for a rate we cannot name.
 */
export function laneGBps(speed: string | null | undefined): number | null {
  const gt = speed ? Number.parseFloat(speed) : Number.NaN;
  if (!Number.isFinite(gt) || gt <= 0) return null;
  const efficiency = gt <= 5 ? 8 / 10 : gt < 64 ? 128 / 130 : 242 / 256;
  return (gt * efficiency) / 8;
}

/** Throughput of a link, one direction, GB/s: lanes × per-lane; null when either is unknown. */
export function linkGBps(speed: string | null | undefined, width: number | null | undefined): number | null {
  const per = laneGBps(speed);
  return per === null || !width ? null : per * width;
}

const gbps = (v: number) => (v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3)).replace(/\.?0+$/, '');

/** "x16 · 16 GT/s ≈ 31.5 GB/s"; only the parts that are known; "" when nothing is. */
export function linkLabel(l: LinkInfo | null): string {
  if (!l) return '';
  const parts = [l.width !== null ? `x${l.width}` : '', l.speed ?? ''].filter(Boolean).join(' · ');
  const bw = linkGBps(l.speed, l.width);
  return bw === null ? parts : `${parts} ≈ ${gbps(bw)} GB/s`;
}

/** The capable link: "x16 · 16 GT/s ≈ 31.5 GB/s" from maxWidth/maxSpeed; "" when unknown. */
export function capableLabel(l: LinkInfo | null): string {
  if (!l) return '';
  return linkLabel({ speed: l.maxSpeed, width: l.maxWidth, maxSpeed: null, maxWidth: null, downgraded: false });
}

/** Details line: current link, and for a downgraded one what it could do ("… — ⚠ downgraded, capable of …"). */
export function linkDetails(l: LinkInfo): string {
  const cur = linkLabel(l) || 'current speed and width not reported';
  const cap = capableLabel(l);
  if (l.downgraded) return `${cur} — ⚠ downgraded${cap ? `, capable of ${cap}` : ''}`;
  return cap && cap !== linkLabel(l) ? `${cur} (device maximum ${cap})` : cur;
}

/** A device's name: "Mellanox Technologies MT28908 Family [ConnectX-6]". */
export function deviceTitle(d: PciDevice): string {
  const v = d.vendorName ?? (d.vendorId ? `vendor ${d.vendorId}` : 'unknown vendor');
  const n = d.deviceName ?? (d.deviceId ? `device ${d.deviceId}` : 'unknown device');
  return `${v} ${n}`;
}

export function shortClass(d: PciDevice): string {
  return d.className ?? (d.classCode ? `class ${d.classCode}` : 'unknown class');
}

/** Device counts per role, most common first. */
export function roleCounts(t: Snapshot): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const d of t.pci.devices) for (const r of d.roles) m.set(r, (m.get(r) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export function cpuCount(list: string | null): number {
  return list ? (parseCpuList(list)?.length ?? 0) : 0;
}

/** "aarch64 · HiSilicon Kunpeng 920 · TSV110 ×128" style machine line. */
export function machineLine(t: Snapshot): string {
  const m = t.machine;
  const parts = [m.hostname ?? 'unknown host', m.arch === 'aarch64' ? 'AArch64 (aarch64)' : m.arch];
  if (m.cpuModel) parts.push(m.cpuModel);
  return parts.join(' · ');
}

/**
 * Whether the input records drivers: not hwloc or NCCL XML, nor lspci without -k (a -tv
 * tree included), by the rule compare uses for the fields a format carries (an lspci -k
 * listing only "Kernel modules" still says no driver is in use). Where it does not, a
 * missing driver is unknown, not "no driver".
 */
export function driversRecorded(t: Snapshot): boolean {
  return carriedFields(t).has('driver') || t.pci.devices.some((d) => (d.kernelModules?.length ?? 0) > 0);
}

/** Why a function's driver is unknown ("hwloc XML records no drivers"); null when the input records drivers. */
export function noDriversReason(t: Snapshot): string | null {
  if (driversRecorded(t)) return null;
  const by: Partial<Record<string, string>> = { 'hwloc-xml': 'hwloc XML records no drivers', 'nccl-xml': 'NCCL topology XML records no drivers', lspci: 'lspci without -k records no drivers' };
  return by[t.source.kind] ?? 'the input records no drivers';
}

/** A function's driver for the details and tooltips: without one, "none (unbound)" only where the input records drivers. */
export function driverText(d: PciDevice, noDrivers: string | null): string {
  return d.driver ?? (noDrivers ? `not recorded (${noDrivers})` : 'none (unbound)');
}
