// GraphView: the one owner of the Cytoscape instance. Loads elements in one batch,
// keeps selection/search/path highlighting as classes, and answers the UI's questions
// (what is drawn, what is hidden). It does not know about panels or menus.
import cytoscape, { type Core, type NodeSingular, type EventObject } from 'cytoscape';
import type { PciDevice, Snapshot } from '../../../electron/topology/model';
import type { SceneOptions } from '../../../electron/topology/view/scene';
import { renderSvg } from '../../../electron/topology/export/svg';
import { searchText } from '../../../electron/topology/view/search';
import { FONT, type ThemeName } from '../../../electron/topology/view/style';
import { fitScene } from '../../../electron/topology/view/fit';
import type { Box } from '../../../electron/topology/view/layout';
import { buildElements, type Elements } from './elements';
import { MIN_ZOOMED_FONT_PX, stylesheet } from './stylesheet';
import { cacheLabelSizes, cullOffscreen, cyfastStatus, styleFresh, type CyfastStatus } from './cyfast';

/** Below this zoom the 11 px labels cannot be read. */
export const READABLE_ZOOM = 0.7;
/** Margin around the fitted picture, px. */
export const FIT_PAD = 16;
/** The smallest fitted text (px) the app opens a picture with, if the space allows (issue 16: ≥ 9 px up to 150 functions). */
export const MIN_FITTED_TEXT_PX = 9;
/** Upper bound of the fitted zoom (small machines are not blown up beyond this). */
const MAX_FIT_ZOOM = 1.5;

/** The zoom at which a layout's bounds fill a w×h area with FIT_PAD around it. */
export function fitZoom(b: Box, w: number, h: number): number {
  const aw = Math.max(1, w - 2 * FIT_PAD);
  const ah = Math.max(1, h - 2 * FIT_PAD);
  return Math.min(aw / Math.max(1, b.x2 - b.x1), ah / Math.max(1, b.y2 - b.y1), MAX_FIT_ZOOM);
}

/** Layout options for a graph area of w×h px (the fit margin is the chrome). */
function layoutArea(w: number, h: number): { viewport: { w: number; h: number }; chrome: { w: number; h: number } } {
  return { viewport: { w: Math.max(320, w), h: Math.max(240, h) }, chrome: { w: 2 * FIT_PAD, h: 2 * FIT_PAD } };
}

export interface HoverInfo {
  readonly id: string;
  readonly kind: string;
  readonly x: number;
  readonly y: number;
}

export class GraphView {
  readonly cy: Core;
  private snapshot: Snapshot | null = null;
  private byAddr = new Map<string, PciDevice>();
  private texts = new Map<string, string>();
  private current: Elements | null = null;
  private theme: ThemeName;
  private selectCbs: Array<(id: string | null) => void> = [];
  private hoverCbs: Array<(h: HoverInfo | null) => void> = [];
  private activateCbs: Array<(id: string) => void> = [];
  private matches: string[] = [];
  private big = false;
  /**
   * Time the last load took (ms): building scene+layout+elements, handing them to
   * Cytoscape (add = remove + insert + style), total.
   */
  lastRenderMs = 0;
  lastTimings = { build: 0, add: 0, total: 0, remove: 0, insert: 0, style: 0 };
  /** Which Cytoscape speed-ups (cyfast.ts) found the internals they rely on. */
  readonly cyfast: CyfastStatus;

  constructor(container: HTMLElement, theme: ThemeName) {
    this.theme = theme;
    this.cy = cytoscape({
      container,
      elements: [],
      style: stylesheet(theme) as never,
      layout: { name: 'preset' },
      minZoom: 0.02,
      maxZoom: 4,
      boxSelectionEnabled: false,
      selectionType: 'single',
      autoungrabify: true,
    });
    cullOffscreen(this.cy);
    cacheLabelSizes(this.cy);
    this.cyfast = cyfastStatus(this.cy, (cytoscape as unknown as { version?: string }).version ?? 'unknown');
    this.cy.on('tap', 'node', (e: EventObject) => {
      const n = e.target as NodeSingular;
      if (n.data('kind') === 'vf-group' || n.data('kind') === 'fold') {
        this.activateCbs.forEach((cb) => cb(n.id()));
        return;
      }
      if (n.data('kind') === 'numa') return;
      this.select(n.id(), false);
    });
    this.cy.on('tap', (e: EventObject) => {
      if (e.target === this.cy) this.select(null);
    });
    this.cy.on('mouseover', 'node', (e: EventObject) => {
      const n = e.target as NodeSingular;
      if (n.data('kind') === 'numa') return;
      const p = n.renderedPosition();
      this.hoverCbs.forEach((cb) => cb({ id: n.id(), kind: n.data('kind') as string, x: p.x, y: p.y - n.renderedOuterHeight() / 2 }));
    });
    this.cy.on('mouseout', 'node', () => this.hoverCbs.forEach((cb) => cb(null)));
    this.cy.on('viewport', () => {
      this.hoverCbs.forEach((cb) => cb(null));
      this.gestureMode();
    });
  }

