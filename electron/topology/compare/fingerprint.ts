// A machine's fingerprint: the shape that should be identical across one hardware
// model — functions by vendor:device and position, the tree, NUMA locality, drivers,
// links, SR-IOV, kinds of OS devices, NUMA nodes and CPUs — as canonical text and a
// short hash. It deliberately leaves out what differs between identical machines:
// hostname, serials and MAC addresses, OS device names, IOMMU group numbers, kernel,
// capture time and source file. Pure: no I/O, no Node (the renderer uses it too).
import type { PciDevice, Snapshot } from '../model';
import { carriedFields, fieldValue } from './diff';

/** What a fleet groups machines of one model by: DMI vendor/product, arch, CPU model. */
export function modelKey(s: Snapshot): string {
  const m = s.machine;
  const product = [m.vendor, m.product].filter((x) => x).join(' ');
  return [product || 'unknown product', m.arch, m.cpuModel ?? 'unknown CPU'].join(' · ');
}

function link(d: PciDevice): string {
  const l = d.link;
  return l ? `x${l.width ?? '?'}@${l.speed ?? '?'}/x${l.maxWidth ?? '?'}@${l.maxSpeed ?? '?'}` : '-';
}

function osKinds(d: PciDevice): string {
  const counts = new Map<string, number>();
  for (const o of d.osDevices) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  return [...counts].sort().map(([k, n]) => `${k}${n}`).join('+') || '-';
}

function sriov(d: PciDevice): string {
  const v = fieldValue(d, 'sriov') as { totalVfs?: number | null; numVfs?: number | null; physfn?: string | null } | null;
  if (!v) return '-';
  return v.physfn ? `vf-of-${v.physfn}` : `${v.numVfs ?? '?'}/${v.totalVfs ?? '?'}`;
}

function deviceLine(d: PciDevice): string {
  const ids = `${(d.vendorId?.slice(2) ?? '?')}:${(d.deviceId?.slice(2) ?? '?')} ${d.subsystemVendorId?.slice(2) ?? '?'}:${d.subsystemDeviceId?.slice(2) ?? '?'} ${(d.classCode?.slice(2) ?? '?')}`;
  return [
    d.address, ids, `up ${d.parent ?? d.hostBridge ?? '-'}`, `node ${d.numaNode ?? '?'}`, `cpus ${d.localCpus ?? '?'}`,
    `drv ${d.driver ?? '-'}`, `link ${link(d)}`, `sriov ${sriov(d)}`, `os ${osKinds(d)}`, `roles ${[...d.roles].sort().join(',') || '-'}`,
  ].join(' ');
}

/** Memory rounded to whole GiB: boots and kernels differ by a few MiB (reserved ranges). */
function gib(bytes: number | null): string {
  return bytes === null ? '?' : `${Math.round(bytes / 2 ** 30)}G`;
}

/**
 * The canonical text the fingerprint hashes: one line per NUMA node and per function.
 * Which fields the format carries is part of it (hwloc XML has no drivers), the kind of
 * input is not: an archive and the same tree unpacked are the same machine.
 */
export function fingerprintText(s: Snapshot): string {
  const lines = [`model ${modelKey(s)}`, `carries ${[...carriedFields(s)].join(',')}`, `cpus ${s.machine.cpus.length}`];
  for (const n of [...s.numaNodes].sort((a, b) => a.id - b.id)) {
    lines.push(`node ${n.id} ${n.kind} cpus ${n.cpus || '-'} mem ${gib(n.memoryBytes)} dist ${n.distances.join(',')}`);
  }
  const devices = [...s.pci.devices].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  for (const d of devices) lines.push(deviceLine(d));
  return `${lines.join('\n')}\n`;
}

/**
 * 64-bit hash of a string as 16 hex digits: two 32-bit lanes (cyrb53-style multiply
 * and xor-shift mixing). Not cryptographic; only groups captures, where 1,000 machines
 * make a collision odds of about 1 in 10^13.
 */
export function hash64(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

export function fingerprint(s: Snapshot): string {
  return hash64(fingerprintText(s));
}

/**
 * The snapshot reduced to what diff and fingerprint read (no diagnostics, role
 * reasons, CXL detail or host bridges): what fleet workers send back, ≈ 1/3 the size.
 */
export function compactForCompare(s: Snapshot): Snapshot {
  return {
    ...s,
    diagnostics: [],
    cxl: { memdevs: [], regions: [] },
    pci: {
      devices: s.pci.devices.map((d) => ({
        ...d,
        roleReasons: [],
        capabilities: undefined,
        kernelModules: undefined,
        osDevices: d.osDevices.map((o) => (o.attrs?.['address'] ? { name: o.name, kind: o.kind, attrs: { address: o.attrs['address'] } } : { name: o.name, kind: o.kind })),
      })),
    },
  };
}
