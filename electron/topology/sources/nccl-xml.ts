// NCCL topology XML (NCCL_TOPO_DUMP_FILE, NCCL_TOPO_FILE) → records (records.ts): NUMA
// nodes with their CPUs from the affinity masks, the PCI functions NCCL kept with the
// nearest listed ancestor as parent, GPUs (CUDA index, SM, NVLinks) and network devices
// (IB devices and netdevs). It invents nothing the file lacks: no drivers, no trained
// links (NCCL writes the lower *maximum* of the two ends), no root ports or downstream
// ports (NCCL skips them, see parse/nccl-xml.ts), no root complexes; one diagnostic says
// each of these once.
import { buildTopology, type BuildResult } from '../build';
import type { Cpu, Diagnostic, LinkInfo, NumaNode, OsDevice, PortKind } from '../model';
import { formatCpuList } from '../parse/cpulist';
import { parseNcclXml, type NcclCpu, type NcclNet, type NcclPci, type NcclXml } from '../parse/nccl-xml';
import { formatLinkSpeed } from '../parse/sysfs-values';
import type { OsDeviceRecord, PciFunctionFacts, PciFunctionRecord, SourceRecords } from '../records';

/** "0x10de" → "0x10de"; "0xffff" (what a read of nothing returns, and AWS's placeholders) and junk → null. */
function hexId(v: string | null, digits: number): string | null {
  if (v === null) return null;
  const m = /^0x([0-9a-f]+)$/i.exec(v.trim());
  if (!m || m[1]!.length > digits) return null;
  const h = m[1]!.toLowerCase().padStart(digits, '0');
  return /^f+$/.test(h) ? null : `0x${h}`;
}

/** NCCL's class: "0x030200" (sysfs), or "0x03"/"0x02" when NCCL set only the class. */
function classOf(v: string | null): string | null {
  const m = v === null ? null : /^0x([0-9a-f]{2}|[0-9a-f]{4}|[0-9a-f]{6})$/i.exec(v.trim());
  return m ? `0x${m[1]!.toLowerCase()}` : null;
}

/** NCCL's link_speed ("32.0 GT/s PCIe", "8 GT/s") and link_width: a maximum, never the trained link. */
function linkOf(p: NcclPci): LinkInfo | null {
  const m = p.linkSpeed === null ? null : /^([0-9.]+)\s*GT\/s/i.exec(p.linkSpeed);
  const gts = m ? Number(m[1]) : NaN;
  const maxSpeed = Number.isFinite(gts) && gts > 0 && gts <= 999 ? formatLinkSpeed(gts) : null;
  const maxWidth = p.linkWidth !== null && p.linkWidth > 0 ? p.linkWidth : null;
  if (maxSpeed === null && maxWidth === null) return null;
  return { speed: null, width: null, maxSpeed, maxWidth, downgraded: false, note: 'trained link not recorded: NCCL writes the lower maximum of this function and its upstream port' };
}

const splitAddress = (busId: string): { domain: string; bus: string } => {
  const [domain, bus] = busId.split(':');
  return { domain: domain!.padStart(4, '0'), bus: bus! };
};

/** A canonical address: domain padded to 4 digits, as the model keys functions. */
const canonical = (busId: string): string => {
  const { domain } = splitAddress(busId);
  return `${domain}${busId.slice(busId.indexOf(':'))}`;
};

/**
 * NCCL climbs two sysfs levels at a time from a GPU or NIC, so a `<pci>` holding others
 * is a switch's upstream port (the downstream port between them and the root port above
 * are skipped); a bridge-class leaf is a bridge NCCL was given with nothing below.
 */
function portKindOf(hasChildren: boolean, cls: string | null): PortKind {
  if (hasChildren) return 'switch-upstream';
  if (cls !== null && cls.startsWith('0x0604')) return 'pci-bridge';
  return 'endpoint';
}

