// The readable text tree (`topolens show`): a header with the machine, then per NUMA
// node its root complexes, bridges and functions with drivers, OS devices, link
// health and roles. Plain text; colour is the CLI's business.
import type { PciDevice, Snapshot } from '../model';
import { cpuCount, describeLink, deviceTitle, driversRecorded, formatBytes, machineLine, PORT_KIND_LABEL, roleCounts, shortClass } from './describe';
import { buildTree, type NumaGroup, type RootComplex, type TreeNode } from './tree';

export interface TextOptions {
  /** Show every function; false hides plain functions hwloc would hide (no driver, no OS device, no role). */
  readonly all?: boolean;
}

function deviceLine(d: PciDevice, groupNode: number | null): string {
  const bits: string[] = [d.address];
  const kind = PORT_KIND_LABEL[d.portKind];
  bits.push(kind ? `${kind}:` : `${shortClass(d)}:`);
  bits.push(d.vendorId || d.deviceId ? `${deviceTitle(d)} [${d.vendorId?.slice(2) ?? 'unknown'}:${d.deviceId?.slice(2) ?? 'unknown'}]` : deviceTitle(d));
  if (d.driver) bits.push(`driver ${d.driver}`);
  else if (d.driverOverride) bits.push(`driver_override ${d.driverOverride}`);
  const os = d.osDevices.map((o) => {
    if (o.via) return `${o.kind} ${o.name} (on ${o.via})`;
    const region = o.attrs?.['region'];
    if (o.kind === 'cxl' && region) {
      const node = o.attrs?.['regionNumaNode'];
      return `cxl ${o.name} → ${region}${node !== undefined ? ` → NUMA node ${node}` : ''}`;
    }
    return `${o.kind} ${o.name}`;
  });
  if (os.length) bits.push(`[${os.join(', ')}]`);
  const link = describeLink(d.link);
  if (link && (d.portKind === 'endpoint' || d.link?.downgraded)) bits.push(link);
  if (d.sriov?.physfn) bits.push(`VF of ${d.sriov.physfn}`);
  else if (d.sriov && (d.sriov.totalVfs ?? 0) > 0) bits.push(`SR-IOV ${d.sriov.numVfs ?? 0}/${d.sriov.totalVfs} VFs`);
  const roles = d.roles.filter((r) => r !== 'root-port' && r !== 'switch');
  if (roles.length) bits.push(`{${roles.join(', ')}}`);
  if (d.numaNode !== groupNode && d.numaNode !== null) bits.push(`(NUMA node ${d.numaNode} from ${d.localityRule})`);
  else if (d.localityRule === 'parent' || d.localityRule === 'local_cpulist' || d.localityRule === 'root-complex') bits.push(`(node from ${d.localityRule})`);
  return bits.join('  ');
}

/** "+ 64 VFs 0000:3b:02.0 … 0000:3b:09.7: iavf ×60, vfio-pci ×4 (--all lists them)" */
function vfSummary(vfs: PciDevice[], drivers: boolean): string {
  const byDriver = new Map<string, number>();
  for (const v of vfs) byDriver.set(v.driver ?? 'no driver', (byDriver.get(v.driver ?? 'no driver') ?? 0) + 1);
  const range = vfs.length > 1 ? `${vfs[0]!.address} … ${vfs[vfs.length - 1]!.address}` : vfs[0]!.address;
  // An input without drivers (hwloc XML...) says nothing of them rather than "no driver".
  const which = drivers ? `: ${[...byDriver].map(([d, c]) => `${d} ×${c}`).join(', ')}` : '';
  return `+ ${vfs.length} VF${vfs.length === 1 ? '' : 's'} ${range}${which} (--all lists them)`;
}

function interesting(n: TreeNode): boolean {
  const d = n.device;
  return d.portKind !== 'endpoint' ? n.children.some(interesting) : d.osDevices.length > 0 || d.roles.length > 0 || (d.classCode ?? '').startsWith('0x02') || (d.classCode ?? '').startsWith('0x01');
}

/** A subtree whose locality differs from the section its root complex is listed in: listed under its own node. */
interface Fragment {
  readonly root: TreeNode;
  readonly complex: RootComplex;
  /** The upstream bridge it hangs from (listed in another section), or null for a root-bus function. */
  readonly via: string | null;
  readonly from: number | null;
}

/** Every function is listed in the section of its own NUMA node (as the picture draws it); subtrees that differ move. */
function findFragments(groups: readonly NumaGroup[]): Map<number | null, Fragment[]> {
  const out = new Map<number | null, Fragment[]>();
  const add = (f: Fragment) => out.set(f.root.device.numaNode, [...(out.get(f.root.device.numaNode) ?? []), f]);
  const walk = (n: TreeNode, node: number | null, c: RootComplex, section: number | null) => {
    for (const k of n.children) {
      if (k.device.numaNode !== node) {
        add({ root: k, complex: c, via: n.device.address, from: section });
        walk(k, k.device.numaNode, c, k.device.numaNode);
      } else walk(k, node, c, section);
    }
  };
  for (const g of groups) {
    for (const c of g.complexes) {
      for (const r of c.roots) {
        if (r.device.numaNode !== g.node) {
          add({ root: r, complex: c, via: null, from: g.node });
          walk(r, r.device.numaNode, c, r.device.numaNode);
        } else walk(r, g.node, c, g.node);
      }
    }
  }
  return out;
}

const sectionName = (n: number | null) => (n === null ? 'Locality unknown' : `NUMA node ${n}`);

