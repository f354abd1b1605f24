// The Compare tab: "Compare with…" parses a second capture through the host (without
// making it current), diffs the map's topology (before) against it (after) with
// compare/diff, marks removed and changed devices on the map (classes cmp-removed,
// cmp-changed on their nodes, or on the group a folded device is in) and lists every
// difference; an address clicks through to the device. Functions only in the other
// capture are listed, not drawn. The comparison is compare/diff's; this module only shows it.
import { diffSnapshots, isIdentical, type SnapshotDiff } from '../../../electron/topology/compare/diff';
import { changeLine } from '../../../electron/topology/compare/format';
import type { Snapshot } from '../../../electron/topology/model';
import type { ThemeName } from '../../../electron/topology/view/style';
import { clear, h } from './dom';
import type { Panel, PanelContext } from './panels';
import './compare.css';

/** The little of Cytoscape and GraphView the marks need (GraphView satisfies it). */
export interface MarkableGraph {
  readonly cy: {
    getElementById(id: string): { nonempty(): boolean; addClass(c: string): unknown };
    elements(sel: string): { removeClass(c: string): unknown };
    on(ev: string, sel: string, cb: () => void): unknown;
    off(ev: string, sel: string, cb: () => void): unknown;
    style(): { selector(s: string): { style(o: Record<string, unknown>): { update(): void } } };
    batch(f: () => void): void;
  };
  groupOf(address: string): string | null;
}

export type Mark = 'cmp-removed' | 'cmp-changed';
const MARK_CLASSES = 'cmp-removed cmp-changed';

/** Which map node gets which mark: removed and changed functions of `before`. */
export function compareMarks(d: SnapshotDiff): Map<string, Mark> {
  const m = new Map<string, Mark>();
  for (const c of d.changed) m.set(c.address, 'cmp-changed');
  for (const a of d.removed) m.set(a, 'cmp-removed');
  return m;
}

/**
 * The marks are halos (Cytoscape overlays), which no role style uses, in Okabe-Ito
 * colours: removed vermillion with a double border, changed reddish purple.
 */
export const MARK_COLOURS = { 'cmp-removed': '#d55e00', 'cmp-changed': '#cc79a7' } as const;

function addMarkStyles(g: MarkableGraph, theme: ThemeName): void {
  const opacity = theme === 'dark' ? 0.45 : 0.35;
  const halo = (c: string) => ({ 'overlay-color': c, 'overlay-opacity': opacity, 'overlay-padding': 7 });
  g.cy.style().selector('node.cmp-removed').style({ ...halo(MARK_COLOURS['cmp-removed']), 'border-style': 'double', 'border-width': 6, 'border-color': MARK_COLOURS['cmp-removed'] }).update();
  g.cy.style().selector('node.cmp-changed').style(halo(MARK_COLOURS['cmp-changed'])).update();
}

function applyMarks(g: MarkableGraph, marks: ReadonlyMap<string, Mark>): void {
  g.cy.batch(() => {
    g.cy.elements('.cmp-removed, .cmp-changed').removeClass(MARK_CLASSES);
    for (const [addr, cls] of marks) {
      const direct = g.cy.getElementById(addr);
      if (direct.nonempty()) direct.addClass(cls);
      else {
        const grp = g.groupOf(addr);
        if (grp) g.cy.getElementById(grp).addClass('cmp-changed');
      }
    }
  });
}

function summary(d: SnapshotDiff): string {
  if (isIdentical(d)) return 'No differences.';
  return `${d.removed.length} removed, ${d.added.length} only in the other capture, ${d.changed.length} changed, ${d.machine.length} machine differences`;
}

function devButton(address: string, select: (a: string) => void): HTMLElement {
  return h('button', { class: 'dev', 'data-address': address, onclick: () => select(address) }, address);
}

