// The renderer's entry: loads the topology through the API, wires the header, toolbar,
// graph, tooltip, keyboard and drag-and-drop together, and mounts the side panels (one
// module and one `panels.mount(...)` line each). State is small and lives here;
// drawing is GraphView's, content is the pure view modules', panels are their own.
import type { LoadedTopology, MenuCommand, TopolensApi } from '../../electron/ipc';
import { exportFileName } from '../../electron/ipc';
import type { PciDevice } from '../../electron/topology/model';
import { deviceTitle, describeLink, driverText, noDriversReason } from '../../electron/topology/export/describe';
import type { SceneOptions } from '../../electron/topology/view/scene';
import { ROLE_ORDER, ROLE_STYLE, type ThemeName, type ViewRole } from '../../electron/topology/view/style';
import { createApi } from './api';
import { GraphView, MIN_FITTED_TEXT_PX } from './graph/view';
import { clear, h } from './ui/dom';
import { detailsPanel } from './ui/details-panel';
import { diagnosticsPanel } from './ui/diagnostics-panel';
import { advicePanel } from './ui/advice-panel';
import { healthPanel } from './ui/health-panel';
import { comparePanel } from './ui/compare-panel';
import { fleetPanel } from './ui/fleet-panel';
import { matrixPanel } from './ui/matrix-panel';
import { renderHeader, roleCountsOf } from './ui/header';
import { PanelArea } from './ui/panels';
import { tablePanel } from './ui/table-panel';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

interface State {
  loaded: LoadedTopology | null;
  opts: { collapseVfs: boolean; foldPlatform: boolean; expandedPfs: Set<string>; expandedGroups: Set<string>; hideBridges: boolean; interestingOnly: boolean; role: string | null };
  theme: ThemeName;
  /** The side panel is placed automatically (each file starts so) until the user docks or hides it. */
  panelAuto: boolean;
  /** Why the panel was closed automatically ('' when it was not). */
  panelNote: string;
}

const state: State = {
  loaded: null,
  opts: { collapseVfs: true, foldPlatform: true, expandedPfs: new Set(), expandedGroups: new Set(), hideBridges: false, interestingOnly: false, role: null },
  theme: (localStorage.getItem('topolens.theme') as ThemeName | null) ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'),
  panelAuto: true,
  panelNote: '',
};

const api: TopolensApi = createApi();
const view = new GraphView($('graph'), state.theme);

// Side panels: tabs over one body each. A new panel is a module under ui/ and one mount line.
const panels = new PanelArea($('side'), $('panel-tabs'), $('panel-bodies'), {
  api,
  loaded: () => state.loaded,
  select: (id) => selectAddress(id),
  selected: () => view.selectedId(),
  theme: () => state.theme,
  status: (msg, error) => status(msg, error),
});
panels.mount(detailsPanel({ device: (a) => view.device(a), sceneNode: (id) => view.elements?.scene.nodes.find((n) => n.id === id), paint: (r) => paintRoles(r) }));
panels.mount(tablePanel());
panels.mount(diagnosticsPanel());
panels.mount(matrixPanel({ highlightPair: (a, b) => view.highlightPair(a, b) }));
panels.mount(advicePanel({ device: (a) => view.device(a) }));
panels.mount(healthPanel());
panels.mount(comparePanel(view));
panels.mount(fleetPanel());

function sceneOpts(): SceneOptions {
  return { ...state.opts, expandedPfs: [...state.opts.expandedPfs], expandedGroups: [...state.opts.expandedGroups] };
}

