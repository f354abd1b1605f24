// Positions for a scene, shaped for a screen like lstopo's: NUMA boxes side by side
// (in package order), each with its CPU strip on top and its root-complex frames
// below; inside a frame each subtree (a "unit": a root port with everything under it,
// a platform group...) is a small left-to-right tree, and units flow into columns. The
// column height is chosen so the whole picture best fits a target viewport (1600×1000
// by default). Nothing overlaps by construction: every unit, frame and box owns its
// rectangle. Deterministic and pure: the app feeds the result to Cytoscape's `preset`
// layout, svg.ts draws it. It does not route edges (straight/taxi is the drawer's).
import type { Scene, SceneNode } from './scene';
import { FONT } from './style';

export interface Box {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** A run of leaf siblings wrapped into a grid: drawn as one framed block with one edge from the parent. */
export interface Grid {
  readonly id: string;
  readonly parent: string;
  readonly members: readonly string[];
  readonly box: Box;
}

export interface Layout {
  /** Node centres (Cytoscape's convention), for every device, group and CPU strip. */
  readonly positions: ReadonlyMap<string, { readonly x: number; readonly y: number }>;
  /** NUMA boxes (label above y1). */
  readonly groups: ReadonlyMap<string, Box>;
  /** Root-complex frames (label inside, at the top). */
  readonly frames: ReadonlyMap<string, Box>;
  readonly grids: readonly Grid[];
  readonly bounds: Box;
}

export interface LayoutOptions {
  /** The screen the picture should fit (px); default 1600×1000. */
  readonly viewport?: { readonly w: number; readonly h: number };
  /** Space the drawer adds around the layout (title, legend, margins), px. */
  readonly chrome?: { readonly w: number; readonly h: number };
}

export const COL_GAP = 30;
export const ROW_GAP = 8;
export const BRANCH_GAP = 14;
export const GRID_GAP = 12;
export const GRID_MIN = 5;
export const GROUP_PAD = 10;
export const GROUP_LABEL = 22;
export const GROUP_GAP = 24;
export const FRAME_PAD = 8;
export const FRAME_LABEL = 20;
export const FRAME_GAP = 12;
export const UNIT_GAP = 14;
/** Frame around a grid block (less than half of ROW_GAP, so frames never touch neighbours). */
export const GRID_FRAME = 3;

interface Segment {
  readonly nodes: readonly SceneNode[];
  /** Grid columns; 0 for a single subtree. */
  readonly cols: number;
  readonly cellW: number;
  readonly cellH: number;
  /** Grids of pairs: the width of the port column inside a cell (0 for grids of leaves). */
  readonly headW: number;
  readonly height: number;
}

type Point = { x: number; y: number };

/** A laid-out subtree in its own coordinates (top-left at 0,0). */
interface Unit {
  readonly id: string;
  readonly w: number;
  readonly h: number;
  readonly positions: Map<string, Point>;
  readonly grids: Grid[];
}

export function gridColumns(n: number): number {
  return Math.max(2, Math.min(8, Math.round(Math.sqrt(n / 2))));
}

/** A growing bounding box (Infinity while empty). */
class Bounds {
  x1 = Infinity;
  y1 = Infinity;
  x2 = -Infinity;
  y2 = -Infinity;
  add(x1: number, y1: number, x2: number, y2: number): void {
    this.x1 = Math.min(this.x1, x1);
    this.y1 = Math.min(this.y1, y1);
    this.x2 = Math.max(this.x2, x2);
    this.y2 = Math.max(this.y2, y2);
  }
  /** A node centred at p (skipped when it has no position). */
  addNode(n: { w: number; h: number }, p: Point | undefined): void {
    if (p) this.add(p.x - n.w / 2, p.y - n.h / 2, p.x + n.w / 2, p.y + n.h / 2);
  }
}

/** One unit's tree: which children are drawn in it, how they segment into runs and grids, how tall each subtree is. */
class UnitTree {
  private readonly heights = new Map<string, number>();
  private readonly segs = new Map<string, Segment[]>();
  readonly depth = new Map<string, number>();

