// The header: hostname, architecture (AArch64 flagged with its core names), CPU model,
// NUMA node count and device counts per role (clickable: filters by that role).
import type { LoadedTopology } from '../../../electron/ipc';
import { archLine } from '../../../electron/topology/view/scene';
import { ROLE_ORDER, ROLE_STYLE, type ViewRole } from '../../../electron/topology/view/style';
import { clear, h } from './dom';

export function roleCountsOf(l: LoadedTopology): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of l.snapshot.pci.devices) for (const r of d.roles) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

export function renderHeader(el: HTMLElement, l: LoadedTopology, onRole: (role: string) => void): void {
  clear(el);
  const t = l.snapshot;
  const m = t.machine;
  const aarch64 = m.arch === 'aarch64';
  el.append(
    h('span', { class: 'host', 'data-testid': 'hostname', title: `${m.hostname ?? t.source.name} (source: ${t.source.kind} ${t.source.name})` }, m.hostname ?? t.source.name),
    h('span', { class: aarch64 ? 'arch arch-aarch64' : 'arch', 'data-testid': 'arch', title: m.archSource ? `arch from ${m.archSource}` : '' }, aarch64 ? `AArch64 · ${archLine(m).replace(/^aarch64 · /, '')}` : m.arch),
  );
  if (m.cpuModel && !aarch64) el.append(h('span', { class: 'cpu-model', 'data-testid': 'cpu-model' }, m.cpuModel));
  el.append(
    h('span', { class: 'fact', 'data-testid': 'numa-count' }, `${t.numaNodes.length} NUMA node${t.numaNodes.length === 1 ? '' : 's'}`),
    // lspci-only inputs know nothing of CPUs: say so rather than "0 CPUs".
    h('span', { class: 'fact', 'data-testid': 'cpu-count' }, m.cpus.length ? `${m.cpus.length} CPUs` : 'CPUs not reported'),
    h('span', { class: 'fact', 'data-testid': 'device-count' }, `${t.pci.devices.length} PCI functions`),
  );
  const counts = roleCountsOf(l);
  const chips = h('span', { class: 'chips' });
  for (const r of ROLE_ORDER) {
    const n = counts.get(r);
    if (!n || r === 'root-port' || r === 'bridge') continue;
    const st = ROLE_STYLE[r as ViewRole];
    chips.append(h('button', { class: `chip prim-${r}`, 'data-role': r, title: `show only ${st.label} (${st.meaning})`, onclick: () => onRole(r) }, `${st.label} ${n}`));
  }
  el.append(chips);
  if (m.note) el.append(h('span', { class: 'note' }, m.note));
}
