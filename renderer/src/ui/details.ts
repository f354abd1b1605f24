// The details panel: every field of the selected device in the snapshot (plus any
// field a newer snapshot adds), with locality explained and roles with their reasons;
// PF/VF/parent addresses are links. Also NUMA node, root complex and machine details.
import type { LocalityRule, PciDevice, Snapshot } from '../../../electron/topology/model';
import { cpuCount, describeLink, deviceTitle, driverText, formatBytes, linkDetails, noDriversReason, PORT_KIND_LABEL } from '../../../electron/topology/export/describe';
import { archLine, type SceneNode } from '../../../electron/topology/view/scene';
import { clear, h } from './dom';

export const LOCALITY_RULE_TEXT: Readonly<Record<LocalityRule, string>> = {
  numa_node: 'read from the device’s numa_node file',
  local_cpulist: 'numa_node was -1; the node whose CPUs equal the device’s local_cpulist',
  parent: 'numa_node was -1; inherited from the upstream bridge',
  'root-complex': 'no node of its own: the one node every function of its root complex that records a node agrees on (the kernel gives all functions below a host bridge its node; the diagnostics name those functions)',
  unknown: 'numa_node is -1 and local_cpulist gives no single node: locality unknown',
  imported: 'as recorded in the imported file (lspci / hwloc XML / snapshot)',
};

type Row = [string, Node | string];

const KNOWN = new Set([
  'address', 'parent', 'hostBridge', 'numaNode', 'localCpus', 'localityRule', 'classCode', 'className', 'vendorId', 'deviceId',
  'subsystemVendorId', 'subsystemDeviceId', 'revision', 'vendorName', 'deviceName', 'driver', 'driverOverride', 'iommuGroup',
  'link', 'sriov', 'osDevices', 'portKind', 'portKindSource', 'secondaryBus', 'subordinateBus', 'slot', 'roles', 'roleReasons',
]);

export interface DetailsCallbacks {
  select(id: string): void;
}

function table(rows: Row[]): HTMLElement {
  const dl = h('dl', {});
  for (const [k, v] of rows) dl.append(h('dt', {}, k), h('dd', { 'data-field': k }, v));
  return dl;
}

function addrLink(a: string, cb: DetailsCallbacks): HTMLElement {
  return h('a', { href: '#', class: 'addr', onclick: (e: Event) => { e.preventDefault(); cb.select(a); } }, a);
}

