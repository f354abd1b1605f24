// Cytoscape's canvas renderer does per-element work that grows with the whole graph
// where only the visible part or the new elements matter. These helpers cut that work
// for the way GraphView uses Cytoscape (preset positions that never move, elements
// replaced wholesale on load). Each one checks that the internals it relies on are
// there and otherwise leaves Cytoscape alone: drawing stays Cytoscape's own.
import type { Core } from 'cytoscape';

/**
 * The Cytoscape release these helpers were read against; package.json pins exactly this
 * version, and the browser test checks that every helper below found its internals
 * (none fell back to plain Cytoscape). Re-read the internals before bumping either.
 */
export const CYTOSCAPE_CHECKED = '3.34.4';

/** Which helpers are active on this instance (false: that one fell back to Cytoscape's own code). */
export interface CyfastStatus {
  readonly version: string;
  readonly styleFresh: boolean;
  readonly cullOffscreen: boolean;
  readonly labelSizes: boolean;
  readonly gestureTexture: boolean;
}

/**
 * Our wrappers, known by identity: a minifier renames functions (the tests' vite build
 * does), so a wrapper's `.name` cannot say whether it is still in place.
 */
const WRAPPERS = new WeakSet<object>();
const ours = (f: unknown): boolean => typeof f === 'function' && WRAPPERS.has(f);

export function cyfastStatus(cy: Core, version: string): CyfastStatus {
  const style = cy.style() as unknown as Record<string, unknown>;
  const r = (cy as unknown as { renderer(): Record<string, unknown> | undefined }).renderer();
  return {
    version,
    styleFresh: typeof style['checkTriggers'] === 'function' && !Object.prototype.hasOwnProperty.call(style, 'checkTriggers'),
    cullOffscreen: !!r && r['__topolensCull'] === true && ours(r['drawCachedElements']) && ours(r['drawCachedNodes']),
    labelSizes: !!r && r['__topolensLabels'] === true && ours(r['calculateLabelDimensions']),
    gestureTexture: !!r && typeof r['textureOnViewport'] === 'boolean' && typeof r['hideEdgesOnViewport'] === 'boolean',
  };
}

interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}
interface EleInternal {
  _private: { bbCache: Box | null; styleDirty?: boolean; styleCache: unknown };
}
type DrawFn = (this: unknown, context: unknown, eles: EleInternal[], pxRatio: number, extent?: Box) => void;

/**
 * Compute the style of freshly added elements in one pass, without Cytoscape's change
 * bookkeeping. For every property it sets, Cytoscape checks "triggers": it dirties the
 * element's bounding box (emitting and notifying a `bounds` event), its connected and
 * parallel edges' bounds, and the z-order, allocating collections each time — some 20
 * events per element. For elements that were just added none of that has anything to
 * invalidate: nothing of theirs is cached yet, the `add` already invalidated the z-order
 * and queued them for the renderer, and (nodes styled before any edge exists, edges
 * styled after) they have no connected edges with cached bounds. So during this pass the
 * trigger check only drops the element's own style cache, as Cytoscape's would first.
 */
export function styleFresh(cy: Core, eles: { forEach(fn: (e: { style(name: string): unknown }) => void): unknown }): void {
  const style = cy.style() as unknown as Record<string, unknown>;
  const safe = typeof style['checkTriggers'] === 'function' && !Object.prototype.hasOwnProperty.call(style, 'checkTriggers');
  if (safe) {
    style['checkTriggers'] = (ele: EleInternal) => {
      ele._private.styleCache = null;
    };
  }
  try {
    eles.forEach((e) => void e.style('width'));
  } finally {
    if (safe) delete style['checkTriggers'];
  }
}

/**
 * Every frame, the renderer walks all elements and asks each for its bounding box to
 * skip those outside the viewport (ele.boundingBox() allocates and hashes the position
 * each time): on 5,000 devices that walk is most of a pan/zoom frame. Here the walk
 * first drops the elements whose cached box (the same one Cytoscape would use) lies
 * outside the viewport, and hands the rest to Cytoscape's own loop, which checks them
 * again and draws. Elements without a valid cache (new, restyled) always go through.
 * Relies on positions never changing after load (preset layout, ungrabbable nodes):
 * then a cached box is only ever invalidated by dropping it, which Cytoscape does.
 */
