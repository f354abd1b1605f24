// Health findings an engineer would otherwise grep /sys for: links trained below their
// capability, unknown or CPU-less locality, SR-IOV VFs unbound or on mixed drivers,
// devices still on kernel drivers (for DPDK/SPDK), shared IOMMU groups, non-zero AER
// counters, hugepages missing where a device needs them. Each finding names the device,
// the evidence (file and value) and what to do. Pure and DOM/Node-free; it reads only
// the model, so a fact the input does not have produces no finding, never a guess.
import type { PciDevice, Snapshot } from '../model';
import { USERSPACE_DRIVERS } from '../drivers';
import { parseCpuList } from '../parse/cpulist';
import { BIFURCATED_DRIVERS } from './advise';

export type CheckKind = 'link' | 'numa-unknown' | 'cpuless-node' | 'sriov' | 'kernel-driver' | 'iommu-group' | 'aer' | 'hugepages';

export interface Evidence {
  /** The file (sysfs path, or the input's own place for other formats). */
  readonly file: string;
  readonly value: string;
}

export interface Finding {
  readonly severity: 'warning' | 'info';
  readonly check: CheckKind;
  /** The device the finding is about (the first one when several share it). */
  readonly device: string | null;
  readonly devices: readonly string[];
  readonly message: string;
  readonly evidence: readonly Evidence[];
  readonly action: string;
}

export interface CheckOptions {
  /** Report NICs (dpdk) or NVMe controllers (spdk) still on kernel drivers. */
  readonly for?: 'dpdk' | 'spdk' | null;
  /** Restrict device-level findings to these addresses (default: all). */
  readonly devices?: readonly string[] | null;
}

export interface CheckResult {
  readonly findings: readonly Finding[];
  readonly warnings: number;
  /** 0 no warnings, 1 warnings. */
  readonly exitCode: 0 | 1;
}

const NVME_CLASS = '0x010802';

/** The lspci -vvv line that shows what a sysfs file holds. */
const LSPCI_FIELD: Readonly<Record<string, string>> = {
  current_link_speed: 'LnkSta speed', current_link_width: 'LnkSta width', max_link_speed: 'LnkCap speed', max_link_width: 'LnkCap width',
  numa_node: '"NUMA node:"', driver: '"Kernel driver in use:"', iommu_group: '"IOMMU group:"', sriov_numvfs: 'SR-IOV "Number of VFs"',
};

/** Where a fact lives in this input: the sysfs file for sysfs inputs, else the format's own place. */
function where(t: Snapshot, address: string, file: string): string {
  switch (t.source.kind) {
    case 'live':
    case 'sysfs-dir':
    case 'archive':
      return `/sys/bus/pci/devices/${address}/${file}`;
    case 'lspci':
      return `lspci ${t.source.name}: ${address} ${LSPCI_FIELD[file] ?? file}`;
    case 'hwloc-xml':
      return `hwloc XML ${t.source.name}: ${address} (${file})`;
    default:
      return `${t.source.kind} ${t.source.name}: ${address} (${file})`;
  }
}

function isEndpoint(d: PciDevice): boolean {
  return d.portKind === 'endpoint' || d.portKind === 'rc-endpoint';
}

function finding(f: Omit<Finding, 'devices'> & { devices?: readonly string[] }): Finding {
  return { ...f, devices: f.devices ?? (f.device ? [f.device] : []) };
}

function checkLinks(t: Snapshot, devs: readonly PciDevice[]): Finding[] {
  return devs.filter((d) => d.link?.downgraded).map((d) => {
    const l = d.link!;
    return finding({
      severity: 'warning', check: 'link', device: d.address,
      message: `link trained at ${l.speed ?? '?'} x${l.width ?? '?'}, below ${l.maxSpeed ?? '?'} x${l.maxWidth ?? '?'}${l.note ? ` (${l.note})` : ''}`,
      evidence: [
        { file: where(t, d.address, 'current_link_speed'), value: l.speed ?? 'unknown' },
        { file: where(t, d.address, 'current_link_width'), value: String(l.width ?? 'unknown') },
        { file: where(t, d.address, 'max_link_speed'), value: l.maxSpeed ?? 'unknown' },
        { file: where(t, d.address, 'max_link_width'), value: String(l.maxWidth ?? 'unknown') },
      ],
      action: 'reseat the card or move it to a slot wired for its full width; check the BIOS PCIe speed setting and the riser; some devices (GPUs) lower their speed when idle: re-check under load',
    });
  });
}

