// Standalone SVG of the topology picture, drawn from the same scene, layout and style
// definitions as the app's Cytoscape view, so the two look alike. No browser, no fonts
// embedded (monospace fallback chain); text is real <text>, searchable and selectable.
import type { Snapshot } from '../model';
import { layoutScene, type Layout } from '../view/layout';
import { buildScene, archLine, type Scene, type SceneNode, type SceneOptions } from '../view/scene';
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

function nodeColours(n: SceneNode, theme: ThemeName): { fill: string; stroke: string; text: string; shape: string; dash: string; sw: number } {
  const th = THEME[theme];
  if (n.kind === 'machine') return { fill: th.machineFill, stroke: th.machineFill, text: th.machineText, shape: 'round-rectangle', dash: '', sw: 1 };
  if (n.kind === 'cpus') return { fill: th.cpusFill, stroke: th.cpusBorder, text: th.text, shape: 'round-rectangle', dash: '', sw: 1.5 };
  if (n.kind === 'complex') return { fill: th.complexFill, stroke: th.complexBorder, text: th.text, shape: 'cut-rectangle', dash: '', sw: 1.5 };
  const st = ROLE_STYLE[(n.role ?? 'other') as ViewRole];
  let stroke = st.border[theme];
  let sw = 1.5;
  let dash = st.dashed || n.kind === 'vf-group' ? '4 3' : '';
  if (n.classes.includes('link-downgraded')) {
    stroke = MARKER_STYLE.downgraded.colour[theme];
    sw = MARKER_STYLE.downgraded.width;
    dash = '6 3';
  } else if (n.classes.includes('locality-unknown')) dash = dash || '2 2';
  return { fill: st.fill[theme], stroke, text: th.text, shape: st.shape, dash, sw };
}

