// Positions for a scene: a deterministic left-to-right layered tree (machine → NUMA
// group boxes → root complexes → ports → endpoints). Every subtree owns its own
// horizontal band, so nothing overlaps by construction; long runs of leaf siblings
// (VFs, DMA channels, uncore functions) wrap into a grid to keep the picture compact.
// Pure: the app feeds the result to Cytoscape's `preset` layout, svg.ts draws it.
import type { Scene, SceneNode } from './scene';

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
  /** Node centres (Cytoscape's convention), for every non-group node. */
  readonly positions: ReadonlyMap<string, { readonly x: number; readonly y: number }>;
  /** NUMA group boxes (children's bounds plus GROUP_PAD), label above y1. */
  readonly groups: ReadonlyMap<string, Box>;
  readonly grids: readonly Grid[];
  readonly bounds: Box;
}

export const COL_GAP = 44;
export const ROW_GAP = 8;
export const BRANCH_GAP = 16;
export const GRID_GAP = 14;
export const GRID_MIN = 8;
export const GROUP_PAD = 12;
export const GROUP_LABEL = 22;
export const GROUP_GAP = 18;
/** Frame around a grid block (less than half of ROW_GAP, so frames never touch neighbours). */
export const GRID_FRAME = 3;

interface Segment {
  readonly nodes: readonly SceneNode[];
  /** Grid columns; 0 for a single subtree. */
  readonly cols: number;
  readonly cellW: number;
  readonly cellH: number;
  readonly height: number;
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
  addNode(n: { w: number; h: number }, p: { x: number; y: number } | undefined): void {
    if (p) this.add(p.x - n.w / 2, p.y - n.h / 2, p.x + n.w / 2, p.y + n.h / 2);
  }
}