function functionRecord(p: NcclPci, cpus: readonly NcclCpu[], parents: ReadonlySet<string>, name: string): PciFunctionRecord {
  const address = canonical(p.busId);
  const cls = classOf(p.classCode);
  const numa = p.cpu >= 0 ? cpus[p.cpu]!.numaId : null;
  const fn: PciFunctionFacts = {
    address,
    parent: p.parent === null ? null : canonical(p.parent),
    // NCCL stops at the first non-BDF path component without writing it: the root complex is not in the file.
    hostBridge: null,
    numaNode: numa,
    localCpus: null,
    localityRule: numa !== null ? 'imported' : 'unknown',
    classCode: cls,
    className: null,
    vendorId: hexId(p.vendor, 4),
    deviceId: hexId(p.device, 4),
    subsystemVendorId: hexId(p.subsystemVendor, 4),
    subsystemDeviceId: hexId(p.subsystemDevice, 4),
    revision: null,
    vendorName: null,
    deviceName: null,
    driver: null,
    iommuGroup: null,
    link: linkOf(p),
    sriov: null,
    portKind: portKindOf(parents.has(p.busId), cls),
    portKindSource: 'nccl',
    secondaryBus: null,
    subordinateBus: null,
    slot: null,
  };
  return { fn, from: `${name}:${p.line}` };
}

/** A `<net>` as an OS device: an RDMA device when it has a 64-bit node GUID (IB verbs), else a netdev. */
function netDevice(n: NcclNet): OsDevice {
  const attrs: Record<string, string> = {};
  if (n.speed !== null) attrs['speedMbps'] = String(n.speed);
  if (n.port !== null) attrs['port'] = String(n.port);
  if (n.guid !== null) attrs['guid'] = n.guid;
  if (n.gdr !== null) attrs['gdr'] = n.gdr ? 'yes' : 'no';
  const guid = n.guid === null ? 0n : BigInt.asUintN(64, /^0x[0-9a-f]+$/i.test(n.guid) ? BigInt(n.guid) : 0n);
  return { name: n.name, kind: guid > 0xffffn ? 'rdma' : 'net', attrs };
}

function osDevices(x: NcclXml, name: string): OsDeviceRecord[] {
  const out: OsDeviceRecord[] = [];
  for (const p of x.pci) {
    const address = canonical(p.busId);
    if (p.gpu) {
      const attrs: Record<string, string> = {};
      if (p.gpu.sm !== null) attrs['sm'] = String(p.gpu.sm);
      if (p.gpu.rank !== null) attrs['rank'] = String(p.gpu.rank);
      if (p.gpu.gdr !== null) attrs['gdr'] = p.gpu.gdr ? 'yes' : 'no';
      if (p.gpu.nvlinks.length) attrs['nvlinks'] = p.gpu.nvlinks.map((l) => `${l.target}×${l.count ?? '?'}`).join(' ');
      // hwloc names a CUDA device cuda<index>; NCCL's `dev` is that index.
      const devName = p.gpu.dev !== null ? `cuda${p.gpu.dev}` : 'cuda?';
      out.push({ address, device: { name: devName, kind: 'gpu', attrs }, from: `${name}:${p.line}` });
    }
    for (const n of p.nets) out.push({ address, device: netDevice(n), from: `${name}:${n.line}` });
  }
  return out;
}

/** NUMA nodes from the `<cpu>` elements: one per numaid, CPUs from the affinity mask. */
function numaNodes(cpus: readonly NcclCpu[]): NumaNode[] {
  const byId = new Map<number, NcclCpu>();
  for (const c of cpus) if (c.numaId !== null && !byId.has(c.numaId)) byId.set(c.numaId, c);
  return [...byId.values()]
    .sort((a, b) => a.numaId! - b.numaId!)
    .map((c) => ({
      id: c.numaId!,
      cpus: c.cpus ? formatCpuList(c.cpus) : '',
      memoryBytes: null,
      distances: [],
      kind: 'dram' as const,
      kindReason: c.cpus ? 'NCCL <cpu> affinity mask' : 'NCCL <cpu> without an affinity mask',
    }));
}