export function renderSvg(t: Snapshot, scene: Scene, layout: Layout, opts: SvgOptions = {}): string {
  const theme = opts.theme ?? 'light';
  const th = THEME[theme];
  const title = opts.title === undefined ? `${t.machine.hostname ?? t.source.name} · ${archLine(t.machine)}${t.machine.cpuModel && t.machine.arch !== 'aarch64' ? ` · ${t.machine.cpuModel}` : ''}` : opts.title;
  const margin = 20;
  const titleH = title ? 28 : 0;
  const b = layout.bounds;
  const width = Math.ceil(b.x2 - b.x1 + 2 * margin);
  const legendH = 24;
  const height = Math.ceil(b.y2 - b.y1 + 2 * margin + titleH + legendH);
  const ox = margin - b.x1;
  const oy = margin + titleH - b.y1;
  const byId = new Map(scene.nodes.map((n) => [n.id, n] as const));
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family='${FONT.family}' font-size="${FONT.size}">`);
  out.push(`<title>${esc(`topolens: ${title ?? t.source.name}`)}</title>`);
  out.push(`<rect width="100%" height="100%" fill="${th.background}"/>`);
  if (title) out.push(`<text x="${margin}" y="${margin + 12}" font-size="14" font-weight="bold" fill="${th.text}">${esc(title)}</text>`);
  out.push(`<g transform="translate(${n1(ox)} ${n1(oy)})">`);
  // Groups.
  for (const n of scene.nodes) {
    if (n.kind !== 'numa') continue;
    const g = layout.groups.get(n.id);
    if (!g) continue;
    const unknown = n.id === 'numa:unknown';
    out.push(`<g class="numa" data-id="${esc(n.id)}"><rect x="${n1(g.x1)}" y="${n1(g.y1)}" width="${n1(g.x2 - g.x1)}" height="${n1(g.y2 - g.y1)}" rx="8" fill="${unknown ? th.unknownFill : th.numaFill}" stroke="${th.numaBorder}" stroke-width="1.5"${unknown ? ' stroke-dasharray="6 4"' : ''}/>`);
    out.push(`<text x="${n1(g.x1 + 4)}" y="${n1(g.y1 - 6)}" font-weight="bold" fill="${th.text}">${esc(n.lines.join(' '))}</text></g>`);
  }
  // Grid frames: a run of leaf siblings drawn as one block with one edge.
  const inGrid = new Set<string>();
  for (const g of layout.grids) {
    for (const m of g.members) inGrid.add(`e:${g.parent}>${m}`);
    out.push(`<rect class="grid-frame" x="${n1(g.box.x1)}" y="${n1(g.box.y1)}" width="${n1(g.box.x2 - g.box.x1)}" height="${n1(g.box.y2 - g.box.y1)}" rx="6" fill="${th.gridFill}" stroke="${th.edge}" stroke-dasharray="4 3"/>`);
  }
  // Edges (under the nodes).
  out.push(`<g class="edges" fill="none" stroke="${th.edge}" stroke-width="1.2">`);
  const frames = layout.grids.map((g) => ({ source: g.parent, box: g.box, classes: [] as string[] }));
  const lines = [
    ...scene.edges.filter((e) => !inGrid.has(e.id)).map((e) => {
      const d = byId.get(e.target);
      const pd = layout.positions.get(e.target);
      return { source: e.source, left: d && pd ? pd.x - d.w / 2 : NaN, y: pd?.y ?? NaN, classes: e.classes };
    }),
    ...frames.map((f) => ({ source: f.source, left: f.box.x1, y: (f.box.y1 + f.box.y2) / 2, classes: f.classes })),
  ];
  for (const e of lines) {
    const s = byId.get(e.source);
    const ps = layout.positions.get(e.source);
    if (!s || !ps || Number.isNaN(e.left)) continue;
    const pd = { y: e.y };
    const x0 = ps.x + s.w / 2;
    const x1 = e.left;
    const turn = Math.min(x0 + TAXI_TURN, (x0 + x1) / 2);
    const dash = e.classes.includes('cpu-edge') || e.classes.includes('vf-edge') || e.classes.includes('via-hidden') ? ' stroke-dasharray="4 3"' : '';
    out.push(`<path d="M${n1(x0)} ${n1(ps.y)}H${n1(turn)}V${n1(pd.y)}H${n1(x1)}"${dash}/>`);
  }
  out.push('</g>');
  // Nodes.
  for (const n of scene.nodes) {
    if (n.kind === 'numa') continue;
    const p = layout.positions.get(n.id);
    if (!p) continue;
    const c = nodeColours(n, theme);
    const x = p.x - n.w / 2;
    const y = p.y - n.h / 2;
    const id = n.address ?? n.id;
    out.push(`<g class="node ${esc(n.classes.join(' '))}" data-id="${esc(id)}">`);
    out.push(`${shapePath(c.shape, x, y, n.w, n.h)} fill="${c.fill}" stroke="${c.stroke}" stroke-width="${c.sw}"${c.dash ? ` stroke-dasharray="${c.dash}"` : ''}/>`);
    const lineW = Math.max(...n.lines.map((l) => [...l].length)) * FONT.charWidth;
    const tx = p.x - lineW / 2;
    const ty = p.y - (n.lines.length * FONT.lineHeight) / 2 + FONT.lineHeight * 0.75;
    out.push(`<text x="${n1(tx)}" y="${n1(ty)}" fill="${c.text}">`);
    n.lines.forEach((l, i) => out.push(`<tspan x="${n1(tx)}" dy="${i === 0 ? 0 : FONT.lineHeight}"${i === 0 ? ' font-weight="bold"' : ''}>${esc(l)}</tspan>`));
    out.push('</text></g>');
  }
  out.push('</g>');
  // Legend: roles present in the picture.
  const present = [...new Set(scene.nodes.filter((n) => n.role).map((n) => n.role as ViewRole))];
  if (present.length) {
    let lx = margin;
    const ly = height - 8;
    const items: string[] = [];
    for (const r of present) {
      const st = ROLE_STYLE[r];
      items.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="10" fill="${st.fill[theme]}" stroke="${st.border[theme]}"/><text x="${lx + 16}" y="${ly - 1}" fill="${th.muted}">${esc(st.label)}</text>`);
      lx += 16 + st.label.length * FONT.charWidth + 14;
    }
    out.push(`<g class="legend">${items.join('')}</g>`);
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** The topology as a standalone SVG document. */
export function exportSvg(t: Snapshot, opts: SvgOptions = {}): string {
  const scene = buildScene(t, opts);
  return renderSvg(t, scene, layoutScene(scene), opts);
}