const FALLBACK: Readonly<Record<string, string>> = {
  local_cpulist: 'node taken from local_cpulist',
  parent: 'node taken from the upstream bridge',
  'root-complex': 'node taken from the other functions of its root complex',
  unknown: 'no fallback answered: node unknown',
};

/** numa_node -1 on a multi-node machine, one finding per host bridge and fallback. */
function checkNuma(t: Snapshot, devs: readonly PciDevice[]): Finding[] {
  if (t.numaNodes.length < 2) return [];
  const groups = new Map<string, PciDevice[]>();
  for (const d of devs) {
    if (d.localityRule !== 'local_cpulist' && d.localityRule !== 'parent' && d.localityRule !== 'root-complex' && d.localityRule !== 'unknown') continue;
    // lspci prints no NUMA line then: not evidence of -1
    if (t.source.kind === 'lspci' && (d.localityRule === 'unknown' || d.localityRule === 'root-complex')) continue;
    const k = `${d.hostBridge ?? '?'}|${d.localityRule}`;
    groups.set(k, [...(groups.get(k) ?? []), d]);
  }
  return [...groups.values()].map((g) => {
    const d = g[0]!;
    const fb = FALLBACK[d.localityRule]!;
    const node = d.numaNode === null ? 'unknown' : `node ${d.numaNode}`;
    return finding({
      severity: 'warning', check: 'numa-unknown', device: d.address, devices: g.map((x) => x.address),
      message: `${g.length} function${g.length > 1 ? 's' : ''} under ${d.hostBridge ?? 'an unknown host bridge'} report numa_node -1 (${fb}${d.numaNode !== null ? `: ${node}` : ''})`,
      evidence: [{ file: where(t, d.address, 'numa_node'), value: '-1' }, ...(d.localCpus ? [{ file: where(t, d.address, 'local_cpulist'), value: d.localCpus }] : [])],
      action: 'the firmware gives this host bridge no proximity (ACPI _PXM): ask the vendor for a BIOS fix; until then place by the board manual or measure, and do not trust tools that default to node 0',
    });
  });
}

function checkCpuless(t: Snapshot, devs: readonly PciDevice[]): Finding[] {
  // A node the input lists without CPUs is CPU-less only when its kind says so (lspci
  // knows nodes from "NUMA node:" lines but not their CPUs: kind dram, cpus "").
  const cpuless = new Set(t.numaNodes.filter((n) => (parseCpuList(n.cpus) ?? []).length === 0 && n.kind !== 'dram').map((n) => n.id));
  return devs.filter((d) => d.numaNode !== null && cpuless.has(d.numaNode) && isEndpoint(d)).map((d) => finding({
    severity: 'warning', check: 'cpuless-node', device: d.address,
    message: `on NUMA node ${d.numaNode}, which has no CPUs: every CPU reaches it across an interconnect`,
    // A derived node is not what the file says: say where it came from.
    evidence: [{ file: where(t, d.address, 'numa_node'), value: d.localityRule === 'numa_node' || d.localityRule === 'imported' ? String(d.numaNode) : `-1 (${FALLBACK[d.localityRule] ?? d.localityRule})` }, { file: `/sys/devices/system/node/node${d.numaNode}/cpulist`, value: '(empty)' }],
    action: 'place its polling threads on the nearest node with CPUs (see the node distances) and expect the extra hop',
  }));
}

