// The Matrix tab: `topolens matrix` as a coloured grid for the chosen devices (the
// default set: GPUs, accelerators, RDMA, NVMe and network endpoints). A cell names the
// path class and why; clicking it marks the path between the two devices in the graph.
// The classes are answers/matrix's; this module only draws them.
import type { PciDevice, Snapshot } from '../../../electron/topology/model';
import { buildMatrix, pathBetween, PATH_CLASSES, PATH_LEGEND, PciPaths, type MatrixResult, type PathClass } from '../../../electron/topology/answers/matrix';
import { clear, h } from './dom';
import { pickDevices, selForm } from './answers-common';
import type { Panel, PanelContext } from './panels';

/** Larger grids stop being readable in a side panel; the CLI has no such limit. */
export const MATRIX_MAX = 48;

export interface MatrixHooks {
  /** Mark the path between two devices in the graph (both ends and what lies between). */
  highlightPair(a: string, b: string): void;
}

function legend(used: ReadonlySet<PathClass>): HTMLElement {
  const ul = h('ul', { class: 'matrix-legend', 'data-testid': 'matrix-legend' });
  for (const c of PATH_CLASSES) {
    if (c === 'X' || (c === 'UNK' && !used.has('UNK'))) continue;
    ul.append(h('li', {}, h('span', { class: `chip cls-${c}` }, c), PATH_LEGEND[c]));
  }
  return ul;
}

function grid(r: MatrixResult, onCell: (i: number, j: number, td: HTMLElement) => void): HTMLElement {
  const head = h('tr', {}, h('th', {}), ...r.labels.map((l, j) => h('th', { class: 'col', title: r.devices[j]! }, l)), h('th', {}, 'NUMA'), h('th', {}, 'CPUs'));
  const rows = r.labels.map((l, i) =>
    h(
      'tr',
      {},
      h('th', { title: r.devices[i]! }, l),
      ...r.matrix[i]!.map((c, j) => {
        const td = h('td', { class: `cls-${c}`, 'data-testid': `matrix-cell-${i}-${j}`, 'data-class': c, 'data-a': r.devices[i]!, 'data-b': r.devices[j]! }, c);
        td.addEventListener('click', () => onCell(i, j, td));
        return td;
      }),
      h('td', { class: 'cls-X' }, r.numaNode[i] ?? 'N/A'),
      h('td', { class: 'cls-X' }, r.cpus[i] ?? 'N/A'),
    ),
  );
  return h('div', { class: 'matrix-wrap' }, h('table', { class: 'matrix', 'data-testid': 'matrix-grid' }, head, ...rows));
}

export function matrixPanel(hooks: MatrixHooks): Panel {
  let ctx: PanelContext;
  let out: HTMLElement;
  let why: HTMLElement;
  let form: ReturnType<typeof selForm>;
  const render = () => {
    const t: Snapshot | undefined = ctx.loaded()?.snapshot;
    clear(out);
    clear(why);
    if (!t) return;
    const { devices, error } = pickDevices(t, form.value());
    if (error) {
      out.append(h('p', { class: 'answers-note', 'data-testid': 'matrix-error' }, error));
      return;
    }
    const shown: readonly PciDevice[] = devices.slice(0, MATRIX_MAX);
    if (!shown.length) {
      out.append(h('p', { class: 'answers-note' }, 'No devices: type addresses, names or roles above (all for every function).'));
      return;
    }
    if (devices.length > shown.length) out.append(h('p', { class: 'answers-note' }, `first ${MATRIX_MAX} of ${devices.length} devices (topolens matrix prints all)`));
    const r = buildMatrix(t, shown);
    const paths = new PciPaths(t);
    let active: HTMLElement | null = null;
    out.append(
      grid(r, (i, j, td) => {
        active?.classList.remove('active');
        td.classList.add('active');
        active = td;
        const p = pathBetween(paths, shown[i]!, shown[j]!);
        clear(why);
        why.append(`${r.labels[i]} ↔ ${r.labels[j]}: ${p.cls} — ${p.reason}`);
        if (i !== j) hooks.highlightPair(r.devices[i]!, r.devices[j]!);
        else ctx.select(r.devices[i]!);
      }),
      legend(new Set(r.matrix.flat())),
    );
  };
  return {
    id: 'matrix',
    title: 'Matrix',
    wide: true,
    mount(el, c) {
      ctx = c;
      form = selForm('matrix', 'default: GPU, NVMe, NIC, RDMA endpoints — or addresses, roles, all', () => ctx.selected(), render);
      out = h('div', { 'data-testid': 'matrix-out' });
      why = h('p', { class: 'answers-note', 'data-testid': 'matrix-why' });
      el.append(form.el, why, out);
    },
    onLoad() {
      form.set('');
      render();
    },
  };
}