function logicalCpus(cpus: readonly NcclCpu[]): Cpu[] {
  const out: Cpu[] = [];
  const seen = new Set<number>();
  for (const c of cpus) {
    for (const id of c.cpus ?? []) {
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ id, node: c.numaId, package: null, core: null, ...(c.vendor ? { vendor: c.vendor } : {}) });
    }
  }
  return out.sort((a, b) => a.id - b.id);
}

/** NCCL's `arch` spelled as uname -m does ("arm64" is what NCCL writes on AArch64). */
function machineArch(cpus: readonly NcclCpu[]): { arch: string; archSource: string } {
  const arch = cpus.find((c) => c.arch !== null)?.arch ?? null;
  if (arch === null) return { arch: 'unknown', archSource: 'nccl-xml: no <cpu arch>' };
  const a = arch.toLowerCase();
  return { arch: a === 'arm64' ? 'aarch64' : a, archSource: `NCCL <cpu arch="${arch}">` };
}

function cpuModel(cpus: readonly NcclCpu[]): string | null {
  const c = cpus.find((x) => x.vendor !== null && x.familyId !== null && x.modelId !== null);
  return c ? `${c.vendor} family ${c.familyId} model ${c.modelId}` : null;
}

/** What the format leaves out, said once each. */
function formatNotes(x: NcclXml, name: string): Diagnostic[] {
  const notes: Diagnostic[] = [
    {
      severity: 'info', path: name,
      message: 'NCCL topology XML records no drivers, IOMMU groups, SR-IOV or trained links (link_speed/link_width are the lower maximum of the function and its upstream port), ' +
        'and lists every second PCI level: root ports and switch downstream ports are not in the file, so each function hangs below its nearest listed ancestor and root complexes are unknown',
    },
  ];
  const unknownNuma = x.cpus.filter((c) => c.numaId === null).length;
  if (unknownNuma) notes.push({ severity: 'info', path: name, message: `${unknownNuma} <cpu> element(s) with numaid -1 or none: their functions' NUMA node is unknown` });
  for (const p of x.pci) {
    if (p.vendor !== null && hexId(p.vendor, 4) === null) {
      notes.push({ severity: 'info', path: `${name}:${p.line}`, address: canonical(p.busId), message: `vendor "${p.vendor}" is not a vendor id (0xffff: a placeholder); left unknown` });
    }
  }
  return notes;
}

/** NCCL topology XML text → records. */
export function readNcclXml(text: string, name: string): SourceRecords {
  const x = parseNcclXml(text, name);
  const parents = new Set(x.pci.map((p) => p.parent).filter((p): p is string => p !== null));
  const functions = x.pci.map((p) => functionRecord(p, x.cpus, parents, name));
  const fatal = x.diagnostics.some((d) => d.severity === 'error');
  const cpuNetNotes: Diagnostic[] = x.cpuNets.map(({ net }) => ({
    severity: 'info', path: `${name}:${net.line}`,
    message: `network device ${net.name} has no PCI function in the file (NCCL attached it to a CPU: virtual or non-PCI NIC); not shown`,
  }));
  return {
    source: { kind: 'nccl-xml', name },
    path: name,
    capturedAt: null,
    machine: { hostname: null, ...machineArch(x.cpus), kernel: null, cpuModel: cpuModel(x.cpus) },
    cpus: logicalCpus(x.cpus),
    numaNodes: numaNodes(x.cpus),
    functions,
    osDevices: osDevices(x, name),
    hostBridges: [],
    cxl: { memdevs: [], regions: [] },
    diagnostics: [...x.diagnostics, ...(fatal ? [] : formatNotes(x, name)), ...cpuNetNotes],
  };
}

export function snapshotFromNcclXml(text: string, name: string): BuildResult {
  return buildTopology(readNcclXml(text, name));
}
