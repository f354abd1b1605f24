// Layout: deterministic, nothing overlaps, every node inside its NUMA box and its
// root-complex frame, boxes and frames apart, the picture shaped for the viewport; from a
// handful to thousands of devices.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInput } from '../../../electron/topology/load';
import type { Snapshot } from '../../../electron/topology/model';
import { GROUP_LABEL, layoutScene, type Layout } from '../../../electron/topology/view/layout';
import { buildScene, type Scene } from '../../../electron/topology/view/scene';
import { bigSnapshot, dev, snap } from './synth';

const REPO = join(__dirname, '../../..');

const BOXES = new Set(['numa', 'complex']);

function boxes(s: Scene, l: Layout) {
  return s.nodes.filter((n) => !BOXES.has(n.kind)).map((n) => {
    const p = l.positions.get(n.id)!;
    return { id: n.id, group: n.group, x1: p.x - n.w / 2, x2: p.x + n.w / 2, y1: p.y - n.h / 2, y2: p.y + n.h / 2 };
  });
}

type Rect = { x1: number; y1: number; x2: number; y2: number };
const inside = (a: Rect, b: Rect) => a.x1 >= b.x1 - 1e-6 && a.x2 <= b.x2 + 1e-6 && a.y1 >= b.y1 - 1e-6 && a.y2 <= b.y2 + 1e-6;
const overlaps = (a: Rect, b: Rect) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

function noOverlaps(rects: Array<Rect & { id: string }>, what: string): void {
  const sorted = [...rects].sort((a, c) => a.y1 - c.y1);
  for (let i = 0; i < sorted.length; i += 1) {
    const a = sorted[i]!;
    for (let j = i + 1; j < sorted.length && sorted[j]!.y1 < a.y2; j += 1) expect(overlaps(a, sorted[j]!), `${what}: ${a.id} overlaps ${sorted[j]!.id}`).toBe(false);
  }
}

/** The frame a drawn node sits in: walk tree parents to the unit root's frame. */
function frameOf(s: Scene, id: string): string | null {
  const byId = new Map(s.nodes.map((n) => [n.id, n] as const));
  let cur = byId.get(id);
  for (let i = 0; cur && i < 256; i += 1) {
    const p = cur.parent ? byId.get(cur.parent) : undefined;
    if (!p) return null;
    if (p.kind === 'complex') return p.id;
    if (p.group !== cur.group) return s.nodes.find((f) => f.kind === 'complex' && f.units?.includes(cur!.id))?.id ?? null;
    cur = p;
  }
  return null;
}

function checkNoOverlap(s: Scene, l: Layout): void {
  const b = boxes(s, l);
  for (const n of s.nodes) if (!BOXES.has(n.kind)) expect(l.positions.has(n.id), n.id).toBe(true);
  noOverlaps(b, 'nodes');
  // Every node sits inside its NUMA box and, below the CPU strip, inside its root-complex frame.
  for (const x of b) {
    const g = l.groups.get(x.group!);
    expect(g, `${x.id} has a box`).toBeDefined();
    expect(inside(x, g!), `${x.id} outside ${x.group}`).toBe(true);
    if (x.id.startsWith('cpus:')) continue;
    const f = frameOf(s, x.id);
    expect(f, `${x.id} has a frame`).not.toBeNull();
    expect(inside(x, l.frames.get(f!)!), `${x.id} outside ${f}`).toBe(true);
  }
  // Boxes (with their label strip) never overlap; frames never overlap; each frame is inside its box.
  noOverlaps([...l.groups].map(([id, g]) => ({ id, ...g, y1: g.y1 - GROUP_LABEL })), 'boxes');
  noOverlaps([...l.frames].map(([id, g]) => ({ id, ...g })), 'frames');
  for (const n of s.nodes) if (n.kind === 'complex') expect(inside(l.frames.get(n.id)!, l.groups.get(n.group!)!), `${n.id} outside ${n.group}`).toBe(true);
  // Grid frames hold their members and no other node.
  for (const g of l.grids) {
    const members = new Set(g.members);
    for (const x of b) {
      if (members.has(x.id)) expect(inside(x, g.box), `${x.id} outside ${g.id}`).toBe(true);
      else expect(overlaps(x, g.box), `${x.id} inside ${g.id}`).toBe(false);
    }
  }
}

async function load(f: string): Promise<Snapshot> {
  return (await loadInput(join(REPO, f), { hostFacts: false })).topology;
}

