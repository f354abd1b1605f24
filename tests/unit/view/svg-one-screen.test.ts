// The SVG contract scripts read, checked on every fixture the way an outside script
// would read it (regexes over the text, no knowledge of our layout):
//  1. fitted into a 1600×1000 screen, the root <svg>'s base font-size stays ≥ 9 px for
//     machines of up to 150 PCI functions;
//  2. every PCI function is drawn (a <g data-id="ADDRESS">) or named by the group that
//     folds it (data-members);
//  3. every function whose numaNode is known is drawn inside the first <rect> of
//     <g class="numa" data-id="numa:N"> (its group's box when folded).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportSvg } from '../../../electron/topology/export/svg';
import { loadInput } from '../../../electron/topology/load';
import type { Snapshot } from '../../../electron/topology/model';
import { bigSnapshot } from './synth';

const REPO = join(__dirname, '../../..');

function fixtureInputs(): string[] {
  const list = (dir: string, re: RegExp) => (existsSync(join(REPO, dir)) ? readdirSync(join(REPO, dir)).filter((f) => re.test(f)).sort().map((f) => `${dir}/${f}`) : []);
  const lab = readdirSync(join(REPO, 'fixtures/lab')).sort().filter((d) => existsSync(join(REPO, 'fixtures/lab', d, 'capture.tar.gz'))).map((d) => `fixtures/lab/${d}/capture.tar.gz`);
  return [...list('fixtures/hwloc/linux', /\.tar\.bz2$/), ...list('fixtures/hwloc/xml', /\.xml$/), ...list('fixtures/lspci', /\.txt$/), ...lab];
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
  members: string[];
}

/** What a script sees: fitted text size, boxes by data-id (first rect after the <g>), members named by groups. */
function readSvg(svg: string): { px: number; boxes: Map<string, Rect>; named: Set<string> } {
  const num = (re: RegExp) => Number((svg.match(re) ?? [])[1]);
  const W = num(/<svg[^>]*\swidth="([\d.]+)"/);
  const H = num(/<svg[^>]*\sheight="([\d.]+)"/);
  const font = num(/<svg[^>]*\sfont-size="([\d.]+)"/);
  const px = font * Math.min(1600 / W, 1000 / H, 1);
  const boxes = new Map<string, Rect>();
  for (const m of svg.matchAll(/<g\s([^>]*?)data-id="([^"]+)"([^>]*)>\s*<rect\s([^>]*)>/g)) {
    const attrs = m[1]! + m[3]!;
    const r = m[4]!;
    const g = (k: string) => Number((r.match(new RegExp(`\\b${k}="([-\\d.]+)"`)) ?? [])[1]);
    boxes.set(m[2]!, { x: g('x'), y: g('y'), w: g('width'), h: g('height'), members: ((attrs.match(/data-members="([^"]*)"/) ?? [])[1] ?? '').split(/\s+/).filter(Boolean) });
  }
  const named = new Set([...boxes.values()].flatMap((b) => b.members));
  return { px, boxes, named };
}

const inside = (a: Rect, b: Rect) => a.x >= b.x - 0.5 && a.y >= b.y - 0.5 && a.x + a.w <= b.x + b.w + 0.5 && a.y + a.h <= b.y + b.h + 0.5;

function check(t: Snapshot, svg: string): { px: number } {
  const { px, boxes, named } = readSvg(svg);
  const missing = t.pci.devices.filter((d) => !boxes.has(d.address) && !named.has(d.address)).map((d) => d.address);
  expect(missing, 'functions neither drawn nor named').toEqual([]);
  const groupOf = new Map<string, Rect>();
  for (const b of boxes.values()) for (const m of b.members) groupOf.set(m, b);
  const misplaced: string[] = [];
  for (const d of t.pci.devices) {
    if (d.numaNode === null) continue;
    const box = boxes.get(d.address) ?? groupOf.get(d.address);
    const node = boxes.get(`numa:${d.numaNode}`);
    if (!box || !node || !inside(box, node)) misplaced.push(`${d.address} (node ${d.numaNode})`);
  }
  expect(misplaced, 'functions outside their NUMA node box').toEqual([]);
  // The root keeps its size and base font for scripts.
  expect(svg).toMatch(/<svg[^>]*\swidth="\d+"[^>]*\sheight="\d+"[^>]*\sfont-size="\d+"/);
  return { px };
}

describe('SVG export on one screen (1600×1000), every fixture', () => {
  for (const f of fixtureInputs()) {
    it(f, async () => {
      const { topology: t } = await loadInput(join(REPO, f), { hostFacts: false });
      const { px } = check(t, exportSvg(t));
      if (t.pci.devices.length <= 150) expect(px, `fitted text of ${t.pci.devices.length} functions`).toBeGreaterThanOrEqual(9);
    });
  }
  it('a 1,000-function machine: every function drawn or named, in its own box', () => {
    const t = bigSnapshot(1000);
    check(t, exportSvg(t));
  });
  it('sees a misplaced function (the check can fail)', () => {
    const t = bigSnapshot(10);
    const svg = exportSvg(t);
    const moved = { ...t, pci: { devices: t.pci.devices.map((d, i) => (i === 1 ? { ...d, numaNode: d.numaNode === 0 ? 1 : 0 } : d)) } };
    expect(() => check(moved, svg)).toThrow(/outside their NUMA node box/);
  });
});
