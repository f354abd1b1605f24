// The Details tab: every field of the selected device (or NUMA node, root complex,
// folded group, machine) and the legend below it. Rendering is details.ts's; this
// module only wires it to the panel area.
import type { PciDevice } from '../../../electron/topology/model';
import type { SceneNode } from '../../../electron/topology/view/scene';
import type { ThemeName } from '../../../electron/topology/view/style';
import { clear, h } from './dom';
import { renderDevice, renderGroup, renderNode } from './details';
import { renderLegend } from './legend';
import type { Panel, PanelContext } from './panels';

export const DETAILS_HINT = 'Click a device for every detail. Arrow keys walk the tree, Enter opens a group, / searches.';

export interface DetailsLookup {
  device(address: string): PciDevice | undefined;
  sceneNode(id: string): SceneNode | undefined;
  /** Colours chips and swatches carrying data-role for the current theme. */
  paint(root: ParentNode): void;
}

export function detailsPanel(look: DetailsLookup): Panel {
  let ctx: PanelContext;
  let details: HTMLElement;
  let legend: HTMLElement;
  const show = (id: string | null) => {
    const t = ctx.loaded()?.snapshot;
    clear(details);
    if (!id || !t) {
      details.append(h('p', { class: 'hint' }, DETAILS_HINT));
      // Nothing selected: the machine itself.
      if (t) {
        const m = h('div', { 'data-testid': 'machine-details' });
        renderNode(m, 'machine', t, { select: (a: string) => ctx.select(a) });
        details.append(m);
      }
      return;
    }
    const cb = { select: (a: string) => ctx.select(a) };
    const d = look.device(id);
    const n = look.sceneNode(id);
    if (d) renderDevice(details, d, t, cb);
    else if (n && n.members) renderGroup(details, n, t, cb);
    else renderNode(details, id, t, cb);
    look.paint(details);
  };
  return {
    id: 'details',
    title: 'Details',
    mount(el, c) {
      ctx = c;
      details = h('div', { id: 'details', 'data-testid': 'details' });
      legend = h('div', { id: 'legend', 'data-testid': 'legend' });
      el.append(details, legend);
      show(null);
    },
    onLoad(l) {
      const present = new Set(l.snapshot.pci.devices.flatMap((d) => [...d.roles, d.portKind === 'pci-bridge' || d.portKind === 'host-bridge' ? 'bridge' : '']));
      renderLegend(legend, present);
      look.paint(legend);
      show(null);
    },
    onSelect: (id) => show(id),
    onTheme(_t: ThemeName) {
      look.paint(legend);
      look.paint(details);
    },
  };
}
