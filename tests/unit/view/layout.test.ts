// Layout: deterministic, nothing overlaps, every node inside its NUMA box, group boxes
// apart; from a handful to thousands of devices.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInput } from '../../../electron/topology/load';
import type { Snapshot } from '../../../electron/topology/model';
import { GROUP_LABEL, layoutScene, type Layout } from '../../../electron/topology/view/layout';
import { buildScene, type Scene } from '../../../electron/topology/view/scene';
import { bigSnapshot, dev, snap } from './synth';

const REPO = join(__dirname, '../../..');

function boxes(s: Scene, l: Layout) {
  return s.nodes.filter((n) => n.kind !== 'numa').map((n) => {
    const p = l.positions.get(n.id)!;
    return { id: n.id, group: n.group, x1: p.x - n.w / 2, x2: p.x + n.w / 2, y1: p.y - n.h / 2, y2: p.y + n.h / 2 };
  });
}

function checkNoOverlap(s: Scene, l: Layout): void {
  const b = boxes(s, l);
  for (const n of s.nodes) if (n.kind !== 'numa') expect(l.positions.has(n.id), n.id).toBe(true);
  // Sweep by x1 to keep this O(n log n)-ish for thousands of boxes.
  const sorted = [...b].sort((a, c) => a.y1 - c.y1);
  for (let i = 0; i < sorted.length; i += 1) {
    const a = sorted[i]!;
    for (let j = i + 1; j < sorted.length && sorted[j]!.y1 < a.y2; j += 1) {
      const c = sorted[j]!;
      const overlap = a.x1 < c.x2 && c.x1 < a.x2 && a.y1 < c.y2 && c.y1 < a.y2;
      expect(overlap, `${a.id} overlaps ${c.id}`).toBe(false);
    }
  }
  // Nodes sit inside their group box; group boxes (with their label strip) do not overlap.
  for (const x of b) {
    if (!x.group) continue;
    const g = l.groups.get(x.group)!;
    expect(x.x1 >= g.x1 && x.x2 <= g.x2 && x.y1 >= g.y1 && x.y2 <= g.y2, `${x.id} outside ${x.group}`).toBe(true);
  }
  const gs = [...l.groups.values()].sort((a, c) => a.y1 - c.y1);
  for (let i = 1; i < gs.length; i += 1) expect(gs[i]!.y1 - GROUP_LABEL).toBeGreaterThanOrEqual(gs[i - 1]!.y2);
  // Grid frames hold their members and no other node.
  for (const g of l.grids) {
    const members = new Set(g.members);
    for (const x of b) {
      const inside = x.x1 >= g.box.x1 && x.x2 <= g.box.x2 && x.y1 >= g.box.y1 && x.y2 <= g.box.y2;
      const touches = x.x1 < g.box.x2 && g.box.x1 < x.x2 && x.y1 < g.box.y2 && g.box.y1 < x.y2;
      if (members.has(x.id)) expect(inside, `${x.id} outside ${g.id}`).toBe(true);
      else expect(touches, `${x.id} inside ${g.id}`).toBe(false);
    }
  }
  // The machine is outside every group.
  const m = b.find((x) => x.id === 'machine')!;
  for (const g of gs) expect(m.x2).toBeLessThanOrEqual(g.x1);
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
    const s = buildScene(t);
    const l = layoutScene(s);
    expect(l.grids.length).toBe(1);
    expect(l.grids[0]!.members.length).toBe(40);
    expect(l.grids[0]!.parent).toBe('0000:00:01.0');
    checkNoOverlap(s, l);
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