function status(msg?: string, error = false): void {
  const el = $('status');
  clear(el);
  if (msg) {
    el.append(h('span', { class: error ? 'error' : '', 'data-testid': error ? 'error' : 'message' }, msg));
    return;
  }
  const e = view.elements;
  if (!e || !state.loaded) return;
  const hid = e.scene.hidden;
  const parts = [`${view.deviceIds().length} devices drawn`];
  if (hid.collapsedVfs.length) parts.push(`${hid.collapsedVfs.length} VFs collapsed`);
  const inRuns = e.scene.nodes.reduce((n, x) => n + (x.classes.includes('fold-run') ? (x.members?.length ?? 0) : 0), 0);
  if (hid.folded.length > inRuns) parts.push(`${hid.folded.length - inRuns} platform functions folded`);
  if (inRuns) parts.push(`${inRuns} in identical runs`);
  if (hid.bridges.length) parts.push(`${hid.bridges.length} plain bridges hidden`);
  if (hid.plain.length) parts.push(`${hid.plain.length} plain functions hidden`);
  if (hid.filtered.length) parts.push(`${hid.filtered.length} filtered out`);
  const warn = state.loaded.snapshot.diagnostics.filter((d) => d.severity !== 'info').length;
  el.append(
    h('span', { 'data-testid': 'counts' }, parts.join(' · ')),
    h('span', {}, `source: ${state.loaded.snapshot.source.kind} ${state.loaded.input}`),
    h('span', {}, warn ? `${warn} diagnostics` : ''),
    h('span', { 'data-testid': 'render-ms' }, `drawn in ${Math.round(view.lastRenderMs)} ms`),
  );
  if (state.panelNote) el.append(h('span', { 'data-testid': 'panel-note' }, state.panelNote));
}

function paintRoles(root: ParentNode = document): void {
  root.querySelectorAll<HTMLElement>('[data-role]').forEach((el) => {
    const st = ROLE_STYLE[(el.dataset['role'] ?? 'other') as ViewRole] ?? ROLE_STYLE.other;
    el.style.background = st.fill[state.theme];
    el.style.borderColor = st.border[state.theme];
    el.style.borderStyle = st.dashed ? 'dashed' : 'solid';
  });
}

function redraw(keepViewport = false): void {
  if (!state.loaded) return;
  view.cy.resize();
  view.load(state.loaded.snapshot, sceneOpts(), keepViewport);
  const q = ($('search') as HTMLInputElement).value;
  if (q.trim()) runSearch(q, false);
  status();
  // The status line can change the graph area's height: fit to the final size.
  if (!keepViewport) {
    view.cy.resize();
    view.fitAll();
  }
}

/** View options belong to one file: another file starts from the defaults (a Reload of the same one keeps them). */
function resetOptionsFor(l: LoadedTopology, prev: LoadedTopology | null): void {
  if (prev && prev.input === l.input && prev.initial === l.initial) return;
  state.opts.collapseVfs = true;
  state.opts.foldPlatform = true;
  state.opts.hideBridges = false;
  state.opts.interestingOnly = false;
  state.opts.role = null;
  state.panelAuto = true;
  syncToggles();
}

/**
 * Automatic side panel: docked, unless the picture's fitted text would fall below
 * MIN_FITTED_TEXT_PX beside it and the whole width gives larger text; then it starts
 * closed (a selection shows it over the graph, P docks it). Measured on the layout
 * itself before anything is drawn, for whatever the window size is: no per-machine rule.
 */
function placePanel(l: LoadedTopology): void {
  const main = document.querySelector('main')!;
  main.classList.remove('panel-overlay');
  if (!state.panelAuto) return;
  const g = $('graph');
  const text = () => view.fittedText(l.snapshot, sceneOpts(), g.clientWidth, g.clientHeight);
  main.classList.remove('panel-hidden');
  const docked = text();
  let hide = false;
  if (docked < MIN_FITTED_TEXT_PX) {
    main.classList.add('panel-hidden');
    hide = text() > docked * 1.01;
  }
  main.classList.toggle('panel-hidden', hide);
  $('btn-panel').setAttribute('aria-pressed', String(hide));
  state.panelNote = hide ? `side panel closed: beside it the map's text would be ${docked.toFixed(1)} px (P docks it; a selection shows it)` : '';
}

/** A panel closed for the picture's sake opens over the graph for a selection, and closes with it. */
function overlayPanel(id: string | null): void {
  const main = document.querySelector('main')!;
  const show = id !== null && main.classList.contains('panel-hidden');
  main.classList.toggle('panel-overlay', show);
  if (!show) return;
  // Keep the selected node clear of the panel: pan it left of the panel's edge.
  const n = view.cy.getElementById(id);
  if (n.empty()) return;
  const right = n.renderedBoundingBox({ includeLabels: false }).x2;
  const edge = view.cy.width() - $('side').offsetWidth - 12;
  if (right > edge) view.cy.panBy({ x: edge - right, y: 0 });
}

