// The Placement tab: `topolens advise` for the devices chosen here (or selected in the
// graph): the NUMA node, polling cores, DPDK EAL arguments, SPDK core mask, hugepages,
// and the bind commands, each line with a Copy button; warnings say what a split or an
// unknown locality costs. The advice is answers/advise's; this module only shows it.
import type { PciDevice } from '../../../electron/topology/model';
import { advise, type Advice } from '../../../electron/topology/answers/advise';
import { isEndpoint } from '../../../electron/topology/answers/select';
import { clear, h } from './dom';
import { commandLine, pickDevices, selForm } from './answers-common';
import type { Panel, PanelContext } from './panels';

function adviceBody(a: Advice): HTMLElement[] {
  const hp = a.hugepages;
  const out: HTMLElement[] = [
    h('p', { 'data-testid': 'advice-summary' }, `NUMA node ${a.numaNode ?? 'unknown'} · cores ${a.dpdk.lcores ?? 'none chosen'}`),
    h('h3', {}, 'DPDK EAL arguments'),
    commandLine(a.dpdk.eal, 'advice-eal'),
    h('h3', {}, 'SPDK core mask'),
    a.spdk.cpumask ? commandLine(`-m ${a.spdk.cpumask}`, 'advice-spdk') : h('p', { class: 'answers-note' }, 'no cores chosen'),
    h('h3', {}, `Hugepages (${hp.sizeKb} kB${hp.sizeAssumed ? ', size assumed' : ''})`),
    h('ul', {}, ...hp.nodes.map((n) => h('li', {}, `node ${n.node}: ${n.pages} pages needed; now ${n.current ?? 'unknown'} reserved, ${n.free ?? 'unknown'} free`))),
  ];
  if (a.commands.length) out.push(h('h3', {}, 'Commands'), h('div', { 'data-testid': 'advice-commands' }, ...a.commands.map((c, i) => commandLine(c, `advice-cmd-${i}`))));
  if (a.notes.length) out.push(h('h3', {}, 'Notes'), h('ul', {}, ...a.notes.map((n) => h('li', {}, n))));
  if (a.warnings.length) out.push(h('h3', {}, 'Warnings'), h('ul', { class: 'answers-warnings', 'data-testid': 'advice-warnings' }, ...a.warnings.map((w) => h('li', {}, w))));
  return out;
}

export function advicePanel(lookup: { device(address: string): PciDevice | undefined }): Panel {
  let ctx: PanelContext;
  let out: HTMLElement;
  let form: ReturnType<typeof selForm>;
  let cores: HTMLInputElement;
  const render = () => {
    const t = ctx.loaded()?.snapshot;
    clear(out);
    if (!t) return;
    if (!form.value().trim()) {
      out.append(h('p', { class: 'answers-note', 'data-testid': 'advice-hint' }, 'Select a NIC or NVMe drive in the graph (or type addresses, names, roles) to get DPDK/SPDK placement.'));
      return;
    }
    const { devices, error } = pickDevices(t, form.value());
    if (error) {
      out.append(h('p', { class: 'answers-note', 'data-testid': 'advice-error' }, error));
      return;
    }
    const n = Number(cores.value);
    out.append(...adviceBody(advise(t, devices, { cores: Number.isInteger(n) && n > 0 ? n : 2 })));
  };
  return {
    id: 'advice',
    title: 'Placement',
    mount(el, c) {
      ctx = c;
      cores = h('input', { type: 'number', min: 1, max: 256, value: 2, title: 'Polling cores', 'aria-label': 'Cores', 'data-testid': 'advice-cores' });
      cores.addEventListener('change', () => render());
      form = selForm('advice', 'devices: addresses, eth0, nvme0, dpdk…', () => ctx.selected(), render, [h('label', {}, 'cores ', cores)]);
      out = h('div', { 'data-testid': 'advice-out' });
      el.append(form.el, out);
    },
    onLoad() {
      form.set('');
      render();
    },
    onSelect(id) {
      // An empty form follows the graph: the selected endpoint becomes the question.
      const d = id ? lookup.device(id) : undefined;
      if (d && isEndpoint(d) && !form.value().trim()) {
        form.set(d.address);
        render();
      }
    },
  };
}
