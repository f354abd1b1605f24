// Standalone SVG of the topology picture, drawn from the same scene, layout and style
// definitions as the app's Cytoscape view, so the two look alike. No browser, no fonts
// embedded (monospace fallback chain); text is real <text>, searchable and selectable.
// Scripts read it: each function's <g> has data-id = its PCI address, folded groups list
// theirs in data-members, NUMA boxes are <g class="numa" data-id="numa:N"> whose first
// <rect> is the box; all coordinates are absolute (no transforms).
import type { Snapshot } from '../model';
import { fitScene } from '../view/fit';
import type { Layout } from '../view/layout';
import { archLine, type Scene, type SceneNode, type SceneOptions } from '../view/scene';
import { FONT, MARKER_STYLE, ROLE_STYLE, THEME, type ThemeName, type ViewRole } from '../view/style';

export interface SvgOptions extends SceneOptions {
  readonly theme?: ThemeName;
  /** Title line at the top (default: machine line). */
  readonly title?: string | null;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n1 = (v: number) => (Math.round(v * 10) / 10).toString();

/** Taxi edge (the Cytoscape stylesheet uses `curve-style: taxi`, horizontal, turn 24 px). */
export const TAXI_TURN = 24;

function shapePath(kind: string, x: number, y: number, w: number, h: number): string {
  if (kind === 'cut-rectangle') {
    const c = 8;
    return `<path d="M${n1(x + c)} ${n1(y)}H${n1(x + w - c)}L${n1(x + w)} ${n1(y + c)}V${n1(y + h - c)}L${n1(x + w - c)} ${n1(y + h)}H${n1(x + c)}L${n1(x)} ${n1(y + h - c)}V${n1(y + c)}Z"`;
  }
  const r = kind === 'round-rectangle' ? 6 : 0;
  return `<rect x="${n1(x)}" y="${n1(y)}" width="${n1(w)}" height="${n1(h)}" rx="${r}"`;
}

/** The node's bounding box as its first <rect> (scripts read it); invisible when the shape is not a rectangle. */
function boundsRect(x: number, y: number, w: number, h: number): string {
  return `<rect x="${n1(x)}" y="${n1(y)}" width="${n1(w)}" height="${n1(h)}" fill="none" stroke="none"/>`;
}

function nodeColours(n: SceneNode, theme: ThemeName): { fill: string; stroke: string; text: string; shape: string; dash: string; sw: number } {
  const th = THEME[theme];
  if (n.kind === 'cpus') return { fill: th.cpusFill, stroke: th.cpusBorder, text: th.text, shape: 'round-rectangle', dash: '', sw: 1.5 };
  const st = ROLE_STYLE[(n.role ?? 'other') as ViewRole];
  let stroke = st.border[theme];
  let sw = st.borderWidth ?? 1.5;
  let dash = st.dashed || n.kind === 'vf-group' || n.kind === 'fold' ? '4 3' : '';
  // A run of identical functions keeps its role's colours (a platform group is grey).
  const platform = n.kind === 'fold' && !n.classes.includes('fold-run');
  if (n.classes.includes('link-downgraded')) {
    stroke = MARKER_STYLE.downgraded.colour[theme];
    sw = MARKER_STYLE.downgraded.width;
    dash = '6 3';
  } else if (n.classes.includes('locality-unknown')) dash = dash || '2 2';
  return { fill: platform ? th.gridFill : st.fill[theme], stroke, text: th.text, shape: platform ? 'round-rectangle' : st.shape, dash, sw };
}

function boxesSvg(scene: Scene, layout: Layout, theme: ThemeName): string[] {
  const th = THEME[theme];
  const out: string[] = [];
  for (const n of scene.nodes) {
    if (n.kind !== 'numa') continue;
    const g = layout.groups.get(n.id);
    if (!g) continue;
    const unknown = n.id === 'numa:unknown';
    out.push(`<g class="numa ${esc(n.classes.join(' '))}" data-id="${esc(n.id)}"><rect x="${n1(g.x1)}" y="${n1(g.y1)}" width="${n1(g.x2 - g.x1)}" height="${n1(g.y2 - g.y1)}" rx="8" fill="${unknown ? th.unknownFill : th.numaFill}" stroke="${th.numaBorder}" stroke-width="1.5"${unknown ? ' stroke-dasharray="6 4"' : ''}/>`);
    out.push(`${n.title ? `<title>${esc(n.title)}</title>` : ''}<text x="${n1(g.x1 + 4)}" y="${n1(g.y1 - 6)}" font-weight="bold" fill="${th.text}">${esc(n.lines.join(' '))}</text></g>`);
  }
  for (const n of scene.nodes) {
    if (n.kind !== 'complex') continue;
    const f = layout.frames.get(n.id);
    if (!f) continue;
    out.push(`<g class="complex ${esc(n.classes.join(' '))}" data-id="${esc(n.id)}"><rect x="${n1(f.x1)}" y="${n1(f.y1)}" width="${n1(f.x2 - f.x1)}" height="${n1(f.y2 - f.y1)}" rx="6" fill="${th.complexFill}" fill-opacity="0.35" stroke="${th.complexBorder}" stroke-width="1"/>`);
    out.push(`<text x="${n1(f.x1 + 6)}" y="${n1(f.y1 + 14)}" fill="${th.muted}" font-weight="bold">${esc(n.lines.join(' '))}</text></g>`);
  }
  for (const g of layout.grids) {
    out.push(`<rect class="grid-frame" x="${n1(g.box.x1)}" y="${n1(g.box.y1)}" width="${n1(g.box.x2 - g.box.x1)}" height="${n1(g.box.y2 - g.box.y1)}" rx="6" fill="${th.gridFill}" stroke="${th.edge}" stroke-dasharray="4 3"/>`);
  }
  return out;
}

/** Edge endpoints: from the right side of the source to the left side of the target (or of its grid frame). */
function edgesSvg(scene: Scene, layout: Layout, theme: ThemeName): string[] {
  const th = THEME[theme];
  const byId = new Map(scene.nodes.map((n) => [n.id, n] as const));
  const gridOf = new Map<string, Layout['grids'][number]>();
  for (const g of layout.grids) for (const m of g.members) gridOf.set(`e:${g.parent}>${m}`, g);
  const out: string[] = [`<g class="edges" fill="none" stroke="${th.edge}" stroke-width="1.2">`];
  const drawnGrid = new Set<string>();
  for (const e of scene.edges) {
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    const ps = layout.positions.get(e.source);
    const pt = layout.positions.get(e.target);
    if (!s || !t || !ps || !pt) continue;
    const grid = gridOf.get(e.id);
    if (grid && drawnGrid.has(grid.id)) continue;
    if (grid) drawnGrid.add(grid.id);
    const down = e.classes.includes('link-downgraded');
    const stroke = e.classes.includes('cxl-edge') ? ROLE_STYLE.cxl.border[theme] : down ? MARKER_STYLE.downgraded.colour[theme] : '';
    const dashed = e.classes.some((c) => c === 'vf-edge' || c === 'via-hidden' || c === 'cross-numa' || c === 'cxl-edge' || c === 'fold-edge') || down;
    const attrs = `${stroke ? ` stroke="${stroke}"` : ''}${e.width && e.width !== 1.2 ? ` stroke-width="${e.width}"` : ''}${dashed ? ` stroke-dasharray="${down ? '6 3' : '4 3'}"` : ''}`;
    const title = e.label ? `<title>${esc(e.label)}</title>` : '';
    const x0 = ps.x + s.w / 2;
    if (e.classes.includes('cross-numa') || e.classes.includes('cxl-edge')) {
      const x1 = pt.x < ps.x ? pt.x + t.w / 2 : pt.x - t.w / 2;
      out.push(`<path class="${esc(e.classes.join(' '))}" d="M${n1(x0)} ${n1(ps.y)}L${n1(x1)} ${n1(pt.y)}"${attrs}>${title}</path>`);
      continue;
    }
    const x1 = grid ? grid.box.x1 : pt.x - t.w / 2;
    const y1 = grid ? (grid.box.y1 + grid.box.y2) / 2 : pt.y;
    const turn = Math.min(x0 + TAXI_TURN, (x0 + x1) / 2);
    out.push(`<path class="${esc(e.classes.join(' '))}" d="M${n1(x0)} ${n1(ps.y)}H${n1(turn)}V${n1(y1)}H${n1(x1)}"${attrs}>${title}</path>`);
  }
  out.push('</g>');
  return out;
}

function nodesSvg(scene: Scene, layout: Layout, theme: ThemeName): string[] {
  const out: string[] = [];
  for (const n of scene.nodes) {
    if (n.kind === 'numa' || n.kind === 'complex') continue;
    const p = layout.positions.get(n.id);
    if (!p) continue;
    const c = nodeColours(n, theme);
    const x = p.x - n.w / 2;
    const y = p.y - n.h / 2;
    const id = n.address ?? n.id;
    const members = n.members?.length ? ` data-members="${esc(n.members.join(' '))}"` : '';
    out.push(`<g class="node ${esc(n.classes.join(' '))}" data-id="${esc(id)}"${members}>`);
    if (c.shape !== 'round-rectangle' && c.shape !== 'rectangle') out.push(boundsRect(x, y, n.w, n.h));
    out.push(`${shapePath(c.shape, x, y, n.w, n.h)} fill="${c.fill}" stroke="${c.stroke}" stroke-width="${c.sw}"${c.dash ? ` stroke-dasharray="${c.dash}"` : ''}/>`);
    if (n.title) out.push(`<title>${esc(n.title)}</title>`);
    const lineW = Math.max(...n.lines.map((l) => [...l].length)) * FONT.charWidth;
    const tx = p.x - lineW / 2;
    const ty = p.y - (n.lines.length * FONT.lineHeight) / 2 + FONT.lineHeight * 0.75;
    out.push(`<text x="${n1(tx)}" y="${n1(ty)}" fill="${c.text}">`);
    n.lines.forEach((l, i) => out.push(`<tspan x="${n1(tx)}" dy="${i === 0 ? 0 : FONT.lineHeight}"${i === 0 ? ' font-weight="bold"' : ''}>${esc(l)}</tspan>`));
    out.push('</text></g>');
  }
  return out;
}

function legendSvg(scene: Scene, theme: ThemeName, x: number, y: number): string {
  const th = THEME[theme];
  const present = [...new Set(scene.nodes.filter((n) => n.role && n.kind === 'device').map((n) => n.role as ViewRole))];
  const items: string[] = [];
  let lx = x;
  for (const r of present) {
    const st = ROLE_STYLE[r];
    items.push(`<rect x="${lx}" y="${y - 10}" width="12" height="10" fill="${st.fill[theme]}" stroke="${st.border[theme]}"${st.dashed ? ' stroke-dasharray="3 2"' : ''}/><text x="${lx + 16}" y="${y - 1}" fill="${th.muted}">${esc(st.label)}</text>`);
    lx += 16 + st.label.length * FONT.charWidth + 14;
  }
  return items.length ? `<g class="legend">${items.join('')}</g>` : '';
}

export function renderSvg(t: Snapshot, scene: Scene, layout: Layout, opts: SvgOptions = {}): string {
  const theme = opts.theme ?? 'light';
  const th = THEME[theme];
  const title = opts.title === undefined ? `${t.machine.hostname ?? t.source.name} · ${archLine(t.machine)}${t.machine.cpuModel && t.machine.arch !== 'aarch64' ? ` · ${t.machine.cpuModel}` : ''}` : opts.title;
  const b = layout.bounds;
  const titleH = title ? SVG_CHROME.title : 0;
  const width = Math.ceil(b.x2 - b.x1 + 2 * SVG_CHROME.margin);
  const height = Math.ceil(b.y2 - b.y1 + 2 * SVG_CHROME.margin + titleH + SVG_CHROME.legend);
  const ox = SVG_CHROME.margin - b.x1;
  const oy = SVG_CHROME.margin + titleH - b.y1;
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family='${FONT.family}' font-size="${FONT.size}">`);
  out.push(`<title>${esc(`topolens: ${title ?? t.source.name}`)}</title>`);
  out.push(`<rect width="100%" height="100%" fill="${th.background}"/>`);
  if (title) out.push(`<text x="${SVG_CHROME.margin}" y="${SVG_CHROME.margin + 12}" font-size="14" font-weight="bold" fill="${th.text}">${esc(title)}</text>`);
  // Everything in absolute coordinates (no transforms): scripts read boxes straight from the rects.
  const shifted = shiftLayout(layout, ox, oy);
  out.push(...boxesSvg(scene, shifted, theme), ...edgesSvg(scene, shifted, theme), ...nodesSvg(scene, shifted, theme));
  out.push(legendSvg(scene, theme, SVG_CHROME.margin, height - 8));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Space around the layout in the SVG: margins, title line, legend line. */
export const SVG_CHROME = { margin: 20, title: 28, legend: 24 } as const;

function shiftLayout(l: Layout, dx: number, dy: number): Layout {
  const box = (b: { x1: number; y1: number; x2: number; y2: number }) => ({ x1: b.x1 + dx, y1: b.y1 + dy, x2: b.x2 + dx, y2: b.y2 + dy });
  const positions = new Map([...l.positions].map(([k, p]) => [k, { x: p.x + dx, y: p.y + dy }] as const));
  return {
    positions,
    groups: new Map([...l.groups].map(([k, b]) => [k, box(b)] as const)),
    frames: new Map([...l.frames].map(([k, b]) => [k, box(b)] as const)),
    grids: l.grids.map((g) => ({ ...g, box: box(g.box) })),
    bounds: box(l.bounds),
  };
}

/** The topology as a standalone SVG document. */
export function exportSvg(t: Snapshot, opts: SvgOptions = {}): string {
  const chrome = { w: 2 * SVG_CHROME.margin, h: 2 * SVG_CHROME.margin + SVG_CHROME.title + SVG_CHROME.legend };
  const { scene, layout } = fitScene(t, opts, { chrome });
  return renderSvg(t, scene, layout, opts);
}