  constructor(
    readonly root: SceneNode,
    private readonly byId: ReadonlyMap<string, SceneNode>,
  ) {
    const setDepth = (n: SceneNode, d: number) => {
      this.depth.set(n.id, d);
      for (const c of this.kids(n)) setDepth(c, d + 1);
    };
    setDepth(root, 0);
  }

  /** Children drawn in this unit: same box, this node as tree parent. */
  kids(n: SceneNode): SceneNode[] {
    return n.children.map((c) => this.byId.get(c)!).filter((c) => c && c.parent === n.id && c.group === n.group);
  }

  /** A child's shape: a leaf, a pair (one port and the single leaf below it, e.g. a switch port and its NVMe drive), or a deeper tree. */
  shape(n: SceneNode): 'leaf' | 'pair' | 'tree' {
    const k = this.kids(n);
    if (k.length === 0) return 'leaf';
    return k.length === 1 && this.kids(k[0]!).length === 0 ? 'pair' : 'tree';
  }

  /** Children in drawing order; runs of GRID_MIN+ leaves (or of GRID_MIN+ pairs) wrapped into one grid segment. */
  segments(n: SceneNode): Segment[] {
    const hit = this.segs.get(n.id);
    if (hit) return hit;
    const out: Segment[] = [];
    let run: SceneNode[] = [];
    let runShape: 'leaf' | 'pair' = 'leaf';
    const flush = () => {
      if (run.length >= GRID_MIN) out.push(this.gridSegment(run, runShape === 'pair'));
      else for (const r of run) out.push({ nodes: [r], cols: 0, cellW: r.w, cellH: r.h, headW: 0, height: this.subtreeHeight(r) });
      run = [];
    };
    for (const c of this.kids(n)) {
      const sh = this.shape(c);
      if (sh === 'tree') {
        flush();
        out.push({ nodes: [c], cols: 0, cellW: c.w, cellH: c.h, headW: 0, height: this.subtreeHeight(c) });
        continue;
      }
      if (run.length && sh !== runShape) flush();
      runShape = sh;
      run.push(c);
    }
    flush();
    this.segs.set(n.id, out);
    return out;
  }

  /** A grid of leaves, or of pairs (cell = port, gap, its leaf on the same row). */
  private gridSegment(run: SceneNode[], pairs: boolean): Segment {
    const cols = gridColumns(run.length);
    const rows = Math.ceil(run.length / cols);
    const below = pairs ? run.map((r) => this.kids(r)[0]!) : [];
    const headW = Math.max(...run.map((r) => r.w));
    const cellW = pairs ? headW + COL_GAP + Math.max(...below.map((b) => b.w)) : headW;
    const cellH = Math.max(...run.map((r) => r.h), ...below.map((b) => b.h));
    return { nodes: run, cols, cellW, cellH, headW: pairs ? headW : 0, height: rows * cellH + (rows - 1) * ROW_GAP };
  }

  gapBetween(a: Segment, b: Segment): number {
    const leaf = (s: Segment) => s.cols === 0 && this.kids(s.nodes[0]!).length === 0;
    return leaf(a) && leaf(b) ? ROW_GAP : BRANCH_GAP;
  }

  childrenHeight(n: SceneNode): number {
    const segs = this.segments(n);
    return segs.reduce((h, s, i) => h + s.height + (i > 0 ? this.gapBetween(segs[i - 1]!, s) : 0), 0);
  }

  subtreeHeight(n: SceneNode): number {
    const hit = this.heights.get(n.id);
    if (hit !== undefined) return hit;
    const h = Math.max(n.h, this.childrenHeight(n));
    this.heights.set(n.id, h);
    return h;
  }

  width(id: string): number {
    return this.byId.get(id)?.w ?? 0;
  }