function checkSriov(t: Snapshot, devs: readonly PciDevice[]): Finding[] {
  if (t.source.kind === 'hwloc-xml') return []; // no drivers recorded
  const byAddr = new Map(t.pci.devices.map((d) => [d.address, d] as const));
  const out: Finding[] = [];
  for (const pf of devs) {
    const vfs = (pf.sriov?.vfs ?? []).map((a) => byAddr.get(a)).filter((v): v is PciDevice => !!v);
    if (!vfs.length) continue;
    const unbound = vfs.filter((v) => v.driver === null);
    const drivers = new Set(vfs.map((v) => v.driver).filter((x): x is string => x !== null));
    const numvfs = { file: where(t, pf.address, 'sriov_numvfs'), value: String(pf.sriov?.numVfs ?? vfs.length) };
    if (unbound.length) {
      out.push(finding({
        severity: 'warning', check: 'sriov', device: pf.address, devices: [pf.address, ...unbound.map((v) => v.address)],
        message: `${unbound.length} of ${vfs.length} enabled VFs have no driver`,
        evidence: [numvfs, ...unbound.slice(0, 4).map((v) => ({ file: where(t, v.address, 'driver'), value: '(no link)' }))],
        action: 'bind them (the VF driver, vfio-pci for a VM or DPDK) or lower sriov_numvfs to what is used; check sriov_drivers_autoprobe',
      }));
    }
    if (drivers.size > 1) {
      out.push(finding({
        severity: 'warning', check: 'sriov', device: pf.address, devices: [pf.address, ...vfs.map((v) => v.address)],
        message: `its VFs are bound to a mix of drivers: ${[...drivers].map((dr) => `${dr} ×${vfs.filter((v) => v.driver === dr).length}`).join(', ')}`,
        evidence: vfs.filter((v) => v.driver).slice(0, 6).map((v) => ({ file: where(t, v.address, 'driver'), value: v.driver! })),
        action: 'make sure the mix is intended (e.g. some VFs for the kernel, some for DPDK/VMs); a stray kernel-bound VF steals traffic from its intended user',
      }));
    }
  }
  return out;
}

function checkKernelDrivers(t: Snapshot, devs: readonly PciDevice[], forWhat: 'dpdk' | 'spdk'): Finding[] {
  if (t.source.kind === 'hwloc-xml') return [];
  const wanted = (d: PciDevice) => isEndpoint(d) && (forWhat === 'dpdk' ? (d.classCode ?? '').startsWith('0x0200') : (d.classCode ?? '').toLowerCase() === NVME_CLASS);
  return devs.filter((d) => wanted(d) && !(d.driver && (USERSPACE_DRIVERS.has(d.driver) || BIFURCATED_DRIVERS.has(d.driver)))).map((d) => finding({
    severity: 'warning', check: 'kernel-driver', device: d.address,
    message: `${forWhat === 'dpdk' ? 'NIC' : 'NVMe controller'} is on ${d.driver ? `kernel driver ${d.driver}` : 'no driver'}, not a userspace one (${forWhat.toUpperCase()} cannot use it)`,
    evidence: [{ file: where(t, d.address, 'driver'), value: d.driver ?? '(no link)' }],
    action: forWhat === 'dpdk' ? `sudo dpdk-devbind.py -b vfio-pci ${d.address}` : `sudo PCI_ALLOWED="${d.address}" spdk/scripts/setup.sh (or dpdk-devbind.py -b vfio-pci ${d.address})`,
  }));
}

function checkIommuGroups(t: Snapshot, devs: readonly PciDevice[]): Finding[] {
  const inScope = new Set(devs.map((d) => d.address));
  const groups = new Map<number, PciDevice[]>();
  for (const d of t.pci.devices) if (d.iommuGroup !== null && isEndpoint(d)) groups.set(d.iommuGroup, [...(groups.get(d.iommuGroup) ?? []), d]);
  const out: Finding[] = [];
  for (const [g, members] of [...groups].sort((a, b) => a[0] - b[0])) {
    if (members.length < 2 || !members.some((m) => inScope.has(m.address))) continue;
    const matters = members.some((m) => /^0x0(2|3)|^0x12|^0x0108/.test(m.classCode ?? '') || (m.driver !== null && USERSPACE_DRIVERS.has(m.driver)));
    out.push(finding({
      severity: matters ? 'warning' : 'info', check: 'iommu-group', device: members[0]!.address, devices: members.map((m) => m.address),
      message: `IOMMU group ${g} holds ${members.length} functions: ${members.map((m) => m.address).join(', ')}`,
      evidence: members.slice(0, 6).map((m) => ({ file: where(t, m.address, 'iommu_group'), value: `iommu_groups/${g}` })),
      action: 'vfio can only give the whole group to one user (bind all of it to vfio-pci), and peer-to-peer between them goes through the root port; a slot whose port has ACS, or a BIOS ACS setting, splits the group',
    }));
  }
  return out;
}

