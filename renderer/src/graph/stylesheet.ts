// The Cytoscape stylesheet, generated from the shared view/style definitions (the SVG
// export draws from the same ones). Styles by class: .prim-<role>, .link-downgraded...
import { FONT, MARKER_STYLE, ROLE_STYLE, THEME, type ThemeName, type ViewRole } from '../../../electron/topology/view/style';

/** Device labels are not drawn below this on-screen size (px). */
export const MIN_ZOOMED_FONT_PX = 5;

export interface StyleRule {
  selector: string;
  style: Record<string, string | number>;
}

/** One list of rules, kept in one function on purpose: later rules win, so the order must read top to bottom. */
export function stylesheet(theme: ThemeName): StyleRule[] {
  const th = THEME[theme];
  const rules: StyleRule[] = [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        width: 'data(w)',
        height: 'data(h)',
        'font-family': FONT.family,
        'font-size': FONT.size,
        'line-height': FONT.lineHeight / FONT.size,
        'text-wrap': 'wrap',
        // Every property costs per element on big graphs: only what differs from Cytoscape's defaults.
        'text-valign': 'center',
        'text-justification': 'left',
        color: th.text,
        'border-width': 1.5,
        'min-zoomed-font-size': MIN_ZOOMED_FONT_PX,
      },
    },
    { selector: 'node.cpus', style: { shape: 'round-rectangle', 'background-color': th.cpusFill, 'border-color': th.cpusBorder } },
    { selector: 'node.complex', style: { shape: 'cut-rectangle', 'background-color': th.complexFill, 'border-color': th.complexBorder } },
    {
      selector: 'node.numa',
      style: {
        shape: 'round-rectangle',
        'background-color': th.numaFill,
        'background-opacity': 1,
        'border-color': th.numaBorder,
        'border-width': 1.5,
        // Drawn order, bottom to top: NUMA groups, grid frames, edges, the other nodes.
        // Only the two background kinds compare z-index with edges ('manual'); every
        // other node keeps Cytoscape's default (nodes above edges), so the rule costs
        // nothing per device. Ties go by insertion: nodes are added before edges.
        'z-index-compare': 'manual',
        'z-index': 0,
        events: 'no',
        'text-valign': 'top',
        'text-halign': 'center',
        'font-weight': 'bold',
        'text-margin-y': -4,
        'text-margin-x': 'data(lmx)',
        'min-zoomed-font-size': 3,
      },
    },
    { selector: 'node.numa.numa-unknown', style: { 'background-color': th.unknownFill, 'border-style': 'dashed' } },
    {
      // Root-complex frames: behind the devices, above the NUMA box (inserted after it); a
      // click on the frame's empty area shows the root complex.
      selector: 'node.complex',
      style: {
        shape: 'round-rectangle',
        'background-color': th.complexFill,
        'background-opacity': 0.35,
        'border-color': th.complexBorder,
        'border-width': 1,
        'z-index-compare': 'manual',
        'z-index': 0,
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': 16,
        'text-margin-x': 'data(lmx)',
        color: th.muted,
        'font-weight': 'bold',
        'min-zoomed-font-size': 3,
      },
    },
  ];
  for (const [role, st] of Object.entries(ROLE_STYLE) as Array<[ViewRole, (typeof ROLE_STYLE)[ViewRole]]>) {
    rules.push({ selector: `node.prim-${role}`, style: { shape: st.shape, 'background-color': st.fill[theme], 'border-color': st.border[theme], ...(st.dashed ? { 'border-style': 'dashed' } : {}) } });
  }
  rules.push(
    { selector: 'node.vf-group', style: { 'border-style': 'dashed', 'border-width': 2 } },
    { selector: 'node.fold', style: { 'background-color': th.gridFill, 'border-style': 'dashed', 'border-width': 1.5, shape: 'round-rectangle' } },
    // A run of identical functions keeps its role's colours; the double border says "several".
    { selector: 'node.fold-run', style: { 'border-style': 'double', 'border-width': 4 } },
    { selector: 'node.locality-unknown', style: { 'border-style': 'dotted' } },
    { selector: 'node.link-downgraded', style: { 'border-color': MARKER_STYLE.downgraded.colour[theme], 'border-width': MARKER_STYLE.downgraded.width, 'border-style': 'dashed' } },
    { selector: 'node.context', style: { opacity: 0.55 } },
    {
      selector: 'edge',
      style: {
        width: 'data(ew)',
        'line-color': th.edge,
        'curve-style': 'taxi',
        'taxi-direction': 'rightward',
        'taxi-turn': 24,
        'font-family': FONT.family,
        'font-size': FONT.size - 1,
        'text-background-color': th.background,
        'text-background-opacity': 0.85,
        'text-background-padding': 2,
        'min-zoomed-font-size': MIN_ZOOMED_FONT_PX,
      },
    },
    { selector: 'edge.vf-edge, edge.via-hidden, edge.fold-edge', style: { 'line-style': 'dashed' } },
    { selector: 'edge.link-downgraded', style: { 'line-color': MARKER_STYLE.downgraded.colour[theme], 'line-style': 'dashed' } },
    // Edges between boxes (a subtree in another NUMA node; a CXL device to its memory node): straight.
    { selector: 'edge.cross-numa', style: { 'curve-style': 'straight', 'line-style': 'dashed' } },
    { selector: 'edge.cxl-edge', style: { 'curve-style': 'unbundled-bezier', 'control-point-distances': 40, 'line-color': ROLE_STYLE.cxl.border[theme], 'line-style': 'dashed', 'target-arrow-shape': 'triangle', 'target-arrow-color': ROLE_STYLE.cxl.border[theme], color: th.text } },
    // A selected CXL device's memory edge is spelled out (tree edges are too short for labels: the link is a line in the child's box).
    { selector: 'edge.cxl-edge.path', style: { label: 'data(label)', color: th.text } },
    { selector: 'edge.in-grid', style: { display: 'none' } },
    {
      selector: 'node.grid-frame',
      style: { shape: 'round-rectangle', 'background-color': th.gridFill, 'border-color': th.edge, 'border-width': 1, 'border-style': 'dashed', label: '', 'z-index-compare': 'manual', 'z-index': 0, events: 'no' },
    },
    // Interaction states.
    { selector: 'node.dim', style: { opacity: 0.18 } },
    { selector: 'edge.dim', style: { opacity: 0.12 } },
    { selector: 'node.match', style: { 'border-color': th.match, 'border-width': 4, 'border-style': 'solid' } },
    { selector: 'node.path', style: { 'border-color': th.path, 'border-width': 3 } },
    { selector: 'edge.path', style: { 'line-color': th.path, width: 3 } },
    { selector: 'node.local-cpus', style: { 'border-color': th.path, 'border-width': 4, 'background-color': th.cpusFill } },
    { selector: 'node:selected', style: { 'border-color': th.select, 'border-width': 5, 'border-style': 'solid', 'overlay-opacity': 0 } },
    { selector: 'node.numa:selected', style: { 'border-width': 1.5 } },
    { selector: 'node.kbd-focus', style: { 'overlay-color': th.select, 'overlay-opacity': 0.15, 'overlay-padding': 4 } },
  );
  return rules;
}
