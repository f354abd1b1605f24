// The side panel area: a row of tabs over one body per panel (Details, Table,
// Diagnostics, and whatever later issues add). A panel is a module exporting a Panel;
// main.ts mounts it with one line. This module owns only tabs and fan-out of events;
// what a panel shows is the panel's business.
import type { LoadedTopology, TopolensApi } from '../../../electron/ipc';
import type { ThemeName } from '../../../electron/topology/view/style';
import { h } from './dom';

/** What a panel may ask of the app. */
export interface PanelContext {
  readonly api: TopolensApi;
  /** The topology on screen, null before the first load. */
  loaded(): LoadedTopology | null;
  /** Select a device address or a scene node id in the graph (opening its group if folded). */
  select(id: string): void;
  /** The currently selected graph id, if any. */
  selected(): string | null;
  theme(): ThemeName;
  /** Show a one-line message in the status bar. */
  status(msg: string, error?: boolean): void;
}

export interface Panel {
  readonly id: string;
  readonly title: string;
  /** The panel wants a wide side area while shown (tables). */
  readonly wide?: boolean;
  /** Called once with the panel's own element. */
  mount(el: HTMLElement, ctx: PanelContext): void;
  /** A topology was loaded (also called for the first one). */
  onLoad?(l: LoadedTopology): void;
  /** The graph selection changed. */
  onSelect?(id: string | null): void;
  /** The panel's tab was opened. */
  onShow?(): void;
  /** Light/dark switched. */
  onTheme?(theme: ThemeName): void;
  /** A short badge on the tab ("3"), recomputed after each load; null for none. */
  badge?(l: LoadedTopology): string | null;
}

interface Mounted {
  readonly panel: Panel;
  readonly tab: HTMLButtonElement;
  readonly body: HTMLElement;
}

export class PanelArea {
  private readonly mounted: Mounted[] = [];
  private active: string | null = null;

  constructor(
    private readonly host: HTMLElement,
    private readonly tabs: HTMLElement,
    private readonly bodies: HTMLElement,
    private readonly ctx: PanelContext,
  ) {}

  mount(panel: Panel): void {
    const tab = h('button', { class: 'panel-tab', role: 'tab', 'data-panel': panel.id, 'data-testid': `tab-${panel.id}`, onclick: () => this.show(panel.id) }, panel.title);
    const body = h('section', { class: 'panel-body', role: 'tabpanel', id: `panel-${panel.id}`, 'data-testid': `panel-${panel.id}`, hidden: true });
    this.tabs.append(tab);
    this.bodies.append(body);
    this.mounted.push({ panel, tab, body });
    panel.mount(body, this.ctx);
    if (!this.active) this.show(panel.id);
  }

  show(id: string): void {
    const m = this.mounted.find((x) => x.panel.id === id);
    if (!m) return;
    this.active = id;
    for (const x of this.mounted) {
      x.body.hidden = x !== m;
      x.tab.classList.toggle('active', x === m);
      x.tab.setAttribute('aria-selected', String(x === m));
    }
    this.host.classList.toggle('wide', !!m.panel.wide);
    m.panel.onShow?.();
    window.dispatchEvent(new Event('resize'));
  }

  current(): string | null {
    return this.active;
  }

  load(l: LoadedTopology): void {
    for (const m of this.mounted) {
      m.panel.onLoad?.(l);
      const b = m.panel.badge?.(l) ?? null;
      m.tab.textContent = b ? `${m.panel.title} (${b})` : m.panel.title;
    }
  }

  select(id: string | null): void {
    for (const m of this.mounted) m.panel.onSelect?.(id);
  }

  theme(t: ThemeName): void {
    for (const m of this.mounted) m.panel.onTheme?.(t);
  }
}