function renderDiff(out: HTMLElement, d: SnapshotDiff, before: Snapshot, after: Snapshot, select: (a: string) => void): void {
  out.append(h('p', { class: 'answers-note', 'data-testid': 'compare-summary' }, `${before.source.name} → ${after.source.name}: ${summary(d)}`));
  const list = h('ul', { class: 'compare-list', 'data-testid': 'compare-list' });
  const name = (s: Snapshot, a: string) => {
    const x = s.pci.devices.find((v) => v.address === a);
    return x ? ` ${x.deviceName ?? x.className ?? ''}` : '';
  };
  for (const m of d.machine) list.append(h('li', { class: 'cmp-machine' }, `machine ${changeLine(m)}`));
  for (const a of d.removed) list.append(h('li', { class: 'cmp-removed', 'data-kind': 'removed' }, 'removed ', devButton(a, select), name(before, a)));
  for (const a of d.added) list.append(h('li', { class: 'cmp-added', 'data-kind': 'added' }, `only in ${after.source.name}: ${a}${name(after, a)}`));
  for (const m of d.moved) list.append(h('li', { class: 'cmp-moved', 'data-kind': 'moved' }, 'moved? ', devButton(m.from, select), ` → ${m.to}: ${m.evidence}`));
  for (const c of d.changed) {
    list.append(h('li', { class: 'cmp-changed', 'data-kind': 'changed', 'data-field': c.field }, devButton(c.address, select), ` ${changeLine(c).slice(c.address.length).trim()}`));
  }
  out.append(list);
  for (const n of d.notCompared) out.append(h('p', { class: 'answers-note' }, `Not compared: ${n.field} (${n.reason}).`));
}

export function comparePanel(graph: MarkableGraph): Panel {
  let ctx: PanelContext;
  let out: HTMLElement;
  let other: Snapshot | null = null;
  let marks = new Map<string, Mark>();
  let pending = false;
  // Re-applied after every redraw (view options rebuild the elements, dropping classes).
  const reapply = () => {
    if (pending || marks.size === 0) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      applyMarks(graph, marks);
    });
  };
  // Listen for redraws only while something is marked: an 'add' listener costs every
  // node of every load a dispatch.
  let listening = false;
  const listen = (on: boolean) => {
    if (on === listening) return;
    listening = on;
    if (on) graph.cy.on('add', 'node', reapply);
    else graph.cy.off('add', 'node', reapply);
  };
  const render = () => {
    clear(out);
    const before = ctx.loaded()?.snapshot;
    if (!before || !other) {
      marks = new Map();
      listen(false);
      applyMarks(graph, marks);
      out.append(h('p', { class: 'answers-note' }, 'Open a second capture to compare it with this one: removed and changed devices are marked on the map.'));
      return;
    }
    const d = diffSnapshots(before, other);
    marks = compareMarks(d);
    listen(marks.size > 0);
    applyMarks(graph, marks);
    renderDiff(out, d, before, other, (a) => ctx.select(a));
  };
  const open = async (file: File) => {
    ctx.status(`reading ${file.name}…`);
    const r = await ctx.api.parseBytes(file.name, new Uint8Array(await file.arrayBuffer()));
    if (!r.ok) {
      ctx.status(r.error, true);
      return;
    }
    other = r.value.snapshot;
    ctx.status(`compared with ${file.name}`);
    render();
  };
  return {
    id: 'compare',
    title: 'Compare',
    mount(el, c) {
      ctx = c;
      const input = h('input', { type: 'file', hidden: true, 'data-testid': 'compare-file' });
      input.addEventListener('change', () => {
        const f = input.files?.[0];
        if (f) void open(f);
        input.value = '';
      });
      const pick = h('button', { 'data-testid': 'compare-open', onclick: () => input.click() }, 'Compare with…');
      const clearBtn = h('button', { 'data-testid': 'compare-clear', onclick: () => { other = null; render(); } }, 'Clear');
      out = h('div', { 'data-testid': 'compare-out' });
      // Classes, not style attributes: the page's CSP allows no inline styles.
      const chip = (m: Mark, label: string) => h('span', { class: `cmp-chip ${m}` }, label);
      const legend = h('p', { class: 'answers-note' }, 'On the map: ', chip('cmp-removed', 'removed'), ' ', chip('cmp-changed', 'changed'), ' (halo); functions only in the other capture are listed below.');
      el.append(h('div', { class: 'answers-form' }, pick, clearBtn, input), legend, out);
      addMarkStyles(graph, ctx.theme());
      render();
    },
    onLoad() {
      render();
    },
    onTheme(t) {
      addMarkStyles(graph, t);
    },
  };
}
