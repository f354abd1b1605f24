// The legend: what each colour, shape and border means; roles absent from the
// snapshot are shown faded.
import { MARKER_STYLE, ROLE_ORDER, ROLE_STYLE, type ViewRole } from '../../../electron/topology/view/style';
import { clear, h } from './dom';

export function renderLegend(el: HTMLElement, present: ReadonlySet<string>): void {
  clear(el);
  el.append(h('h3', {}, 'Legend'));
  const list = h('ul', {});
  for (const r of [...ROLE_ORDER, 'other'] as ViewRole[]) {
    const st = ROLE_STYLE[r];
    list.append(h('li', { class: present.has(r) ? '' : 'absent', title: st.meaning }, h('span', { class: 'swatch', 'data-role': r }), `${st.label}`));
  }
  list.append(
    h('li', { title: MARKER_STYLE.downgraded.meaning }, h('span', { class: 'swatch marker-downgraded' }), `${MARKER_STYLE.downgraded.label} (⚠)`),
    h('li', { title: MARKER_STYLE.localityUnknown.meaning }, h('span', { class: 'swatch marker-unknown' }), MARKER_STYLE.localityUnknown.label),
    h('li', { title: 'VFs folded under their PF; click or Enter to open' }, h('span', { class: 'swatch marker-vfs' }), 'Folded VFs'),
    h('li', { title: 'chipset, uncore, DMA engines and empty ports of one parent; click or Enter to open' }, h('span', { class: 'swatch marker-fold' }), 'Folded platform'),
    h('li', { title: 'a run of identical functions (N×, role colours kept), folded only when the picture would be under 9 px; click or Enter to open' }, h('span', { class: 'swatch marker-run' }), 'Identical run (N×)'),
  );
  el.append(list);
}
