// Topology → NCCL topology XML (the shape of NCCL_TOPO_DUMP_FILE, usable as NCCL_TOPO_FILE
// on a machine with the same bus ids): the GPUs, accelerators and NICs with the PCI
// ancestors NCCL itself would list, under one <cpu> per NUMA node. It follows NCCL's
// src/graph/xml.cc: a function's parent element is its grandparent in the PCI tree (NCCL
// climbs two sysfs levels at a time), or the <cpu> when that is the root complex;
// link_speed/link_width are the lower maximum of the function and its upstream port.
// It writes only what the topology knows: no <gpu>/<net> attributes NCCL measures itself
// (sm, gdr, guid...), no CPU family/model numbers, numaid -1 for an unknown node.
import type { PciDevice, Snapshot } from '../model';
import { parseCpuList } from '../parse/cpulist';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Functions NCCL puts in its file: GPUs, accelerators, network and InfiniBand controllers. */
function isNcclDevice(d: PciDevice): boolean {
  const cls = (d.classCode ?? '').toLowerCase();
  // A display chip (BMC VGA) is no GPU NCCL would use.
  return cls.startsWith('0x02') || cls.startsWith('0x12') || cls.startsWith('0x0c06') || d.roles.includes('gpu') || d.roles.includes('rdma') || d.roles.includes('accelerator');
}

/** Kernel cpumask text ("00000000,00ffffff") of a CPU list; "" when none. */
export function cpuMask(list: string): string {
  const ids = parseCpuList(list) ?? [];
  if (ids.length === 0) return '';
  const words = new Array<number>(Math.floor(Math.max(...ids) / 32) + 1).fill(0);
  for (const id of ids) words[id >> 5]! |= 1 << (id & 31);
  return words.reverse().map((w) => (w >>> 0).toString(16).padStart(8, '0')).join(',');
}

const NCCL_ARCH: Readonly<Record<string, string>> = { x86_64: 'x86_64', aarch64: 'arm64', ppc64le: 'ppc64', ppc64: 'ppc64' };

/** NCCL's link: the lower maximum of the function and its upstream port (read from an NCCL file: as it said). */
function linkAttrs(d: PciDevice, parent: PciDevice | undefined): string {
  const speeds = [d.link?.maxSpeed, parent?.link?.maxSpeed].map((s) => (s ? Number.parseFloat(s) : NaN)).filter((n) => Number.isFinite(n));
  const widths = [d.link?.maxWidth, parent?.link?.maxWidth].filter((w): w is number => typeof w === 'number' && w > 0);
  const sp = speeds.length ? `${Math.min(...speeds).toFixed(1)} GT/s PCIe` : '';
  const w = widths.length ? String(Math.min(...widths)) : '';
  return ` link_speed="${sp}" link_width="${w}"`;
}

function pciOpen(d: PciDevice, byAddr: ReadonlyMap<string, PciDevice>, fromNccl: boolean): string {
  const id = (k: string, v: string | null | undefined): string => (v ? ` ${k}="${esc(v)}"` : '');
  return `<pci busid="${d.address}"${id('class', d.classCode)}${id('vendor', d.vendorId)}${id('device', d.deviceId)}` +
    `${id('subsystem_vendor', d.subsystemVendorId)}${id('subsystem_device', d.subsystemDeviceId)}${linkAttrs(d, fromNccl ? undefined : byAddr.get(d.parent ?? ''))}`;
}

/**
 * NCCL's parent of a function: its grandparent when that is a PCI function, else the CPU
 * (null). A topology read from an NCCL file already has NCCL's parents.
 */
function ncclParent(d: PciDevice, byAddr: ReadonlyMap<string, PciDevice>, fromNccl: boolean): string | null {
  if (fromNccl) return d.parent !== null && byAddr.has(d.parent) ? d.parent : null;
  const p = d.parent ? byAddr.get(d.parent) : undefined;
  const gp = p?.parent ? byAddr.get(p.parent) : undefined;
  return gp ? gp.address : null;
}

/** The elements to write: the NCCL devices and every ancestor NCCL would list for them. */
function selectTree(t: Snapshot): { kept: PciDevice[]; parentOf: Map<string, string | null> } {
  const byAddr = new Map(t.pci.devices.map((d) => [d.address, d]));
  const parentOf = new Map<string, string | null>();
  const visit = (d: PciDevice): void => {
    if (parentOf.has(d.address)) return;
    const up = ncclParent(d, byAddr, t.source.kind === 'nccl-xml');
    parentOf.set(d.address, up);
    if (up) visit(byAddr.get(up)!);
  };
  for (const d of t.pci.devices) if (isNcclDevice(d)) visit(d);
  return { kept: t.pci.devices.filter((d) => parentOf.has(d.address)), parentOf };
}

function netLines(d: PciDevice, indent: string): string[] {
  const nets = d.osDevices.filter((o) => o.kind === 'rdma' || o.kind === 'net');
  if (nets.length === 0) return [];
  const attr = (k: string, v: string | undefined): string => (v ? ` ${k}="${esc(v)}"` : '');
  const line = (o: PciDevice['osDevices'][number], i: number): string =>
    `${indent}  <net name="${esc(o.name)}" dev="${i}"${attr('speed', o.attrs?.['speedMbps'])}${attr('port', o.attrs?.['port'])}${attr('guid', o.attrs?.['guid'])}/>`;
  return [`${indent}<nic>`, ...nets.map(line), `${indent}</nic>`];
}

export function exportNcclXml(t: Snapshot): string {
  const { kept, parentOf } = selectTree(t);
  const fromNccl = t.source.kind === 'nccl-xml';
  const byAddr = new Map(t.pci.devices.map((d) => [d.address, d]));
  const children = new Map<string | null, PciDevice[]>();
  for (const d of kept) {
    const p = parentOf.get(d.address) ?? null;
    children.set(p, [...(children.get(p) ?? []), d]);
  }
  const out = ['<system version="1">'];
  const write = (d: PciDevice, indent: string): void => {
    const kids = children.get(d.address) ?? [];
    const inner = [...netLines(d, `${indent}  `)];
    if (kids.length === 0 && inner.length === 0) {
      out.push(`${indent}${pciOpen(d, byAddr, fromNccl)}/>`);
      return;
    }
    out.push(`${indent}${pciOpen(d, byAddr, fromNccl)}>`, ...inner);
    for (const k of kids) write(k, `${indent}  `);
    out.push(`${indent}</pci>`);
  };
  const arch = NCCL_ARCH[t.machine.arch];
  const roots = children.get(null) ?? [];
  const nodes = [...new Set(roots.map((d) => d.numaNode ?? -1))].sort((a, b) => a - b);
  for (const n of nodes) {
    const cpus = t.numaNodes.find((x) => x.id === n)?.cpus ?? '';
    const mask = cpuMask(cpus);
    out.push(`  <cpu numaid="${n}"${mask ? ` affinity="${mask}"` : ''}${arch ? ` arch="${arch}"` : ''}>`);
    for (const d of roots.filter((r) => (r.numaNode ?? -1) === n)) write(d, '    ');
    out.push('  </cpu>');
  }
  out.push('</system>', '');
  return out.join('\n');
}