  /** Left edge of each depth's column: the widest node (or grid) that starts there, plus COL_GAP. */
  columns(): number[] {
    const colW: number[] = [];
    const widen = (d: number, w: number) => {
      colW[d] = Math.max(colW[d] ?? 0, w);
    };
    const walk = (n: SceneNode) => {
      const d = this.depth.get(n.id) ?? 0;
      widen(d, n.w);
      for (const s of this.segments(n)) {
        if (s.cols > 0) widen(d + 1, s.cols * s.cellW + (s.cols - 1) * GRID_GAP);
        else walk(s.nodes[0]!);
      }
    };
    walk(this.root);
    const colX: number[] = [0];
    for (let d = 1; d < colW.length + 1; d += 1) colX[d] = colX[d - 1]! + (colW[d - 1] ?? 0) + COL_GAP;
    return colX;
  }
}

/** Lays out one unit: a left-to-right layered tree; long runs of leaf siblings wrap into a grid. */
function layoutUnit(root: SceneNode, byId: ReadonlyMap<string, SceneNode>): Unit {
  const tree = new UnitTree(root, byId);
  const colX = tree.columns();
  const positions = new Map<string, Point>();
  const grids: Grid[] = [];
  const place = (n: SceneNode, top: number) => {
    const d = tree.depth.get(n.id) ?? 0;
    const H = tree.subtreeHeight(n);
    positions.set(n.id, { x: colX[d]! + n.w / 2, y: top + H / 2 });
    const segs = tree.segments(n);
    let y = top + (H - tree.childrenHeight(n)) / 2;
    segs.forEach((s, i) => {
      if (i > 0) y += tree.gapBetween(segs[i - 1]!, s);
      if (s.cols === 0) place(s.nodes[0]!, y);
      else placeGrid(n, s, colX[d + 1]!, y, positions, grids, tree);
      y += s.height;
    });
  };
  place(root, 0);
  const b = new Bounds();
  for (const [id, p] of positions) b.addNode(byId.get(id)!, p);
  for (const g of grids) b.add(g.box.x1, g.box.y1, g.box.x2, g.box.y2);
  // Normalise to a top-left of (0, 0) (a grid frame can stick out above the first row).
  for (const p of positions.values()) {
    p.x -= b.x1;
    p.y -= b.y1;
  }
  const shifted = grids.map((g) => ({ ...g, box: { x1: g.box.x1 - b.x1, y1: g.box.y1 - b.y1, x2: g.box.x2 - b.x1, y2: g.box.y2 - b.y1 } }));
  return { id: root.id, w: b.x2 - b.x1, h: b.y2 - b.y1, positions, grids: shifted };
}

function placeGrid(n: SceneNode, s: Segment, x1: number, y: number, positions: Map<string, Point>, grids: Grid[], tree: UnitTree): void {
  const members: string[] = [];
  s.nodes.forEach((c, k) => {
    const cx = x1 + (k % s.cols) * (s.cellW + GRID_GAP);
    const cy = y + Math.floor(k / s.cols) * (s.cellH + ROW_GAP) + s.cellH / 2;
    positions.set(c.id, { x: cx + c.w / 2, y: cy });
    members.push(c.id);
    if (!s.headW) return;
    const leaf = tree.kids(c)[0]!;
    positions.set(leaf.id, { x: cx + s.headW + COL_GAP + leaf.w / 2, y: cy });
    members.push(leaf.id);
  });
  const right = Math.max(...members.map((id) => positions.get(id)!.x + tree.width(id) / 2));
  grids.push({ id: `grid:${n.id}:${grids.length}`, parent: n.id, members, box: { x1: x1 - GRID_FRAME, y1: y - GRID_FRAME, x2: right + GRID_FRAME, y2: y + s.height + GRID_FRAME } });
}

/** Items of known size flowed into columns no taller than `limit` (an item taller than it gets a column alone). */
function flow(items: readonly { w: number; h: number }[], limit: number, gap: number): { cols: Array<{ items: number[]; w: number; h: number }>; w: number; h: number } {
  const cols: Array<{ items: number[]; w: number; h: number }> = [];
  let cur: { items: number[]; w: number; h: number } | null = null;
  items.forEach((it, i) => {
    if (!cur || (cur.items.length && cur.h + gap + it.h > limit)) {
      cur = { items: [], w: 0, h: 0 };
      cols.push(cur);
    }
    cur.h += (cur.items.length ? gap : 0) + it.h;
    cur.w = Math.max(cur.w, it.w);
    cur.items.push(i);
  });
  const w = cols.reduce((a, c, i) => a + c.w + (i ? gap : 0), 0);
  const h = Math.max(0, ...cols.map((c) => c.h));
  return { cols, w, h };
}

/** The scene's boxes → frames → units, ready to be packed. */
interface Structure {
  readonly boxes: Array<{ box: SceneNode; cpus: SceneNode | undefined; frames: Array<{ frame: SceneNode; units: Unit[] }> }>;
}

function structure(scene: Scene, byId: ReadonlyMap<string, SceneNode>): Structure {
  const boxes: Structure['boxes'] = [];
  const framesOf = new Map<string, SceneNode[]>();
  for (const n of scene.nodes) if (n.kind === 'complex' && n.group) framesOf.set(n.group, [...(framesOf.get(n.group) ?? []), n]);
  for (const box of scene.nodes) {
    if (box.kind !== 'numa') continue;
    const cpus = byId.get(`cpus:${box.numaNode}`);
    const frames = (framesOf.get(box.id) ?? []).map((frame) => ({ frame, units: (frame.units ?? []).map((u) => layoutUnit(byId.get(u)!, byId)) }));
    if (frames.length === 0 && !(cpus && cpus.group === box.id)) continue;
    boxes.push({ box, cpus: cpus?.group === box.id ? cpus : undefined, frames });
  }
  return { boxes };
}

/** Column heights: units flow inside a frame up to `unit`, frames inside a box up to `frame`. */
interface Limits {
  readonly unit: number;
  readonly frame: number;
}

/** Frame size when its units flow into columns of height `limit`. */
function frameSize(f: { frame: SceneNode; units: Unit[] }, limit: number): { w: number; h: number } {
  const fl = flow(f.units, limit, UNIT_GAP);
  return { w: Math.max(f.frame.w, fl.w) + 2 * FRAME_PAD, h: fl.h + FRAME_LABEL + FRAME_PAD };
}

/** Box size (inside its padding, label excluded) when everything flows at `lim`. */
function boxSize(b: Structure['boxes'][number], lim: Limits): { w: number; h: number; top: number } {
  const top = b.cpus ? b.cpus.h + FRAME_GAP : 0;
  const fl = flow(b.frames.map((f) => frameSize(f, lim.unit)), Math.max(lim.frame, 1), FRAME_GAP);
  const labelW = [...(b.box.lines[0] ?? '')].length * FONT.charWidth + 8;
  return { w: Math.max(fl.w, b.cpus?.w ?? 0, labelW - 2 * GROUP_PAD), h: top + fl.h, top };
}

/** Outer size of a box: padding and label included. */
function outerSize(b: Structure['boxes'][number], lim: Limits): { w: number; h: number } {
  const sz = boxSize(b, lim);
  return { w: sz.w + 2 * GROUP_PAD, h: sz.h + 2 * GROUP_PAD + GROUP_LABEL };
}

interface Plan {
  /** Boxes per row, in order. */
  readonly rows: number[][];
  /** Column heights per box (by index in the structure). */
  readonly limits: Limits[];
  readonly w: number;
  readonly h: number;
}

/**
 * Boxes in order, wrapped into rows no wider than `maxW` (a wider box gets a row alone;
 * a row breaks before a package whose nodes would not all fit on it, when they fit on one);
 * then each box shorter than its row is re-flowed with taller columns to use the row's
 * height, which can only make it narrower.
 */
function rowsFor(s: Structure, lim: Limits, maxW: number, minUnit: number): Plan {
  const limits = s.boxes.map(() => lim);
  const sizes = s.boxes.map((b) => outerSize(b, lim));
  const rows: number[][] = [];
  let cur: number[] = [];
  let curW = 0;
  const pkgOf = (i: number) => s.boxes[i]!.box.package ?? null;
  // The width of the boxes from i to the end of i's package (a package's nodes stay on one row when they fit).
  const packageRest = (i: number) => {
    let w = sizes[i]!.w;
    for (let j = i + 1; j < sizes.length && pkgOf(j) !== null && pkgOf(j) === pkgOf(i); j += 1) w += GROUP_GAP + sizes[j]!.w;
    return w;
  };
  sizes.forEach((sz, i) => {
    const startsPackage = i === 0 || pkgOf(i) === null || pkgOf(i) !== pkgOf(i - 1);
    const need = startsPackage && packageRest(i) <= maxW ? packageRest(i) : sz.w;
    if (cur.length && curW + GROUP_GAP + need > maxW) {
      rows.push(cur);
      cur = [];
      curW = 0;
    }
    curW += (cur.length ? GROUP_GAP : 0) + sz.w;
    cur.push(i);
  });
  if (cur.length) rows.push(cur);
  for (const r of rows) {
    const rowH = Math.max(...r.map((i) => sizes[i]!.h));
    for (const i of r) {
      const b = s.boxes[i]!;
      const frame = rowH - 2 * GROUP_PAD - GROUP_LABEL - boxSize(b, lim).top;
      const taller = { unit: Math.max(minUnit, frame - FRAME_LABEL - FRAME_PAD), frame };
      const sz = outerSize(b, taller);
      if (sz.h <= rowH && sz.w < sizes[i]!.w) {
        sizes[i] = sz;
        limits[i] = taller;
      }
    }
  }
  const w = Math.max(0, ...rows.map((r) => r.reduce((a, i, k) => a + sizes[i]!.w + (k ? GROUP_GAP : 0), 0)));
  const h = rows.reduce((a, r, k) => a + Math.max(...r.map((i) => sizes[i]!.h)) + (k ? GROUP_GAP : 0), 0);
  return { rows, limits, w, h };
}

/** The column heights and box rows that let the picture be drawn biggest in the viewport. */
function choosePlan(s: Structure, opts: LayoutOptions): Plan {
  const vp = opts.viewport ?? { w: 1600, h: 1000 };
  const chrome = opts.chrome ?? { w: 40, h: 92 };
  const heights = s.boxes.flatMap((b) => b.frames.flatMap((f) => f.units.map((u) => u.h)));
  const lo = Math.max(1, ...heights);
  const hi = Math.max(lo, heights.reduce((a, b) => a + b + UNIT_GAP, 0));
  const scale = (p: Plan) => Math.min(vp.w / (p.w + chrome.w), vp.h / (p.h + chrome.h));
  let best: Plan | null = null;
  const steps = heights.length ? 24 : 0;
  const at = (i: number) => lo * (hi / lo) ** (i / Math.max(1, steps));
  // Frames flow into columns as tall as the units' columns, or all into one column: a
  // box can then stack its frames while each frame spreads its units sideways. (A full
  // grid of the two heights finds little more for many times the work.)
  for (let i = 0; i <= steps; i += 1) {
    for (const frame of [at(i), Infinity]) {
      const lim = { unit: at(i), frame };
      const total = s.boxes.reduce((a, b) => a + outerSize(b, lim).w + GROUP_GAP, 0);
      // Row widths worth trying: everything in one row, then k rows' worth.
      for (let k = 1; k <= Math.max(1, s.boxes.length); k += 1) {
        const p = rowsFor(s, lim, Math.max(total / k, 1), lo);
        if (!best || scale(p) > scale(best) * 1.001) best = p;
      }
    }
  }
  return best ?? { rows: [], limits: [], w: 0, h: 0 };
}

export function layoutScene(scene: Scene, opts: LayoutOptions = {}): Layout {
  const byId = new Map(scene.nodes.map((n) => [n.id, n] as const));
  const s = structure(scene, byId);
  const plan = choosePlan(s, opts);
  const positions = new Map<string, Point>();
  const groups = new Map<string, Box>();
  const frames = new Map<string, Box>();
  const grids: Grid[] = [];
  let rowY = 0;
  for (const row of plan.rows) {
    let x = 0;
    let rowH = 0;
    for (const i of row) {
      const b = s.boxes[i]!;
      const lim = plan.limits[i]!;
      const sz = boxSize(b, lim);
      placeBox(b, x, rowY, lim, positions, frames, grids);
      const box = { x1: x, y1: rowY + GROUP_LABEL, x2: x + sz.w + 2 * GROUP_PAD, y2: rowY + GROUP_LABEL + sz.h + 2 * GROUP_PAD };
      groups.set(b.box.id, box);
      rowH = Math.max(rowH, box.y2 - rowY);
      x = box.x2 + GROUP_GAP;
    }
    rowY += rowH + GROUP_GAP;
  }
  const all = new Bounds();
  for (const g of groups.values()) all.add(g.x1, g.y1 - GROUP_LABEL, g.x2, g.y2);
  for (const n of scene.nodes) if (n.kind !== 'numa' && n.kind !== 'complex') all.addNode(n, positions.get(n.id));
  const bounds = Number.isFinite(all.x1) ? { x1: all.x1, y1: all.y1, x2: all.x2, y2: all.y2 } : { x1: 0, y1: 0, x2: 0, y2: 0 };
  return { positions, groups, frames, grids, bounds };
}

/** Places a box's CPU strip and frames with the box's outer top-left at (x, y). */
function placeBox(b: Structure['boxes'][number], x: number, y: number, lim: Limits, positions: Map<string, Point>, frames: Map<string, Box>, grids: Grid[]): void {
  const sz = boxSize(b, lim);
  const x0 = x + GROUP_PAD;
  const y0 = y + GROUP_LABEL + GROUP_PAD;
  if (b.cpus) positions.set(b.cpus.id, { x: x0 + b.cpus.w / 2, y: y0 + b.cpus.h / 2 });
  const sizes = b.frames.map((f) => frameSize(f, lim.unit));
  const fl = flow(sizes, Math.max(lim.frame, 1), FRAME_GAP);
  let fx = x0;
  for (const col of fl.cols) {
    let fy = y0 + sz.top;
    for (const i of col.items) {
      placeFrame(b.frames[i]!, fx, fy, lim.unit, positions, frames, grids);
      fy += sizes[i]!.h + FRAME_GAP;
    }
    fx += col.w + FRAME_GAP;
  }
}

/** Places a frame's units at (x, y) (its top-left) and records the frame box. */
function placeFrame(f: { frame: SceneNode; units: Unit[] }, x: number, y: number, limit: number, positions: Map<string, Point>, frames: Map<string, Box>, grids: Grid[]): void {
  const fl = flow(f.units, limit, UNIT_GAP);
  let ux = x + FRAME_PAD;
  for (const col of fl.cols) {
    let uy = y + FRAME_LABEL;
    for (const i of col.items) {
      const u = f.units[i]!;
      for (const [id, p] of u.positions) positions.set(id, { x: p.x + ux, y: p.y + uy });
      for (const g of u.grids) grids.push({ ...g, box: { x1: g.box.x1 + ux, y1: g.box.y1 + uy, x2: g.box.x2 + ux, y2: g.box.y2 + uy } });
      uy += u.h + UNIT_GAP;
    }
    ux += col.w + UNIT_GAP;
  }
  const sz = frameSize(f, limit);
  frames.set(f.frame.id, { x1: x, y1: y, x2: x + sz.w, y2: y + sz.h });
  positions.set(f.frame.id, { x: x + sz.w / 2, y: y + sz.h / 2 });
}