export function renderDevice(el: HTMLElement, d: PciDevice, t: Snapshot, cb: DetailsCallbacks): void {
  clear(el);
  el.append(h('h2', { 'data-testid': 'details-title' }, deviceTitle(d)));
  const children = t.pci.devices.filter((c) => c.parent === d.address).map((c) => c.address);
  const rows: Row[] = [
    ['Address', h('code', { 'data-testid': 'details-address' }, d.address)],
    ['Class', named(d.className, d.classCode)],
    ['Vendor', named(d.vendorName, d.vendorId)],
    ['Device', named(d.deviceName, d.deviceId)],
  ];
  if (d.subsystemVendorId || d.subsystemDeviceId) rows.push(['Subsystem', `${d.subsystemVendorId ?? 'unknown'}:${d.subsystemDeviceId ?? 'unknown'}`]);
  if (d.revision) rows.push(['Revision', d.revision]);
  rows.push(['Driver', h('span', { 'data-testid': 'details-driver' }, driverText(d, noDriversReason(t)))]);
  if (d.driverOverride) rows.push(['driver_override', d.driverOverride]);
  rows.push(['Port kind', `${PORT_KIND_LABEL[d.portKind] || 'endpoint'}${d.portKindSource ? ` (from ${d.portKindSource})` : ''}`]);
  if (d.slot) rows.push(['Slot', d.slot]);
  rows.push(['NUMA node', h('span', { 'data-testid': 'details-numa' }, d.numaNode === null ? 'unknown' : String(d.numaNode))]);
  rows.push(['Local CPUs', d.localCpus ? `${d.localCpus} (${cpuCount(d.localCpus)})` : 'unknown']);
  rows.push(['Locality rule', `${d.localityRule}: ${LOCALITY_RULE_TEXT[d.localityRule] ?? ''}`]);
  rows.push(['Root complex', d.hostBridge ?? 'unknown']);
  rows.push(['Parent', d.parent ? addrLink(d.parent, cb) : 'none (on a root bus)']);
  if (children.length) {
    const span = h('span', {});
    children.forEach((c, i) => span.append(i ? ' ' : '', addrLink(c, cb)));
    rows.push(['Children', span]);
  }
  if (d.secondaryBus !== undefined && d.secondaryBus !== null) rows.push(['Buses', `secondary ${d.secondaryBus}${d.subordinateBus !== undefined && d.subordinateBus !== null ? `, subordinate ${d.subordinateBus}` : ''}`]);
  rows.push(['IOMMU group', d.iommuGroup === null ? 'none' : String(d.iommuGroup)]);
  if (d.link) {
    const l = d.link;
    rows.push(['Link', h('span', { 'data-testid': 'details-link' }, linkDetails(l))]);
    if (l.note) rows.push(['Link note', l.note]);
  } else rows.push(['Link', 'not reported']);
  if (d.sriov) {
    const s = d.sriov;
    if (s.physfn) rows.push(['SR-IOV PF', addrLink(s.physfn, cb)]);
    if (s.totalVfs !== null) rows.push(['SR-IOV VFs', s.numVfs === null ? `up to ${s.totalVfs} (number enabled unknown)` : `${s.numVfs} of ${s.totalVfs} enabled`]);
    if (s.vfs.length) {
      const span = h('span', { class: 'vf-list' });
      s.vfs.forEach((v, i) => span.append(i ? ' ' : '', addrLink(v, cb)));
      rows.push(['VF addresses', span]);
    }
  }
  const os = h('ul', { class: 'osdevs', 'data-testid': 'details-osdevs' });
  for (const o of d.osDevices) {
    const attrs = o.attrs ? Object.entries(o.attrs).map(([k, v]) => `${k}=${v}`).join(', ') : '';
    os.append(h('li', {}, h('b', {}, o.name), ` ${o.kind}${o.via ? ` (on ${o.via})` : ''}${attrs ? ` · ${attrs}` : ''}`));
  }
  rows.push(['OS devices', d.osDevices.length ? os : 'none']);
  const roles = h('ul', { class: 'roles', 'data-testid': 'details-roles' });
  for (const r of d.roleReasons) roles.append(h('li', {}, h('span', { class: 'chip', 'data-role': r.role }, r.role), ` ${r.reason}`));
  rows.push(['Roles', d.roleReasons.length ? roles : d.roles.length ? d.roles.join(', ') : 'none']);
  // Fields this build does not know yet (newer snapshots): shown raw, never dropped.
  for (const [k, v] of Object.entries(d)) if (!KNOWN.has(k) && v !== undefined) rows.push([k, JSON.stringify(v)]);
  const diags = t.diagnostics.filter((x) => x.address === d.address);
  if (diags.length) rows.push(['Diagnostics', h('ul', {}, ...diags.map((x) => h('li', {}, `${x.severity}: ${x.path}: ${x.message}`)))]);
  el.append(table(rows));
}

