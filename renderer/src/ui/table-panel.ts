// The Table tab: every PCI function as a row (view/table.ts), sortable by any column,
// filtered by the same words as the graph's search, synced with the graph selection
// both ways, exportable as CSV or Markdown. Rows are plain DOM (text nodes only).
import { exportFileName } from '../../../electron/ipc';
import { TABLE_COLUMNS, tableCsv, tableMarkdown, tableRows, type TableRow } from '../../../electron/topology/view/table';
import { clear, h } from './dom';
import type { Panel, PanelContext } from './panels';

/** Save the rows as shown (filtered, sorted) as CSV or Markdown through the host. */
async function saveRows(ctx: PanelContext, rows: readonly TableRow[], kind: 'csv' | 'md'): Promise<void> {
  const l = ctx.loaded();
  if (!l) return;
  const data = kind === 'csv' ? tableCsv(rows) : tableMarkdown(rows);
  const name = exportFileName(l.snapshot, 'text').replace(/\.txt$/, kind === 'csv' ? '-functions.csv' : '-functions.md');
  const r = await ctx.api.save('text', data, name);
  if (!r.ok) ctx.status(r.error, true);
  else if (r.value) ctx.status(`saved ${r.value}`);
}

/** Move the selected-row mark to the row of `id` (none when null) and scroll it into view. */
function markSelectedRow(body: HTMLTableSectionElement, id: string | null): void {
  for (const tr of body.querySelectorAll('tr.selected')) tr.classList.remove('selected');
  if (!id) return;
  const tr = body.querySelector<HTMLTableRowElement>(`tr[data-address="${CSS.escape(id)}"]`);
  if (!tr) return;
  tr.classList.add('selected');
  tr.scrollIntoView({ block: 'nearest' });
}

export function tablePanel(): Panel {
  let ctx: PanelContext;
  let body: HTMLTableSectionElement;
  let head: HTMLTableRowElement;
  let filter: HTMLInputElement;
  let count: HTMLElement;
  let sortKey: keyof TableRow = 'address';
  let descending = false;
  let rows: TableRow[] = [];
  let visible = false;
  let dirty = true;

  const renderHead = () => {
    clear(head);
    for (const c of TABLE_COLUMNS) {
      const mark = c.key === sortKey ? (descending ? ' ▼' : ' ▲') : '';
      head.append(h('th', { 'data-key': c.key, title: 'sort', onclick: () => sortBy(c.key) }, `${c.label}${mark}`));
    }
  };
  const renderBody = () => {
    const t = ctx.loaded()?.snapshot;
    clear(body);
    rows = t ? tableRows(t, filter.value, sortKey, descending) : [];
    const sel = ctx.selected();
    for (const r of rows) {
      const tr = h('tr', { 'data-address': r.address, class: r.address === sel ? 'selected' : '', onclick: () => ctx.select(r.address) });
      for (const c of TABLE_COLUMNS) tr.append(h('td', { class: `col-${c.key}`, title: r[c.key] }, r[c.key]));
      body.append(tr);
    }
    count.textContent = t ? `${rows.length} of ${t.pci.devices.length} functions` : '';
    dirty = false;
    body.querySelector('tr.selected')?.scrollIntoView({ block: 'nearest' });
  };
  const sortBy = (k: keyof TableRow) => {
    descending = k === sortKey ? !descending : false;
    sortKey = k;
    renderHead();
    renderBody();
  };
  const save = (kind: 'csv' | 'md') => saveRows(ctx, rows, kind);
  return {
    id: 'table',
    title: 'Table',
    wide: true,
    mount(el, c) {
      ctx = c;
      filter = h('input', { type: 'search', placeholder: 'Filter: address, name, driver, role, netdev…', 'aria-label': 'Filter the table', 'data-testid': 'table-filter', oninput: () => renderBody() });
      count = h('span', { class: 'muted', 'data-testid': 'table-count' });
      const bar = h('div', { class: 'table-bar' }, filter, count, h('button', { 'data-testid': 'table-csv', onclick: () => void save('csv') }, 'CSV'), h('button', { 'data-testid': 'table-md', onclick: () => void save('md') }, 'Markdown'));
      head = h('tr', {});
      body = h('tbody', {});
      el.append(bar, h('div', { class: 'table-wrap' }, h('table', { class: 'functions', 'data-testid': 'function-table' }, h('thead', {}, head), body)));
      renderHead();
    },
    onLoad() {
      dirty = true;
      if (visible) renderBody();
    },
    onShow() {
      visible = true;
      if (dirty) renderBody();
    },
    onSelect(id) {
      if (!dirty) markSelectedRow(body, id);
    },
    badge: (l) => String(l.snapshot.pci.devices.length),
  };
}