  /**
   * How a big graph is redrawn while the user pans or zooms. Frames only draw what is
   * in view (cullOffscreen), so at readable zooms full redraws are cheap and show the
   * real picture while moving. Zoomed out (labels below min-zoomed-font-size: not
   * drawn anyway), thousands of boxes are in view: then Cytoscape moves a snapshot
   * texture and hides edges during the gesture, and redraws when it ends.
   */
  private gestureMode(): void {
    const cheap = this.big && this.cy.zoom() * FONT.size < MIN_ZOOMED_FONT_PX;
    const r = this.cy as unknown as { renderer(): { textureOnViewport?: boolean; hideEdgesOnViewport?: boolean } | undefined };
    try {
      const rr = r.renderer();
      if (rr && rr.textureOnViewport !== cheap) {
        rr.hideEdgesOnViewport = cheap;
        rr.textureOnViewport = cheap;
      }
    } catch {
      /* renderer internals differ: fine */
    }
  }

  onSelect(cb: (id: string | null) => void): void {
    this.selectCbs.push(cb);
  }
  onHover(cb: (h: HoverInfo | null) => void): void {
    this.hoverCbs.push(cb);
  }
  /** Activation of a folded group (VFs, platform functions): tap or Enter. */
  onActivate(cb: (id: string) => void): void {
    this.activateCbs.push(cb);
  }

  device(address: string): PciDevice | undefined {
    return this.byAddr.get(address);
  }

  /** Replace the picture. Keeps the selection when the node still exists. */
  load(snapshot: Snapshot, opts: SceneOptions, keepViewport = false): void {
    const t0 = performance.now();
    if (snapshot !== this.snapshot) {
      this.snapshot = snapshot;
      this.byAddr = new Map(snapshot.pci.devices.map((d) => [d.address, d] as const));
      this.texts = new Map(snapshot.pci.devices.map((d) => [d.address, searchText(d)] as const));
    }
    const sel = this.selectedId();
    document.body.dataset['rendered'] = 'false';
    // Lay out for this window's graph area, so the picture opens fitted and readable.
    this.current = buildElements(snapshot, opts, layoutArea(this.cy.width(), this.cy.height()));
    const t1 = performance.now();
    const big = this.current.scene.nodes.length > 400;
    const cy = this.cy;
    // Nodes first, styled while they have no edges, then the edges: that is what lets
    // styleFresh skip Cytoscape's change bookkeeping (see there).
    const els = this.current.elements;
    cy.batch(() => cy.elements().remove());
    const tr = performance.now();
    cy.batch(() => {
      cy.add(els.filter((e) => e.group === 'nodes') as never);
    });
    const ta = performance.now();
    styleFresh(cy, cy.nodes());
    const ts = performance.now();
    cy.batch(() => {
      cy.add(els.filter((e) => e.group === 'edges') as never);
    });
    const tb = performance.now();
    styleFresh(cy, cy.edges());
    const t2 = performance.now();
    this.big = big;
    if (!keepViewport) this.fit();
    this.gestureMode();
    if (sel && cy.getElementById(sel).nonempty()) this.select(sel, false);
    else if (sel) this.select(null);
    if (this.matches.length) this.highlightMatches();
    this.lastRenderMs = performance.now() - t0;
    this.lastTimings = { build: t1 - t0, add: t2 - t1, total: this.lastRenderMs, remove: tr - t1, insert: ta - tr + (tb - ts), style: ts - ta + (t2 - tb) };
    this.signalRendered();
  }

