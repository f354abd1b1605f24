// Graphviz DOT of the tree: NUMA nodes as clusters, devices as boxes coloured by role.
// Text only; rendering is Graphviz's job.
import type { Snapshot } from '../model';
import { describeLink, deviceTitle, PORT_KIND_LABEL } from './describe';
import { buildTree, type TreeNode } from './tree';

const ROLE_COLOUR: Readonly<Record<string, string>> = {
  dpdk: '#d62728', spdk: '#9467bd', rdma: '#ff7f0e', cxl: '#17becf', gpu: '#2ca02c', nvme: '#8c564b',
  'dpdk-capable': '#f7b6b6', 'sriov-vf': '#dddddd', switch: '#bcbd22', 'root-port': '#c7c7c7',
};

const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function exportDot(t: Snapshot): string {
  const out: string[] = ['digraph topology {', '  rankdir=LR;', '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica", fontsize=10];'];
  out.push(`  label=${q(`${t.machine.hostname ?? ''} ${t.machine.arch} ${t.machine.cpuModel ?? ''}`.trim())};`);
  let c = 0;
  for (const g of buildTree(t)) {
    out.push(`  subgraph cluster_${c++} {`, `    label=${q(g.node === null ? 'locality unknown' : `NUMA node ${g.node}`)};`);
    for (const rc of g.complexes) {
      out.push(`    ${q(rc.id)} [shape=component, label=${q(rc.id)}];`);
      const walk = (n: TreeNode, parent: string) => {
        const d = n.device;
        const role = d.roles.find((r) => ROLE_COLOUR[r]);
        const os = d.osDevices.map((o) => o.name).join(' ');
        const label = [d.address, PORT_KIND_LABEL[d.portKind] || deviceTitle(d), d.driver ?? '', os, describeLink(d.link)].filter(Boolean).join('\\n');
        out.push(`    ${q(d.address)} [label="${label.replace(/"/g, '\\"')}"${role ? `, fillcolor=${q(ROLE_COLOUR[role]!)}` : ''}];`);
        out.push(`    ${q(parent)} -> ${q(d.address)};`);
        n.children.forEach((ch) => walk(ch, d.address));
      };
      rc.roots.forEach((r) => walk(r, rc.id));
    }
    out.push('  }');
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