export function renderNode(el: HTMLElement, id: string, t: Snapshot, cb: DetailsCallbacks): void {
  clear(el);
  if (id.startsWith('cpus:')) {
    const n = t.numaNodes.find((x) => `cpus:${x.id}` === id);
    if (!n) return;
    const cpus = t.machine.cpus.filter((c) => c.node === n.id);
    const devs = t.pci.devices.filter((d) => d.numaNode === n.id && d.portKind === 'endpoint');
    el.append(h('h2', {}, `NUMA node ${n.id}`));
    const rows: Row[] = [
      ['Kind', `${n.kind}${n.kindReason ? ` (${n.kindReason})` : ''}`],
      ['CPUs', n.cpus ? `${n.cpus} (${cpuCount(n.cpus)})` : 'none'],
      ['Memory', n.memoryBytes === null ? 'unknown' : formatBytes(n.memoryBytes)],
      ['Distances', n.distances.join(' ') || 'unknown'],
    ];
    const u = [...new Set(cpus.map((c) => c.uarch).filter(Boolean))];
    if (u.length) rows.push(['Cores', u.join(', ')]);
    const list = h('span', {});
    devs.forEach((d, i) => list.append(i ? ' ' : '', addrLink(d.address, cb)));
    rows.push(['Local endpoints', devs.length ? list : 'none']);
    el.append(table(rows));
  } else if (id.startsWith('rc:')) {
    // A complex split over NUMA boxes has one frame per box: rc:ID@numa:N.
    const rcId = id.slice(3).replace(/@.*$/, '');
    const hb = (t.pci.hostBridges ?? []).find((x) => x.id === rcId);
    el.append(h('h2', {}, `Root complex ${rcId}`));
    el.append(table([
      ['Domain / bus', hb ? `${hb.domain} / ${hb.bus}` : 'unknown'],
      ['NUMA node', hb?.numaNode === null || hb === undefined ? 'unknown' : String(hb.numaNode)],
      ['Local CPUs', hb?.localCpus ?? 'unknown'],
      ...(hb?.behind ? ([['Behind', addrLink(hb.behind, cb)]] as Row[]) : []),
    ]));
  } else if (id === 'machine') {
    const m = t.machine;
    el.append(h('h2', {}, m.hostname ?? t.source.name));
    const rows: Row[] = [
      ['Architecture', `${archLine(m)}${m.archSource ? ` (from ${m.archSource})` : ''}`],
      ['CPU model', m.cpuModel ?? 'unknown'],
      ['CPUs', m.cpus.length ? String(m.cpus.length) : 'not reported'],
      ['Kernel', m.kernel ?? 'unknown'],
      ['Memory', m.totalMemoryBytes ? formatBytes(m.totalMemoryBytes) : 'unknown'],
      ['Source', `${t.source.kind}: ${t.source.name}`],
      ['Captured', t.capturedAt ?? 'unknown (the input does not record it)'],
    ];
    if (m.vendor || m.product) rows.push(['System', `${m.vendor ?? ''} ${m.product ?? ''}`.trim()]);
    if (t.cxl.memdevs.length) rows.push(['CXL memdevs', t.cxl.memdevs.map((x) => `${x.name} (${x.pciAddress ?? 'no PCI'}${x.ramBytes !== null ? `, ram ${formatBytes(x.ramBytes)}` : ''}, node ${x.numaNode ?? 'unknown'})`).join('; ')]);
    if (t.cxl.regions.length) rows.push(['CXL regions', t.cxl.regions.map((x) => `${x.name}${x.sizeBytes !== null ? ` ${formatBytes(x.sizeBytes)}` : ''} ${x.mode ?? ''} → node ${x.numaNode ?? 'unknown'}`).join('; ')]);
    const warn = t.diagnostics.filter((x) => x.severity !== 'info');
    if (warn.length) rows.push(['Diagnostics', `${warn.length} (see the Diagnostics tab)`]);
    el.append(table(rows));
  }
}

/** "Mellanox ConnectX-6 [0x101b]"; "unknown [0x0d93]" when the name is absent; "unknown" when both are. */
function named(name: string | null | undefined, id: string | null | undefined): string {
  if (!id) return name ?? 'unknown';
  return `${name ?? 'unknown'} [${id}]`;
}

/** A folded group (VFs of a PF, plain platform functions of a bridge): its summary and every member. */
export function renderGroup(el: HTMLElement, n: SceneNode, t: Snapshot, cb: DetailsCallbacks): void {
  clear(el);
  el.append(h('h2', { 'data-testid': 'details-title' }, n.title ?? n.lines[0] ?? n.id));
  const byAddr = new Map(t.pci.devices.map((d) => [d.address, d] as const));
  const unrecorded = noDriversReason(t) !== null;
  const rows: Row[] = [];
  if (n.pf) rows.push(['PF', addrLink(n.pf, cb)]);
  rows.push(['Summary', n.lines.slice(1).join(' · ') || n.lines[0] || '']);
  rows.push(['Members', String(n.members?.length ?? 0)]);
  el.append(table(rows));
  const list = h('ul', { class: 'members', 'data-testid': 'details-members' });
  for (const a of n.members ?? []) {
    const d = byAddr.get(a);
    list.append(h('li', {}, addrLink(a, cb), d ? ` ${d.deviceName ?? d.className ?? ''} · ${d.driver ?? (unrecorded ? 'driver not recorded' : 'no driver')}${d.osDevices.length ? ` · ${d.osDevices.map((o) => o.name).join(', ')}` : ''}` : ''));
  }
  el.append(h('h3', {}, 'Members (click to open the group and select)'), list);
}

export function linkSummary(d: PciDevice): string {
  return describeLink(d.link);
}
