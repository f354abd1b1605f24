// Model → Cytoscape elements: the scene (what is drawn, after collapse/filter) with the
// layout's positions, as plain element definitions for a `preset` layout. Pure; no
// Cytoscape instance, no DOM.
import type { Snapshot } from '../../../electron/topology/model';
import { fitScene } from '../../../electron/topology/view/fit';
import type { Layout, LayoutOptions } from '../../../electron/topology/view/layout';
import type { Scene, SceneOptions } from '../../../electron/topology/view/scene';
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
    if (n.group) data['group'] = n.group;
    if (n.parent) data['tparent'] = n.parent;
    if (n.address) data['address'] = n.address;
    if (n.role) data['role'] = n.role;
    if (n.numaNode !== null) data['numa'] = n.numaNode;
    if (n.vfs) data['vfs'] = n.vfs;
    if (n.members) data['members'] = n.members;
    if (n.pf) data['pf'] = n.pf;
    if (n.via?.length) data['via'] = n.via;
    if (n.title) data['title'] = n.title;
    // NUMA boxes and root-complex frames are plain nodes drawn behind the devices with the
    // layout's box (not Cytoscape compounds: we know the box, and compounds cost a lot on big graphs).
    const g = n.kind === 'numa' ? layout.groups.get(n.id) : n.kind === 'complex' ? layout.frames.get(n.id) : undefined;
    if ((n.kind === 'numa' || n.kind === 'complex') && !g) continue; // an empty box is not drawn
    if (g) {
      data.w = g.x2 - g.x1;
      data.h = g.y2 - g.y1;
      // The label sits at the box's top-left (above a NUMA box, inside a frame).
      data['lmx'] = ([...(data.label as string)].length * FONT.charWidth - (g.x2 - g.x1)) / 2 + (n.kind === 'complex' ? 6 : 4);
    }
    const p = g ? { x: (g.x1 + g.x2) / 2, y: (g.y1 + g.y2) / 2 } : layout.positions.get(n.id);
    out.push({ group: 'nodes', data, classes: n.classes.join(' '), ...(p ? { position: { x: p.x, y: p.y } } : {}) });
  }
  // Grids of leaf siblings: one frame and one edge from the parent; the members' own
  // edges stay in the model (path highlighting) but are not drawn.
  const inGrid = new Set<string>();
  for (const g of layout.grids) {
    for (const m of g.members) inGrid.add(`e:${g.parent}>${m}`);
    const parent = scene.nodes.find((n) => n.id === g.parent);
    out.push({
      group: 'nodes',
      data: { id: g.id, kind: 'grid', label: '', w: g.box.x2 - g.box.x1, h: g.box.y2 - g.box.y1, ...(parent?.group ? { group: parent.group } : {}) },
      position: { x: (g.box.x1 + g.box.x2) / 2, y: (g.box.y1 + g.box.y2) / 2 },
      classes: 'grid-frame',
    });
    out.push({ group: 'edges', data: { id: `e:${g.parent}>${g.id}`, source: g.parent, target: g.id }, classes: 'tree-edge grid-edge' });
  }
  for (const e of scene.edges) {
    const cls = inGrid.has(e.id) ? [...e.classes, 'in-grid'] : e.classes;
    const data: ElementDef['data'] = { id: e.id, source: e.source, target: e.target, ew: e.width ?? 1.2 };
    if (e.label) data['label'] = e.label;
    out.push({ group: 'edges', data, classes: cls.join(' ') });
  }
  return out;
}

export function buildElements(t: Snapshot, opts: SceneOptions = {}, layoutOpts: LayoutOptions = {}): Elements {
  const { scene, layout } = fitScene(t, opts, layoutOpts);
  return { scene, layout, elements: toElements(scene, layout) };
}