export function cullOffscreen(cy: Core): boolean {
  const r = (cy as unknown as { renderer(): Record<string, unknown> }).renderer();
  if (!r || r['__topolensCull']) return !!r;
  const wrap = (name: string): boolean => {
    const orig = r[name] as DrawFn | undefined;
    if (typeof orig !== 'function') return false;
    r[name] = function drawVisible(this: unknown, context: unknown, eles: EleInternal[], pxRatio: number, extent?: Box) {
      if (!extent || !eles || eles.length < 256) return orig.call(this, context, eles, pxRatio, extent);
      const keep: EleInternal[] = [];
      for (let i = 0; i < eles.length; i += 1) {
        const ele = eles[i]!;
        const p = ele._private;
        const bb = p.bbCache;
        if (bb && !p.styleDirty && (bb.x1 > extent.x2 || extent.x1 > bb.x2 || bb.y1 > extent.y2 || extent.y1 > bb.y2)) continue;
        keep.push(ele);
      }
      return orig.call(this, context, keep, pxRatio, extent);
    };
    WRAPPERS.add(r[name] as object);
    return true;
  };
  const ok = wrap('drawCachedElements') && wrap('drawCachedNodes');
  r['__topolensCull'] = ok;
  return ok;
}

/**
 * Label sizes: Cytoscape measures every line of every label with canvas measureText
 * twice per load (once to wrap, once to size) and keeps nothing across loads. The size
 * it computes is the widest line's ceil(measureText width) and font-size per line, so a
 * cache of line widths per font gives the same numbers. Only for text-metrics 'font'
 * (the default, ours); anything else goes to Cytoscape's own measurement.
 */
export function cacheLabelSizes(cy: Core): boolean {
  type Pstyle = { strValue: string; pfValue: number };
  type Ele = { pstyle(name: string): Pstyle };
  type Dims = { width: number; height: number; labelActualAscent: number; labelActualDescent: number };
  const r = (cy as unknown as { renderer(): Record<string, unknown> }).renderer();
  if (!r || r['__topolensLabels']) return !!r;
  const orig = r['calculateLabelDimensions'] as ((this: unknown, ele: Ele, text: string) => Dims) | undefined;
  if (typeof orig !== 'function') return false;
  const byFont = new Map<string, Map<string, number>>();
  let size = 0;
  let ctx: CanvasRenderingContext2D | null = null;
  let ctxFont = '';
  r['calculateLabelDimensions'] = function labelDimensions(this: unknown, ele: Ele, text: string): Dims {
    if ((ele.pstyle('text-metrics')?.strValue || 'font') !== 'font') return orig.call(this, ele, text);
    const px = ele.pstyle('font-size').pfValue;
    const font = `${ele.pstyle('font-style').strValue} ${ele.pstyle('font-weight').strValue} ${px}px ${ele.pstyle('font-family').strValue}`;
    let widths = byFont.get(font);
    if (!widths) byFont.set(font, (widths = new Map()));
    if (size > 200_000) {
      for (const m of byFont.values()) m.clear();
      size = 0;
    }
    let width = 0;
    let height = 0;
    for (const line of text.split('\n')) {
      let w = widths.get(line);
      if (w === undefined) {
        if (!ctx) ctx = document.createElement('canvas').getContext('2d');
        if (!ctx) return orig.call(this, ele, text);
        if (ctxFont !== font) {
          ctx.font = font;
          ctxFont = font;
        }
        w = Math.ceil(ctx.measureText(line).width);
        widths.set(line, w);
        size += 1;
      }
      width = Math.max(width, w);
      height += px;
    }
    return { width, height, labelActualAscent: 0, labelActualDescent: 0 };
  };
  WRAPPERS.add(r['calculateLabelDimensions'] as object);
  r['__topolensLabels'] = true;
  return true;
}
