// The scene and layout for a screen: builds the scene with the caller's options and, when
// runs of identical siblings are left to 'auto' (the default) and the fitted text would
// fall below MIN_TEXT_PX, builds it again with those runs folded and keeps whichever
// reads larger. Shared by the app (renderer/src/graph) and the SVG export so both draw
// the same picture. Pure; it does not decide the side panel or zoom (the app's business).
import type { Snapshot } from '../model';
import { layoutScene, type Layout, type LayoutOptions } from './layout';
import { buildScene, type Scene, type SceneOptions } from './scene';
import { FONT } from './style';

/** The text size (px) a picture should keep when fitted (issue 16: ≥ 9 px up to 150 functions). */
export const MIN_TEXT_PX = 9;

const DEFAULT_VIEWPORT = { w: 1600, h: 1000 };
const DEFAULT_CHROME = { w: 40, h: 92 };

/** Base text size when the layout is fitted into the options' viewport (layout.ts's measure). */
export function fittedTextPx(layout: Layout, lo: LayoutOptions = {}): number {
  const vp = lo.viewport ?? DEFAULT_VIEWPORT;
  const ch = lo.chrome ?? DEFAULT_CHROME;
  const b = layout.bounds;
  return FONT.size * Math.min(vp.w / Math.max(1, b.x2 - b.x1 + ch.w), vp.h / Math.max(1, b.y2 - b.y1 + ch.h));
}

export function fitScene(t: Snapshot, opts: SceneOptions = {}, lo: LayoutOptions = {}): { scene: Scene; layout: Layout } {
  const mode = opts.foldRuns ?? 'auto';
  const scene = buildScene(t, { ...opts, foldRuns: mode === true });
  const layout = layoutScene(scene, lo);
  if (mode !== 'auto') return { scene, layout };
  const px = fittedTextPx(layout, lo);
  if (px >= MIN_TEXT_PX) return { scene, layout };
  const folded = buildScene(t, { ...opts, foldRuns: true });
  if (folded.nodes.length === scene.nodes.length) return { scene, layout };
  const l2 = layoutScene(folded, lo);
  return fittedTextPx(l2, lo) > px ? { scene: folded, layout: l2 } : { scene, layout };
}