  private renderSeq = 0;
  /**
   * The app's render-complete signal: body[data-rendered=true] (and data-render-seq
   * counting loads) once Cytoscape has drawn a frame of this load. Tests and the
   * benchmark wait on it instead of on elapsed time.
   */
  private signalRendered(): void {
    const seq = (this.renderSeq += 1);
    this.cy.one('render', () => {
      if (seq !== this.renderSeq) return;
      document.body.dataset['renderSeq'] = String(seq);
      document.body.dataset['rendered'] = 'true';
    });
    this.cy.forceRender();
  }

  setTheme(theme: ThemeName): void {
    this.theme = theme;
    this.cy.style(stylesheet(theme) as never);
  }

  get elements(): Elements | null {
    return this.current;
  }

  /** Addresses of the devices drawn as nodes. */
  deviceIds(): string[] {
    return this.current ? this.current.scene.nodes.filter((n) => n.kind === 'device').map((n) => n.id) : [];
  }

  selectedId(): string | null {
    const s = this.cy.$('node:selected');
    return s.nonempty() ? s.first().id() : null;
  }

  /** Select a node (or clear with null): highlight its path to the machine and its local CPUs. */
  select(id: string | null, center = true): void {
    const cy = this.cy;
    cy.batch(() => {
      cy.elements('.path').removeClass('path');
      cy.nodes('.local-cpus').removeClass('local-cpus');
      cy.nodes(':selected').unselect();
      if (!id) return;
      const n = cy.getElementById(id);
      if (n.empty()) return;
      n.select();
      let cur = n;
      for (let i = 0; i < 64; i += 1) {
        const p = cur.data('tparent') as string | undefined;
        if (!p) break;
        const pe = cy.getElementById(p);
        if (pe.empty()) break;
        cy.getElementById(`e:${p}>${cur.id()}`).addClass('path');
        pe.addClass('path');
        cur = pe;
      }
      const numa = n.data('numa') as number | undefined;
      if (numa !== undefined) cy.getElementById(`cpus:${numa}`).addClass('local-cpus');
      // A CXL device: its edge to the memory node its region became.
      n.connectedEdges('.cxl-edge').addClass('path');
    });
    if (id && center) {
      const n = cy.getElementById(id);
      if (n.nonempty()) {
        if (cy.zoom() < 0.6) cy.zoom({ level: 0.9, renderedPosition: n.renderedPosition() });
        cy.center(n);
      }
    }
    this.selectCbs.forEach((cb) => cb(id));
  }

  /**
   * Mark the path between two devices (the Matrix tab's cells): each end's chain of
   * drawn parents up to where the chains meet, or to the top when they do not.
   */
  highlightPair(a: string, b: string): void {
    const cy = this.cy;
    const chain = (id: string): string[] => {
      const out = [id];
      for (let cur = cy.getElementById(id); cur.nonempty() && out.length < 64; ) {
        const p = cur.data('tparent') as string | undefined;
        if (!p || cy.getElementById(p).empty()) break;
        out.push(p);
        cur = cy.getElementById(p);
      }
      return out;
    };
    const ca = chain(a);
    const cb = chain(b);
    const meet = ca.find((x) => cb.includes(x));
    const upTo = (c: string[]) => (meet ? c.slice(0, c.indexOf(meet) + 1) : c);
    cy.batch(() => {
      cy.elements('.path').removeClass('path');
      cy.nodes('.local-cpus').removeClass('local-cpus');
      for (const c of [upTo(ca), upTo(cb)]) {
        c.forEach((id, i) => {
          cy.getElementById(id).addClass('path');
          if (i > 0) cy.getElementById(`e:${id}>${c[i - 1]}`).addClass('path');
        });
      }
    });
  }

  /** Addresses of the devices matching the query, in model order (drawn or folded). */
  matchAddresses(query: string): string[] {
    const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    const out: string[] = [];
    for (const [addr, text] of this.texts) if (words.every((w) => text.includes(w))) out.push(addr);
    return out;
  }

  /** The folded group (VFs or platform functions) standing for an address that is not drawn itself. */
  groupOf(address: string): string | null {
    if (!this.current) return null;
    for (const n of this.current.scene.nodes) if (n.members?.includes(address)) return n.id;
    return null;
  }

