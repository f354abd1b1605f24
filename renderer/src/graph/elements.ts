// Model → Cytoscape elements: the scene (what is drawn, after collapse/filter) with the
// layout's positions, as plain element definitions for a `preset` layout. Pure; no
// Cytoscape instance, no DOM.
import type { Snapshot } from '../../../electron/topology/model';
import { layoutScene, type Layout } from '../../../electron/topology/view/layout';
import { buildScene, type Scene, type SceneOptions } from '../../../electron/topology/view/scene';
import { FONT } from '../../../electron/topology/view/style';

export interface ElementDef {
  readonly group: 'nodes' | 'edges';
  readonly data: Record<string, unknown> & { id: string };
  readonly position?: { x: number; y: number };
  readonly classes: string;
}

export interface Elements {
  readonly scene: Scene;
  readonly layout: Layout;
  readonly elements: ElementDef[];
}

export function toElements(scene: Scene, layout: Layout): ElementDef[] {
  const out: ElementDef[] = [];
  for (const n of scene.nodes) {
    const data: ElementDef['data'] = { id: n.id, kind: n.kind, label: n.lines.join('\n'), w: n.w, h: n.h };
    if (n.group) data['parent'] = n.group;
    if (n.parent) data['tparent'] = n.parent;
    if (n.address) data['address'] = n.address;
    if (n.role) data['role'] = n.role;
    if (n.numaNode !== null) data['numa'] = n.numaNode;
    if (n.vfs) data['vfs'] = n.vfs;
    if (n.pf) data['pf'] = n.pf;
    if (n.via?.length) data['via'] = n.via;
    const g = n.kind === 'numa' ? layout.groups.get(n.id) : undefined;
    // Group labels sit at the box's top-left (Cytoscape centres compound labels).
    if (g) data['lmx'] = ([...(data.label as string)].length * FONT.charWidth - (g.x2 - g.x1)) / 2 + 4;
    const p = layout.positions.get(n.id);
    out.push({ group: 'nodes', data, classes: n.classes.join(' '), ...(p && n.kind !== 'numa' ? { position: { x: p.x, y: p.y } } : {}) });
  }
  for (const e of scene.edges) out.push({ group: 'edges', data: { id: e.id, source: e.source, target: e.target }, classes: e.classes.join(' ') });
  return out;
}

export function buildElements(t: Snapshot, opts: SceneOptions = {}): Elements {
  const scene = buildScene(t, opts);
  const layout = layoutScene(scene);
  return { scene, layout, elements: toElements(scene, layout) };
}
