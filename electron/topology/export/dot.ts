// Graphviz DOT of the tree: NUMA nodes as clusters, devices as boxes coloured by role
// (the view's colour-blind-safe palette). Each function is declared in the cluster of
// its own NUMA node (Graphviz puts a node in the cluster it is first declared in), so a
// device whose locality differs from its root complex's sits in its own node, joined by
// an edge across. Text only; rendering is Graphviz's job.
import type { PciDevice, Snapshot } from '../model';
import { primaryRole, ROLE_STYLE } from '../view/style';
import { describeLink, deviceTitle, PORT_KIND_LABEL } from './describe';
import { buildTree, type TreeNode } from './tree';

const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function deviceNode(d: PciDevice): string {
  const os = d.osDevices.map((o) => o.name).join(' ');
  const label = [d.address, PORT_KIND_LABEL[d.portKind] || deviceTitle(d), d.driver ?? '', os, describeLink(d.link)].filter(Boolean).join('\\n');
  const role = primaryRole(d);
  const st = ROLE_STYLE[role];
  const colour = role === 'other' ? '' : `, fillcolor=${q(st.fill.light)}, color=${q(st.border.light)}`;
  return `${q(d.address)} [label="${label.replace(/"/g, '\\"')}"${colour}]`;
}

export function exportDot(t: Snapshot): string {
  const out: string[] = ['digraph topology {', '  rankdir=LR;', '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica", fontsize=10];'];
  out.push(`  label=${q(`${t.machine.hostname ?? ''} ${t.machine.arch} ${t.machine.cpuModel ?? ''}`.trim())};`);
  const members = new Map<number | null, string[]>();
  const member = (node: number | null, line: string) => members.set(node, [...(members.get(node) ?? []), line]);
  const edges: string[] = [];
  const groups = buildTree(t);
  for (const g of groups) {
    for (const rc of g.complexes) {
      member(g.node, `${q(rc.id)} [shape=component, label=${q(rc.unrecorded ? `${rc.label} (${rc.unrecorded})` : rc.id)}]`);
      const walk = (n: TreeNode, parent: string) => {
        const d = n.device;
        member(d.numaNode, deviceNode(d));
        edges.push(`  ${q(parent)} -> ${q(d.address)};`);
        n.children.forEach((ch) => walk(ch, d.address));
      };
      rc.roots.forEach((r) => walk(r, rc.id));
    }
  }
  const keys = [...new Set([...groups.map((g) => g.node), ...members.keys()])].sort((a, b) => (a === null ? 1 : b === null ? -1 : a - b));
  keys.forEach((k, c) => {
    const lines = members.get(k) ?? [];
    if (!lines.length) return;
    out.push(`  subgraph cluster_${c} {`, `    label=${q(k === null ? 'locality unknown' : `NUMA node ${k}`)};`);
    for (const l of lines) out.push(`    ${l};`);
    out.push('  }');
  });
  out.push(...edges, '}');
  return `${out.join('\n')}\n`;
}
