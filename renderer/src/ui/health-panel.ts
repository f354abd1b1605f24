// The Health tab: `topolens check` findings (downgraded links, numa_node -1, CPU-less
// nodes, SR-IOV, drivers for DPDK/SPDK, shared IOMMU groups, AER errors, hugepages),
// each with its evidence and what to do; the device name clicks through to the graph.
// The findings are answers/check's; this module only lists them.
import { checkTopology, type CheckResult, type Finding } from '../../../electron/topology/answers/check';
import type { Snapshot } from '../../../electron/topology/model';
import { clear, h } from './dom';
import type { Panel, PanelContext } from './panels';
import './answers.css';

function findingEl(f: Finding, i: number, select: (a: string) => void): HTMLElement {
  const dev = f.device ? h('button', { class: 'dev', 'data-testid': `finding-device-${i}`, onclick: () => select(f.device!) }, f.device) : '';
  const more = f.devices.length > 1 ? ` (+${f.devices.length - 1})` : '';
  return h(
    'div',
    { class: `finding ${f.severity}`, 'data-testid': `finding-${i}`, 'data-check': f.check, 'data-severity': f.severity },
    h('div', {}, h('strong', {}, f.severity === 'warning' ? 'Warning ' : 'Note '), dev, more, ` [${f.check}] ${f.message}`),
    ...f.evidence.map((e) => h('div', { class: 'evidence' }, `${e.file} = ${e.value}`)),
    h('div', { class: 'action' }, `What to do: ${f.action}`),
  );
}

export function healthPanel(): Panel {
  let ctx: PanelContext;
  let out: HTMLElement;
  let forSel: HTMLSelectElement;
  let last: { t: Snapshot; r: CheckResult } | null = null;
  const run = (t: Snapshot): CheckResult => {
    const v = forSel.value;
    const r = checkTopology(t, { for: v === 'dpdk' || v === 'spdk' ? v : null });
    last = { t, r };
    return r;
  };
  const render = () => {
    const t = ctx.loaded()?.snapshot;
    clear(out);
    if (!t) return;
    const r = last?.t === t ? last.r : run(t);
    if (!r.findings.length) {
      out.append(h('p', { class: 'answers-note', 'data-testid': 'health-none' }, 'No findings in what this input shows.'));
      return;
    }
    out.append(
      h('p', { class: 'answers-note', 'data-testid': 'health-summary' }, `${r.warnings} warning${r.warnings === 1 ? '' : 's'}, ${r.findings.length - r.warnings} note${r.findings.length - r.warnings === 1 ? '' : 's'}`),
      ...r.findings.map((f, i) => findingEl(f, i, (a) => ctx.select(a))),
    );
  };
  return {
    id: 'health',
    title: 'Health',
    mount(el, c) {
      ctx = c;
      forSel = h('select', { 'aria-label': 'Check for', 'data-testid': 'health-for' }, h('option', { value: '' }, 'general'), h('option', { value: 'dpdk' }, 'for DPDK'), h('option', { value: 'spdk' }, 'for SPDK'));
      forSel.addEventListener('change', () => {
        last = null;
        render();
      });
      out = h('div', { 'data-testid': 'health-out' });
      el.append(h('div', { class: 'answers-form' }, h('label', {}, 'Check ', forSel)), out);
    },
    onLoad() {
      last = null;
      render();
    },
    badge(l) {
      const r = last?.t === l.snapshot ? last.r : run(l.snapshot);
      return r.warnings ? String(r.warnings) : null;
    },
  };
}