function show(l: LoadedTopology): void {
  resetOptionsFor(l, state.loaded);
  state.loaded = l;
  state.opts.expandedPfs.clear();
  state.opts.expandedGroups.clear();
  // "Back to INPUT": shown once this window/tab opened something other than the host's input.
  $('btn-initial').hidden = l.initial !== false;
  document.title = `topolens — ${l.snapshot.machine.hostname ?? l.input}`;
  renderHeader($('header'), l, (role) => setRole(role));
  placePanel(l);
  const sel = $('role-filter') as HTMLSelectElement;
  const counts = roleCountsOf(l);
  clear(sel);
  sel.append(h('option', { value: '' }, 'All roles'));
  for (const r of ROLE_ORDER) if (counts.get(r)) sel.append(h('option', { value: r }, `${ROLE_STYLE[r as ViewRole].label} (${counts.get(r)})`));
  if (state.opts.role && !counts.get(state.opts.role)) state.opts.role = null;
  sel.value = state.opts.role ?? '';
  paintRoles();
  redraw();
  view.select(null);
  panels.load(l);
}

function setRole(role: string | null): void {
  state.opts.role = role || null;
  ($('role-filter') as HTMLSelectElement).value = state.opts.role ?? '';
  redraw();
}

/** Open the folded group a scene node stands in (VF group → its PF's VFs, platform group → its functions). */
function openGroup(id: string): boolean {
  const n = view.elements?.scene.nodes.find((x) => x.id === id);
  if (!n?.members) return false;
  if (n.pf) state.opts.expandedPfs.add(n.pf);
  else state.opts.expandedGroups.add(n.id);
  return true;
}

/** Select a device by address (or a scene node by id), opening its group or dropping filters if needed so it is drawn. */
function selectAddress(a: string): void {
  if (view.cy.getElementById(a).empty()) {
    const group = view.groupOf(a);
    if (group) openGroup(group);
    const hid = view.elements?.scene.hidden;
    if (hid?.filtered.includes(a) || hid?.plain.includes(a) || hid?.bridges.includes(a)) {
      state.opts.role = null;
      state.opts.interestingOnly = false;
      state.opts.hideBridges = false;
      syncToggles();
    }
    redraw(true);
    // Opening a group can reveal another fold (a platform group under expanded VFs...): once more.
    const again = view.cy.getElementById(a).empty() ? view.groupOf(a) : null;
    if (again && openGroup(again)) redraw(true);
  }
  view.select(a);
}

function syncToggles(): void {
  ($('opt-collapse') as HTMLInputElement).checked = state.opts.collapseVfs;
  ($('opt-fold') as HTMLInputElement).checked = state.opts.foldPlatform;
  ($('opt-bridges') as HTMLInputElement).checked = state.opts.hideBridges;
  ($('opt-interesting') as HTMLInputElement).checked = state.opts.interestingOnly;
  ($('role-filter') as HTMLSelectElement).value = state.opts.role ?? '';
}

let matchIdx = -1;
function runSearch(q: string, focus = true): void {
  const hits = q.trim() ? view.search(q) : (view.clearSearch(), []);
  $('search-count').textContent = q.trim() ? `${hits.length} match${hits.length === 1 ? '' : 'es'}` : '';
  matchIdx = -1;
  if (focus && hits.length) nextMatch();
}
/** Enter in the search box: the next matching function, its group opened if it is folded. */
function nextMatch(): void {
  const q = ($('search') as HTMLInputElement).value;
  const hits = view.matchAddresses(q);
  if (!hits.length) return;
  matchIdx = (matchIdx + 1) % hits.length;
  selectAddress(hits[matchIdx]!);
  view.search(q);
}

async function result<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: string }>): Promise<T | undefined> {
  const r = await p;
  if (!r.ok) {
    status(r.error, true);
    return undefined;
  }
  return r.value;
}

/** An input that could not be used: said in the window itself, naming the user's file. */
function showLoadError(file: string | null, error: string): void {
  const el = $('load-error');
  clear(el);
  const named = file && !error.includes(file) ? `${file}: ${error}` : error;
  el.append(h('b', {}, 'Could not open this input'), h('div', { 'data-testid': 'load-error-text' }, named), h('button', { onclick: () => (el.hidden = true) }, 'Dismiss'));
  el.hidden = false;
}

async function load(p: Promise<{ ok: true; value: LoadedTopology | null } | { ok: false; error: string }>, file: string | null = null): Promise<void> {
  status('loading…');
  const r = await p;
  if (!r.ok) {
    status(r.error, true);
    showLoadError(file, r.error);
    return;
  }
  $('load-error').hidden = true;
  if (r.value) show(r.value);
  else status();
}