function checkAer(t: Snapshot, devs: readonly PciDevice[]): Finding[] {
  const out: Finding[] = [];
  for (const d of devs) {
    const a = d.aer;
    if (!a) continue;
    const parts: Array<[string, number | null]> = [['aer_dev_fatal', a.fatal], ['aer_dev_nonfatal', a.nonfatal], ['aer_dev_correctable', a.correctable]];
    const bad = parts.filter(([, v]) => (v ?? 0) > 0);
    if (!bad.length) continue;
    const detail = (file: string) => Object.entries(a.nonZero?.[file] ?? {}).filter(([k]) => !k.startsWith('TOTAL_')).map(([k, v]) => `${k} ${v}`).join(', ');
    out.push(finding({
      severity: 'warning', check: 'aer', device: d.address,
      message: `AER errors counted: ${bad.map(([f, v]) => `${f.replace('aer_dev_', '')} ${v}`).join(', ')}`,
      evidence: bad.map(([f, v]) => ({ file: where(t, d.address, f), value: `${detail(f) || 'TOTAL'} (total ${v})` })),
      action: 'correctable errors (BadTLP, BadDLLP, Timeout) point at signal quality: reseat, check the riser and cable, update firmware; non-fatal/fatal errors: check dmesg and the vendor support',
    }));
  }
  return out;
}

function checkHugepages(t: Snapshot, devs: readonly PciDevice[], forWhat: 'dpdk' | 'spdk' | null): Finding[] {
  const needs = devs.filter((d) => d.numaNode !== null && (d.roles.includes('dpdk') || d.roles.includes('spdk') || (forWhat === 'dpdk' && (d.classCode ?? '').startsWith('0x0200')) || (forWhat === 'spdk' && (d.classCode ?? '').toLowerCase() === NVME_CLASS)));
  const byNode = new Map<number, PciDevice[]>();
  for (const d of needs) byNode.set(d.numaNode!, [...(byNode.get(d.numaNode!) ?? []), d]);
  const out: Finding[] = [];
  for (const [id, ds] of byNode) {
    const pools = t.numaNodes.find((n) => n.id === id)?.hugepages;
    if (!pools) continue; // not in this input: nothing to say
    const total = pools.reduce((s, p) => s + (p.total ?? 0), 0);
    if (total > 0) continue;
    out.push(finding({
      severity: 'warning', check: 'hugepages', device: ds[0]!.address, devices: ds.map((d) => d.address),
      message: `no hugepages reserved on node ${id}, where ${ds.map((d) => d.address).join(', ')} ${ds.length > 1 ? 'are' : 'is'}`,
      evidence: pools.map((p) => ({ file: `/sys/devices/system/node/node${id}/hugepages/hugepages-${p.sizeKb}kB/nr_hugepages`, value: String(p.total ?? 'unknown') })),
      action: `echo 512 | sudo tee /sys/devices/system/node/node${id}/hugepages/hugepages-2048kB/nr_hugepages (or see topolens advise)`,
    }));
  }
  return out;
}

/** Every finding for the topology, warnings first. */
export function checkTopology(t: Snapshot, opts: CheckOptions = {}): CheckResult {
  const scope = opts.devices ? new Set(opts.devices) : null;
  const devs = scope ? t.pci.devices.filter((d) => scope.has(d.address)) : t.pci.devices;
  const findings = [
    ...checkLinks(t, devs),
    ...checkNuma(t, devs),
    ...checkCpuless(t, devs),
    ...checkSriov(t, devs),
    ...(opts.for ? checkKernelDrivers(t, devs, opts.for) : []),
    ...checkIommuGroups(t, devs),
    ...checkAer(t, devs),
    ...checkHugepages(t, devs, opts.for ?? null),
  ].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'warning' ? -1 : 1));
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  return { findings, warnings, exitCode: warnings ? 1 : 0 };
}

export function checkJson(r: CheckResult): string {
  return `${JSON.stringify({ findings: r.findings, warnings: r.warnings }, null, 2)}\n`;
}

export function checkText(r: CheckResult): string {
  const lines: string[] = [];
  for (const f of r.findings) {
    lines.push(`${f.severity === 'warning' ? 'WARNING' : 'info   '}  ${f.device ?? '-'}  [${f.check}] ${f.message}`);
    for (const e of f.evidence) lines.push(`         evidence: ${e.file} = ${e.value}`);
    lines.push(`         do: ${f.action}`);
  }
  const infos = r.findings.length - r.warnings;
  lines.push(r.findings.length ? '' : 'No findings.', `${r.warnings} warning${r.warnings === 1 ? '' : 's'}, ${infos} note${infos === 1 ? '' : 's'}`);
  return `${lines.join('\n').replace(/^\n/, '')}\n`;
}