export function layoutScene(scene: Scene): Layout {
  const byId = new Map(scene.nodes.map((n) => [n.id, n] as const));
  const kids = (n: SceneNode) => n.children.map((c) => byId.get(c)!).filter(Boolean);
  const depth = new Map<string, number>();
  const setDepth = (n: SceneNode, d: number) => {
    depth.set(n.id, d);
    for (const c of kids(n)) setDepth(c, d + 1);
  };
  const machine = byId.get('machine');
  if (machine) setDepth(machine, 0);

  // Heights, bottom-up (memoised), and segmenting of each node's children.
  const heightMemo = new Map<string, number>();
  const segMemo = new Map<string, Segment[]>();
  const segments = (n: SceneNode): Segment[] => {
    const hit = segMemo.get(n.id);
    if (hit) return hit;
    const out: Segment[] = [];
    const list = kids(n);
    let run: SceneNode[] = [];
    const flush = () => {
      if (run.length >= GRID_MIN) {
        const cols = gridColumns(run.length);
        const rows = Math.ceil(run.length / cols);
        const cellW = Math.max(...run.map((r) => r.w));
        const cellH = Math.max(...run.map((r) => r.h));
        out.push({ nodes: run, cols, cellW, cellH, height: rows * cellH + (rows - 1) * ROW_GAP });
      } else for (const r of run) out.push({ nodes: [r], cols: 0, cellW: r.w, cellH: r.h, height: r.h });
      run = [];
    };
    for (const c of list) {
      if (c.children.length === 0) run.push(c);
      else {
        flush();
        out.push({ nodes: [c], cols: 0, cellW: c.w, cellH: c.h, height: subtreeHeight(c) });
      }
    }
    flush();
    segMemo.set(n.id, out);
    return out;
  };
  const gapBetween = (a: Segment, b: Segment) => (a.cols === 0 && a.nodes[0]!.children.length === 0 && b.cols === 0 && b.nodes[0]!.children.length === 0 ? ROW_GAP : BRANCH_GAP);
  const childrenHeight = (n: SceneNode): number => {
    const segs = segments(n);
    let h = 0;
    segs.forEach((s, i) => {
      h += s.height + (i > 0 ? gapBetween(segs[i - 1]!, s) : 0);
    });
    return h;
  };
  function subtreeHeight(n: SceneNode): number {
    const hit = heightMemo.get(n.id);
    if (hit !== undefined) return hit;
    const h = Math.max(n.h, childrenHeight(n));
    heightMemo.set(n.id, h);
    return h;
  }

  // Column x (left edge) per depth: the widest node that starts in that column.
  const colW: number[] = [];
  const widen = (d: number, w: number) => {
    colW[d] = Math.max(colW[d] ?? 0, w);
  };
  const walkWidths = (n: SceneNode) => {
    widen(depth.get(n.id) ?? 0, n.w);
    for (const s of segments(n)) {
      if (s.cols > 0) widen((depth.get(n.id) ?? 0) + 1, s.cellW);
      else walkWidths(s.nodes[0]!);
    }
  };
  if (machine) walkWidths(machine);
  const colX: number[] = [0];
  for (let d = 1; d < colW.length + 1; d += 1) colX[d] = colX[d - 1]! + (colW[d - 1] ?? 0) + COL_GAP;

  const positions = new Map<string, { x: number; y: number }>();
  const grids: Grid[] = [];
  const place = (n: SceneNode, top: number) => {
    const d = depth.get(n.id) ?? 0;
    const H = subtreeHeight(n);
    positions.set(n.id, { x: colX[d]! + n.w / 2, y: top + H / 2 });
    const segs = segments(n);
    let y = top + (H - childrenHeight(n)) / 2;
    segs.forEach((s, i) => {
      if (i > 0) y += gapBetween(segs[i - 1]!, s);
      if (s.cols === 0) place(s.nodes[0]!, y);
      else {
        s.nodes.forEach((c, k) => {
          const col = k % s.cols;
          const row = Math.floor(k / s.cols);
          positions.set(c.id, { x: colX[d + 1]! + col * (s.cellW + GRID_GAP) + c.w / 2, y: y + row * (s.cellH + ROW_GAP) + s.cellH / 2 });
        });
        const x1 = colX[d + 1]!;
        const right = Math.max(...s.nodes.map((c) => positions.get(c.id)!.x + c.w / 2));
        grids.push({ id: `grid:${n.id}:${grids.length}`, parent: n.id, members: s.nodes.map((c) => c.id), box: { x1: x1 - GRID_FRAME, y1: y - GRID_FRAME, x2: right + GRID_FRAME, y2: y + s.height + GRID_FRAME } });
      }
      y += s.height;
    });
  };

  // Top level: each NUMA group is a band; the machine's children are placed group by group.
  const groups = new Map<string, Box>();
  let cursor = 0;
  const groupIds = scene.nodes.filter((n) => n.kind === 'numa').map((n) => n.id);
  const machineKids = machine ? kids(machine) : [];
  for (const gid of groupIds) {
    const members = machineKids.filter((k) => k.group === gid);
    if (members.length === 0) continue;
    let y = cursor + GROUP_LABEL + GROUP_PAD;
    members.forEach((k, i) => {
      if (i > 0) y += BRANCH_GAP;
      place(k, y);
      y += subtreeHeight(k);
    });
    // The group box: bounds of everything drawn inside it.
    const inside = new Bounds();
    for (const n of scene.nodes) if (n.group === gid) inside.addNode(n, positions.get(n.id));
    for (const gr of grids) {
      if (byId.get(gr.parent)?.group !== gid && !(gr.parent === 'machine')) continue;
      inside.add(gr.box.x1, gr.box.y1, gr.box.x2, gr.box.y2);
    }
    const box = { x1: inside.x1 - GROUP_PAD, y1: inside.y1 - GROUP_PAD, x2: inside.x2 + GROUP_PAD, y2: inside.y2 + GROUP_PAD };
    groups.set(gid, box);
    cursor = box.y2 + GROUP_GAP;
  }
  if (machine) {
    const total = Math.max(cursor - GROUP_GAP, machine.h);
    positions.set('machine', { x: machine.w / 2, y: Math.max(machine.h / 2, total / 2) });
  }
  const all = new Bounds();
  for (const n of scene.nodes) all.addNode(n, positions.get(n.id));
  for (const b of groups.values()) all.add(b.x1, b.y1 - GROUP_LABEL, b.x2, b.y2);
  const bounds = Number.isFinite(all.x1) ? { x1: all.x1, y1: all.y1, x2: all.x2, y2: all.y2 } : { x1: 0, y1: 0, x2: 0, y2: 0 };
  return { positions, groups, grids, bounds };
}