async function doExport(kind: 'svg' | 'png' | 'json' | 'text'): Promise<void> {
  if (!state.loaded) return;
  let data: string | Uint8Array | undefined;
  if (kind === 'svg') data = view.svg();
  else if (kind === 'png') data = view.png();
  else data = await result(api.exportData(kind));
  if (data === undefined) return;
  const saved = await result(api.save(kind, data, exportFileName(state.loaded.snapshot, kind)));
  if (saved) status(`saved ${saved}`);
}

function toggleTheme(): void {
  state.theme = state.theme === 'dark' ? 'light' : 'dark';
  localStorage.setItem('topolens.theme', state.theme);
  document.body.className = `theme-${state.theme}`;
  view.setTheme(state.theme);
  paintRoles();
  panels.theme(state.theme);
}

/** Hide or show the side panel; the picture is laid out again for the space it gets. */
function togglePanel(): void {
  const main = document.querySelector('main')!;
  main.classList.remove('panel-overlay');
  const hidden = main.classList.toggle('panel-hidden');
  state.panelAuto = false;
  state.panelNote = '';
  $('btn-panel').setAttribute('aria-pressed', String(hidden));
  redraw();
}

function command(c: MenuCommand): void {
  switch (c) {
    case 'find':
      ($('search') as HTMLInputElement).focus();
      ($('search') as HTMLInputElement).select();
      break;
    case 'zoom-in':
      view.zoomBy(1.25);
      break;
    case 'zoom-out':
      view.zoomBy(0.8);
      break;
    case 'fit':
      view.fitAll();
      break;
    case 'toggle-theme':
      toggleTheme();
      break;
    default:
      void doExport(c.slice('export-'.length) as 'svg' | 'png' | 'json' | 'text');
  }
}

function tooltipText(id: string): string {
  const d: PciDevice | undefined = view.device(id);
  if (d) {
    const os = d.osDevices.map((o) => `${o.name} (${o.kind})`).join(', ');
    const link = describeLink(d.link);
    return [
      `${d.address}  ${deviceTitle(d)}`,
      `driver: ${driverText(d, state.loaded ? noDriversReason(state.loaded.snapshot) : null)} · NUMA ${d.numaNode ?? 'unknown'}${d.localCpus ? ` · CPUs ${d.localCpus}` : ''}`,
      os ? `OS devices: ${os}` : '',
      link ? `link: ${link}` : '',
      d.roles.length ? `roles: ${d.roles.join(', ')}` : '',
    ].filter(Boolean).join('\n');
  }
  const n = view.elements?.scene.nodes.find((x) => x.id === id);
  if (n?.members) return `${n.title ?? n.lines[0]}\n${n.lines.slice(1).join('\n')}\nclick or Enter to open; members are listed in Details`;
  return n ? (n.title ?? n.lines.join('\n')) : id;
}

// Wiring.
document.body.className = `theme-${state.theme}`;
view.onSelect((id) => {
  panels.select(id);
  overlayPanel(id);
});
view.onActivate((id) => {
  const n = view.elements?.scene.nodes.find((x) => x.id === id);
  if (!n || !openGroup(id)) return;
  redraw(true);
  const first = n.members?.[0];
  if (first && view.cy.getElementById(first).nonempty()) view.select(first, false);
  else if (n.pf) view.select(n.pf, false);
});
view.onHover((hv) => {
  const tip = $('tooltip');
  if (!hv) {
    tip.hidden = true;
    return;
  }
  const r = $('graph').getBoundingClientRect();
  tip.textContent = tooltipText(hv.id);
  tip.hidden = false;
  tip.style.left = `${Math.min(r.left + hv.x + 8, window.innerWidth - 430)}px`;
  tip.style.top = `${Math.max(r.top + hv.y - tip.offsetHeight - 6, 4)}px`;
});