describe('layoutScene', () => {
  for (const f of ['fixtures/hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2', 'fixtures/lspci/x86-2s-xeon-e5-sandybridge-ibm-dx360m4-infiniband.txt', 'fixtures/hwloc/xml/cxlmem+dax.v3.xml', 'fixtures/lab/x86-q35-sriov-nvme/capture.tar.gz']) {
    it(`no overlaps: ${f}`, async () => {
      const t = await load(f);
      for (const o of [{}, { collapseVfs: false }, { interestingOnly: true, hideBridges: true }]) {
        const s = buildScene(t, o);
        checkNoOverlap(s, layoutScene(s));
      }
    });
  }
  it('is deterministic', async () => {
    const t = await load('fixtures/lspci/aarch64-huawei-taishan2280v2-kunpeng920-hi1822-switch.txt');
    const a = layoutScene(buildScene(t));
    const b = layoutScene(buildScene(t));
    expect([...a.positions]).toEqual([...b.positions]);
    expect([...a.groups]).toEqual([...b.groups]);
  });
  it('wraps long runs of leaf siblings into a grid', () => {
    const t = bigSnapshot(1000);
    const s = buildScene(t, { collapseVfs: false });
    const l = layoutScene(s);
    checkNoOverlap(s, l);
    // Picture stays within a sane aspect ratio rather than one 1000-row column.
    const w = l.bounds.x2 - l.bounds.x1;
    const h = l.bounds.y2 - l.bounds.y1;
    expect(h / w).toBeLessThan(40);
  });
  it('frames a grid of many leaf siblings', () => {
    const leaves = Array.from({ length: 40 }, (_, i) => dev(`0000:01:${i.toString(16).padStart(2, '0')}.0`, { parent: '0000:00:01.0' }));
    const t = snap([dev('0000:00:01.0', { portKind: 'root-port', roles: ['root-port'], classCode: '0x060400' }), ...leaves, dev('0000:00:02.0')]);
    const s = buildScene(t, { foldPlatform: false });
    const l = layoutScene(s);
    expect(l.grids.length).toBe(1);
    expect(l.grids[0]!.members.length).toBe(40);
    expect(l.grids[0]!.parent).toBe('0000:00:01.0');
    checkNoOverlap(s, l);
  });
  it('wraps a run of port + drive pairs (a switch fanning out to NVMe drives) into a grid of pairs', () => {
    const up = '0000:01:00.0';
    const devs = [dev('0000:00:01.0', { portKind: 'root-port', roles: ['root-port'], classCode: '0x060400' }), dev(up, { parent: '0000:00:01.0', portKind: 'switch-upstream', roles: ['switch'], classCode: '0x060400' })];
    for (let i = 0; i < 12; i += 1) {
      const dn = `0000:02:${i.toString(16).padStart(2, '0')}.0`;
      devs.push(dev(dn, { parent: up, portKind: 'switch-downstream', roles: ['switch'], classCode: '0x060400' }));
      devs.push(dev(`0000:${(3 + i).toString(16).padStart(2, '0')}:00.0`, { parent: dn, classCode: '0x010802', roles: ['nvme'], driver: 'nvme' }));
    }
    const s = buildScene(snap(devs));
    const l = layoutScene(s);
    expect(l.grids.length).toBe(1);
    expect(l.grids[0]!.parent).toBe(up);
    expect(l.grids[0]!.members.length).toBe(24);
    // Each drive sits on its port's row, to its right.
    for (let i = 0; i < 12; i += 1) {
      const p = l.positions.get(`0000:02:${i.toString(16).padStart(2, '0')}.0`)!;
      const d = l.positions.get(`0000:${(3 + i).toString(16).padStart(2, '0')}:00.0`)!;
      expect(d.y).toBe(p.y);
      expect(d.x).toBeGreaterThan(p.x);
    }
    checkNoOverlap(s, l);
  });
  it("keeps a package's NUMA nodes on one row", () => {
    // 3 packages × 2 nodes, 4 CPUs each: at these screen shapes a package fits a row, and is never split.
    const cpus = Array.from({ length: 24 }, (_, id) => ({ id, node: Math.floor(id / 4), package: Math.floor(id / 8), core: id }));
    const numaNodes = Array.from({ length: 6 }, (_, id) => ({ id, cpus: `${id * 4}-${id * 4 + 3}`, memoryBytes: 1 << 30, distances: [], kind: 'dram' as const }));
    for (const vp of [{ w: 1600, h: 1000 }, { w: 1000, h: 1000 }, { w: 1300, h: 1000 }, { w: 2400, h: 600 }, { w: 1200, h: 700 }]) {
      const s = buildScene(snap([], { numaNodes, machine: { hostname: 'p', arch: 'x86_64', kernel: null, cpuModel: null, cpus } }));
      const l = layoutScene(s, { viewport: vp });
      for (let p = 0; p < 3; p += 1) expect(l.groups.get(`numa:${2 * p}`)!.y1, `package ${p} at ${vp.w}x${vp.h}`).toBe(l.groups.get(`numa:${2 * p + 1}`)!.y1);
    }
  });
  it('shapes the picture for the viewport: wide for a wide screen, tall for a tall one', () => {
    const t = bigSnapshot(600);
    const s = buildScene(t, { collapseVfs: false });
    const wide = layoutScene(s, { viewport: { w: 1600, h: 1000 } }).bounds;
    const tall = layoutScene(s, { viewport: { w: 800, h: 1600 } }).bounds;
    const aspect = (b: Rect) => (b.x2 - b.x1) / (b.y2 - b.y1);
    expect(aspect(wide)).toBeGreaterThan(aspect(tall));
    expect(aspect(wide)).toBeGreaterThan(1);
  });
  for (const n of [10, 100, 1000, 5000]) {
    it(`${n} devices: no overlaps, fast`, () => {
      const t = bigSnapshot(n);
      const t0 = performance.now();
      const s = buildScene(t);
      const l = layoutScene(s);
      expect(performance.now() - t0).toBeLessThan(3000);
      checkNoOverlap(s, l);
    });
  }
});

describe('frames and units flow at different heights', () => {
  it('a box stacks its root-complex frames in one column while each frame spreads its subtrees over columns (bench-like 300 functions)', () => {
    const s = buildScene(bigSnapshot(300));
    const l = layoutScene(s, { chrome: { w: 40, h: 92 } });
    const frames = s.nodes.filter((n) => n.kind === 'complex' && n.group === 'numa:0');
    expect(frames.length).toBeGreaterThan(2);
    // One column of frames: they all start at the same x and do not overlap vertically.
    expect(new Set(frames.map((f) => Math.round(l.frames.get(f.id)!.x1))).size).toBe(1);
    const columns = (f: (typeof frames)[number]) => new Set(f.units!.map((u) => Math.round(l.positions.get(u)!.x))).size;
    expect(Math.max(...frames.map(columns))).toBeGreaterThan(1);
  });
});