/** The machine header lines. */
function headerLines(t: Snapshot): string[] {
  const out: string[] = [];
  const m = t.machine;
  out.push(`Machine: ${machineLine(t)}`);
  if (m.arch === 'aarch64') {
    out.push(`  AArch64: ${m.cpuModel ?? 'cores not identified'}`);
  }
  // Unknowns are left out (an lspci file knows no kernel, CPUs or memory), never shown as "?" or 0.
  const facts = [
    m.kernel ? `kernel ${m.kernel}` : '',
    m.cpus.length ? `${m.cpus.length} CPUs` : 'CPUs not reported',
    `${t.numaNodes.length} NUMA node${t.numaNodes.length === 1 ? '' : 's'}`,
    `${t.pci.devices.length} PCI functions`,
    m.totalMemoryBytes ? `memory ${formatBytes(m.totalMemoryBytes)}` : '',
  ];
  out.push(`  ${facts.filter(Boolean).join(' · ')}`);
  out.push(`  source: ${t.source.kind} ${t.source.name}`);
  if (m.note) out.push(`  note: ${m.note}`);
  const rc = roleCounts(t);
  if (rc.length) out.push(`  roles: ${rc.map(([r, n]) => `${r} ${n}`).join(' · ')}`);
  return out;
}

export function exportText(t: Snapshot, opts: TextOptions = {}): string {
  const out: string[] = headerLines(t);
  const hidden: number[] = [0];
  const groups = buildTree(t);
  const fragments = findFragments(groups);
  const moved = new Set([...fragments.values()].flat().map((f) => f.root.device.address));
  const drivers = driversRecorded(t);
  if (fragments.has(null) && !groups.some((g) => g.node === null)) groups.push({ node: null, complexes: [] });
  const walk = (list: TreeNode[], prefix: string, node: number | null) => {
    // Without --all, a PF's virtual functions fold into one summary line under it.
    const vfsOf = new Map<string, PciDevice[]>();
    if (!opts.all) {
      const here = new Set(list.map((n) => n.device.address));
      for (const n of list) {
        const pf = n.device.sriov?.physfn;
        if (pf && here.has(pf) && !moved.has(n.device.address)) vfsOf.set(pf, [...(vfsOf.get(pf) ?? []), n.device]);
      }
    }
    const folded = new Set([...vfsOf.values()].flat().map((d) => d.address));
    const shown = (opts.all ? list : list.filter((n) => moved.has(n.device.address) || interesting(n))).filter((n) => !folded.has(n.device.address));
    hidden[0]! += list.length - shown.length;
    if (shown.length === 0 && list.length > 0 && prefix === '    ') out.push(`${prefix}(${list.length} plain function${list.length === 1 ? '' : 's'} hidden)`);
    shown.forEach((n, i) => {
      const last = i === shown.length - 1;
      const d = n.device;
      if (moved.has(d.address) && d.numaNode !== node) {
        out.push(`${prefix}${last ? '└─ ' : '├─ '}${d.address} → listed under ${sectionName(d.numaNode)} (its NUMA node, from ${d.localityRule})`);
        return;
      }
      out.push(`${prefix}${last ? '└─ ' : '├─ '}${deviceLine(d, node)}`);
      const vfs = vfsOf.get(d.address);
      if (vfs) out.push(`${prefix}${last ? '   ' : '│  '}${vfSummary(vfs, drivers)}`);
      walk(n.children, `${prefix}${last ? '   ' : '│  '}`, node);
    });
  };
  for (const g of groups) {
    out.push('');
    const node = g.node === null ? undefined : t.numaNodes.find((n) => n.id === g.node);
    if (g.node === null) out.push('Locality unknown (numa_node -1, no usable local_cpulist)');
    else if (node) {
      const dist = node.distances.length ? ` · distances ${node.distances.join(' ')}` : '';
      const cpus = node.cpus ? `CPUs ${node.cpus} (${cpuCount(node.cpus)})` : t.machine.cpus.length ? 'no CPUs' : 'CPUs not reported';
      out.push([`NUMA node ${node.id} (${node.kind})`, cpus, node.memoryBytes !== null ? formatBytes(node.memoryBytes) : ''].filter(Boolean).join(' · ') + dist);
    } else out.push(`NUMA node ${g.node}`);
    const here = fragments.get(g.node) ?? [];
    if (g.complexes.length === 0 && here.length === 0) out.push('  (no PCI devices)');
    for (const c of g.complexes) {
      const behind = c.hostBridge?.behind ? ` behind ${c.hostBridge.behind}` : '';
      out.push(c.unrecorded ? `  ${c.label} (${c.unrecorded})` : `  ${c.id} root complex${behind}`);
      walk(c.roots, '    ', g.node);
    }
    for (const f of here) {
      out.push(`  ${f.complex.unrecorded ? f.complex.label : `${f.complex.id} root complex`} (continued${f.via ? `: behind ${f.via}` : ''}, listed under ${sectionName(f.from)})`);
      walk([f.root], '    ', g.node);
    }
  }
  if (!opts.all && hidden[0]! > 0) out.push('', `(${hidden[0]} plain functions hidden; --all shows every function)`);
  const warn = t.diagnostics.filter((d) => d.severity !== 'info');
  if (warn.length) {
    out.push('', `Diagnostics (${warn.length}):`);
    for (const d of warn.slice(0, 20)) out.push(`  ${d.severity}: ${d.path}${d.address ? ` [${d.address}]` : ''}: ${d.message}`);
    if (warn.length > 20) out.push(`  ... ${warn.length - 20} more (export --format json lists all)`);
  }
  return `${out.join('\n')}\n`;
}