const search = $('search') as HTMLInputElement;
search.addEventListener('input', () => runSearch(search.value, false));
search.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') nextMatch();
  if (e.key === 'Escape') {
    search.value = '';
    runSearch('');
    $('graph').focus();
  }
});
$('role-filter').addEventListener('change', (e) => setRole((e.target as HTMLSelectElement).value || null));
$('opt-collapse').addEventListener('change', (e) => {
  state.opts.collapseVfs = (e.target as HTMLInputElement).checked;
  state.opts.expandedPfs.clear();
  redraw();
});
$('opt-fold').addEventListener('change', (e) => {
  state.opts.foldPlatform = (e.target as HTMLInputElement).checked;
  state.opts.expandedGroups.clear();
  redraw();
});
$('opt-bridges').addEventListener('change', (e) => {
  state.opts.hideBridges = (e.target as HTMLInputElement).checked;
  redraw();
});
$('opt-interesting').addEventListener('change', (e) => {
  state.opts.interestingOnly = (e.target as HTMLInputElement).checked;
  redraw();
});
$('btn-fit').addEventListener('click', () => view.fitAll());
$('btn-zoom-in').addEventListener('click', () => view.zoomBy(1.25));
$('btn-zoom-out').addEventListener('click', () => view.zoomBy(0.8));
$('btn-theme').addEventListener('click', toggleTheme);
$('btn-panel').addEventListener('click', togglePanel);
$('btn-reload').addEventListener('click', () => void load(api.reload()));
$('btn-initial').addEventListener('click', () => void load(api.openInitial()));
$('btn-open').addEventListener('click', () => {
  if (api.transport === 'ipc') void load(api.openDialog());
  else $('file-input').click();
});
$('file-input').addEventListener('change', async (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f) await load(api.openBytes(f.name, new Uint8Array(await f.arrayBuffer())), f.name);
  (e.target as HTMLInputElement).value = '';
});
$('export').addEventListener('change', (e) => {
  const sel = e.target as HTMLSelectElement;
  const k = sel.value as 'svg' | 'png' | 'json' | 'text' | '';
  sel.value = '';
  if (k) void doExport(k);
});

// Keyboard: / or Ctrl+F find, arrows walk the tree, Enter expands VFs, +/-/0 zoom, T theme, Esc clears.
document.addEventListener('keydown', (e) => {
  const inField = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
  if ((e.key === 'f' && (e.ctrlKey || e.metaKey)) || (e.key === '/' && !inField)) {
    e.preventDefault();
    command('find');
    return;
  }
  if (inField) return;
  const arrows: Record<string, 'left' | 'right' | 'up' | 'down'> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };
  if (arrows[e.key]) {
    e.preventDefault();
    view.move(arrows[e.key]!);
  } else if (e.key === 'Enter') {
    const id = view.selectedId();
    const n = view.elements?.scene.nodes.find((x) => x.id === id);
    if (n?.members && openGroup(n.id)) {
      redraw(true);
      view.select(n.members[0]!);
    }
  } else if (e.key === '+' || e.key === '=') view.zoomBy(1.25);
  else if (e.key === '-') view.zoomBy(0.8);
  else if (e.key === '0') view.fitAll();
  else if (e.key === 't' || e.key === 'T') toggleTheme();
  else if (e.key === 'p' || e.key === 'P') togglePanel();
  else if (e.key === 'Escape') {
    view.select(null);
    search.value = '';
    runSearch('');
  }
});

// Drag and drop: the file's bytes go to the host (never a path).
let dragDepth = 0;
document.addEventListener('dragenter', (e) => {
  if (!e.dataTransfer?.types.includes('Files')) return;
  dragDepth += 1;
  $('drop').hidden = false;
});
document.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (!dragDepth) $('drop').hidden = true;
});
document.addEventListener('dragover', (e) => e.preventDefault());
document.addEventListener('drop', async (e) => {
  e.preventDefault();
  dragDepth = 0;
  $('drop').hidden = true;
  const f = e.dataTransfer?.files[0];
  if (f) await load(api.openBytes(f.name, new Uint8Array(await f.arrayBuffer())), f.name);
});

api.onMenu(command);
api.onTopologyChanged(() => void load(api.getTopology()));
window.addEventListener('resize', () => view.cy.resize());

// Automation hook for tests and the benchmark (read-only questions about the view).
(window as unknown as { __topolens: unknown }).__topolens = {
  view,
  state,
  ready: false,
  select: (a: string) => selectAddress(a),
};

void (async () => {
  performance.mark('topolens:start');
  const first = api.getTopology();
  await first;
  performance.mark('topolens:fetched');
  await load(first);
  performance.mark('topolens:loaded');
  await view.drawn();
  performance.mark('topolens:drawn');
  (window as unknown as { __topolens: { ready: boolean } }).__topolens.ready = true;
  document.body.dataset['ready'] = 'true';
})();