  /** Highlight devices matching the query; returns the drawn node ids that match (the group for a folded member). */
  search(query: string): string[] {
    const hits = new Set<string>();
    if (this.current) {
      const folded = new Map<string, string>();
      for (const n of this.current.scene.nodes) for (const m of n.members ?? []) folded.set(m, n.id);
      for (const addr of this.matchAddresses(query)) {
        if (this.cy.getElementById(addr).nonempty()) hits.add(addr);
        else if (folded.has(addr)) hits.add(folded.get(addr)!);
      }
    }
    this.matches = [...hits];
    this.highlightMatches();
    return this.matches;
  }

  private highlightMatches(): void {
    const cy = this.cy;
    cy.batch(() => {
      cy.elements('.match, .dim').removeClass('match dim');
      if (!this.matches.length) return;
      const set = new Set(this.matches);
      cy.nodes().forEach((n) => {
        if (set.has(n.id())) n.addClass('match');
        else if (n.data('kind') === 'device' || n.data('kind') === 'vf-group') n.addClass('dim');
      });
      cy.edges().addClass('dim');
    });
  }

  clearSearch(): void {
    this.matches = [];
    this.highlightMatches();
  }

  /**
   * The base text size (px) the picture would be fitted at in a w×h graph area, laid out
   * for that area as load() would: lets the app choose the space before drawing anything.
   */
  fittedText(snapshot: Snapshot, opts: SceneOptions, w: number, h: number): number {
    const { layout } = fitScene(snapshot, opts, layoutArea(w, h));
    return fitZoom(layout.bounds, w, h) * FONT.size;
  }

  /** Initial view: the whole picture, fitted (the layout was shaped for this window). */
  fit(): void {
    this.fitAll();
  }
  /** Fit from the layout's own bounds (asking Cytoscape for a bounding box would style every element first). */
  fitAll(): void {
    if (!this.current) return;
    const b = this.current.layout.bounds;
    const z = Math.min(this.cy.maxZoom(), Math.max(this.cy.minZoom(), fitZoom(b, this.cy.width(), this.cy.height())));
    this.cy.viewport({ zoom: z, pan: { x: (this.cy.width() - z * (b.x1 + b.x2)) / 2, y: (this.cy.height() - z * (b.y1 + b.y2)) / 2 } });
  }
  zoomBy(f: number): void {
    const c = this.cy;
    c.zoom({ level: c.zoom() * f, renderedPosition: { x: c.width() / 2, y: c.height() / 2 } });
  }
  focus(id: string): void {
    const n = this.cy.getElementById(id);
    if (n.nonempty()) {
      if (this.cy.zoom() < 0.6) this.cy.zoom(0.9);
      this.cy.center(n);
    }
  }

  /** Keyboard navigation along the tree: left = parent, right = first child, up/down = siblings. */
  move(dir: 'left' | 'right' | 'up' | 'down'): string | null {
    const cur = this.selectedId();
    const cy = this.cy;
    if (!cur) {
      const first = cy.nodes('.device').first();
      if (first.nonempty()) this.select(first.id());
      return first.nonempty() ? first.id() : null;
    }
    const scene = this.current!.scene;
    const sn = scene.nodes.find((x) => x.id === cur);
    let next: string | undefined;
    // A root-complex frame's "children" are the subtrees drawn in it.
    const below = (n: typeof sn) => (n?.kind === 'complex' ? (n.units ?? []) : (n?.children ?? []));
    if (dir === 'left') next = sn?.parent ?? undefined;
    else if (dir === 'right') next = below(sn)[0];
    else {
      const parent = scene.nodes.find((x) => x.id === sn?.parent);
      const sibs = below(parent);
      const i = sibs.indexOf(cur);
      next = sibs[i + (dir === 'down' ? 1 : -1)];
    }
    if (!next) return cur;
    this.select(next);
    return next;
  }

  png(): Uint8Array {
    const b64 = this.cy.png({ full: true, scale: 1.5, bg: this.theme === 'dark' ? '#16181b' : '#ffffff', maxWidth: 16000, maxHeight: 16000 }).split(',')[1] ?? '';
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
    return out;
  }

  /** The view as shown (same scene options, theme) as standalone SVG. */
  svg(): string {
    if (!this.snapshot || !this.current) return '';
    return renderSvg(this.snapshot, this.current.scene, this.current.layout, { theme: this.theme });
  }

  /** Promise resolved after the next frame was drawn. */
  drawn(): Promise<void> {
    return new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(() => res())));
  }
}
