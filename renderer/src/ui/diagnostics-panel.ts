// The Diagnostics tab: every diagnostic of the loaded input (severity, the file it is
// about, the device, the message); a device address selects that device in the graph.
// Errors and warnings first; info can be hidden. It does not explain or fix them.
import type { Diagnostic } from '../../../electron/topology/model';
import { clear, h } from './dom';
import type { Panel, PanelContext } from './panels';

const ORDER: Record<Diagnostic['severity'], number> = { error: 0, warning: 1, info: 2 };

export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.path.localeCompare(b.path));
}

export function diagnosticsPanel(): Panel {
  let ctx: PanelContext;
  let list: HTMLElement;
  let showInfo: HTMLInputElement;
  let summary: HTMLElement;
  const render = () => {
    const t = ctx.loaded()?.snapshot;
    clear(list);
    if (!t) return;
    const all = sortDiagnostics(t.diagnostics);
    const shown = showInfo.checked ? all : all.filter((d) => d.severity !== 'info');
    const counts = (['error', 'warning', 'info'] as const).map((s) => `${all.filter((d) => d.severity === s).length} ${s}${s === 'info' ? '' : 's'}`);
    summary.textContent = `${counts.join(' · ')} — source: ${t.source.kind} ${t.source.name}`;
    if (!shown.length) {
      list.append(h('p', { class: 'hint' }, all.length ? 'Only info diagnostics (tick "show info").' : 'No diagnostics: every file read cleanly.'));
      return;
    }
    const ul = h('ul', { class: 'diagnostics', 'data-testid': 'diagnostics-list' });
    for (const d of shown) {
      const dev = d.address ? h('a', { href: '#', class: 'addr', onclick: (e: Event) => { e.preventDefault(); ctx.select(d.address!); } }, d.address) : null;
      ul.append(h('li', { class: `sev-${d.severity}` }, h('span', { class: 'sev' }, d.severity), ' ', h('code', { class: 'path' }, d.path), dev ? ' · ' : '', dev, h('div', { class: 'msg' }, d.message)));
    }
    list.append(ul);
  };
  return {
    id: 'diagnostics',
    title: 'Diagnostics',
    mount(el, c) {
      ctx = c;
      showInfo = h('input', { type: 'checkbox', onchange: () => render() });
      summary = h('p', { class: 'muted', 'data-testid': 'diagnostics-summary' });
      list = h('div', {});
      el.append(summary, h('label', {}, showInfo, ' show info'), list);
    },
    onLoad: () => render(),
    badge: (l) => {
      const n = l.snapshot.diagnostics.filter((d) => d.severity !== 'info').length;
      return n ? String(n) : null;
    },
  };
}
