// Runs of identical siblings fold into one group (lstopo's "N× PCI"), only when the
// picture would otherwise be fitted below 9 px: a 288-function machine of PCIe switches
// full of identical NVMe drives folds, the 137-function capture does not. Every function stays drawn or named in the group's
// members, and each run's members really are alike in the model (ids, driver, NUMA node).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportSvg } from '../../../electron/topology/export/svg';
import { loadInput } from '../../../electron/topology/load';
import { fitScene, fittedTextPx, MIN_TEXT_PX } from '../../../electron/topology/view/fit';
import { buildScene, RUN_MIN } from '../../../electron/topology/view/scene';
import type { PciDevice } from '../../../electron/topology/model';
import { dev, snap } from './synth';

/** `hbs` root complexes, each: root port → switch up → 8 switch downs, each with the same NVMe drive (the 6th bound to vfio-pci). */
function switchMachine(hbs: number) {
  const devices: PciDevice[] = [];
  for (let hb = 0; hb < hbs; hb += 1) {
    const dom = hb.toString(16).padStart(4, '0');
    const base = { hostBridge: `pci${dom}:00`, numaNode: hb % 2, localCpus: hb % 2 ? '2-3' : '0-1' };
    const port = { ...base, classCode: '0x060400', className: 'PCI bridge', vendorId: '0x10b5', deviceId: '0x9765', vendorName: 'PLX Technology, Inc.', deviceName: 'PEX 8796', driver: 'pcieport' };
    devices.push(dev(`${dom}:00:01.0`, { ...port, vendorId: '0x8086', deviceId: '0x2030', portKind: 'root-port', roles: ['root-port'] }));
    devices.push(dev(`${dom}:01:00.0`, { ...port, parent: `${dom}:00:01.0`, portKind: 'switch-upstream', roles: ['switch'] }));
    for (let p = 0; p < 8; p += 1) {
      const down = `${dom}:02:${p.toString(16).padStart(2, '0')}.0`;
      devices.push(dev(down, { ...port, parent: `${dom}:01:00.0`, portKind: 'switch-downstream', roles: ['switch'] }));
      const bus = (3 + p).toString(16).padStart(2, '0');
      const drv = p === 5 ? 'vfio-pci' : 'nvme';
      devices.push(dev(`${dom}:${bus}:00.0`, { ...base, parent: down, classCode: '0x010802', className: 'Non-Volatile memory controller', vendorId: '0x144d', deviceId: '0xa80a', vendorName: 'Samsung', deviceName: 'NVMe SSD Controller PM9A1', driver: drv, osDevices: drv === 'nvme' ? [{ name: `nvme${hb * 8 + p}`, kind: 'nvme' }] : [], roles: drv === 'nvme' ? ['nvme'] : ['spdk', 'nvme'] }));
    }
  }
  return snap(devices);
}

const REPO = join(__dirname, '../../..');

describe('folding runs of identical siblings', () => {
  const t = switchMachine(16);

  it('folds only on request, and every function stays drawn or named', () => {
    const plain = buildScene(t);
    const folded = buildScene(t, { foldRuns: true });
    expect(plain.nodes.some((n) => n.classes.includes('fold-run'))).toBe(false);
    const runs = folded.nodes.filter((n) => n.classes.includes('fold-run'));
    expect(runs.length).toBeGreaterThan(0);
    const drawn = folded.nodes.filter((n) => n.kind === 'device').map((n) => n.id);
    const h = folded.hidden;
    expect([...drawn, ...h.collapsedVfs, ...h.folded, ...h.bridges, ...h.plain, ...h.filtered].sort()).toEqual(t.pci.devices.map((d) => d.address).sort());
    const by = new Map(t.pci.devices.map((d) => [d.address, d] as const));
    for (const r of runs) {
      const ms = r.members!.map((a) => by.get(a)!);
      // Heads (the run's own siblings) share one parent; leaves hang from a head.
      const heads = ms.filter((d) => !r.members!.includes(d.parent ?? ''));
      expect(heads.length).toBeGreaterThanOrEqual(RUN_MIN);
      expect(new Set(heads.map((d) => d.parent)).size).toBe(1);
      for (const group of [heads, ms.filter((d) => !heads.includes(d))]) {
        if (!group.length) continue;
        expect(new Set(group.map((d) => `${d.vendorId}:${d.deviceId} ${d.driver} ${d.numaNode}`)).size).toBe(1);
      }
      expect(r.lines[0]).toBe(`${heads.length}× ${r.lines[0]!.split('× ')[1]}`);
    }
  });

  it("'auto' folds a 288-function switch machine (larger text) and leaves a 137-function capture alone", async () => {
    const lo = { chrome: { w: 40, h: 92 } };
    const plain = fittedTextPx(fitScene(t, { foldRuns: false }, lo).layout, lo);
    const auto = fitScene(t, {}, lo);
    expect(plain).toBeLessThan(MIN_TEXT_PX);
    expect(auto.scene.nodes.some((n) => n.classes.includes('fold-run'))).toBe(true);
    expect(fittedTextPx(auto.layout, lo)).toBeGreaterThan(plain);
    const { topology: xeon } = await loadInput(join(REPO, 'fixtures/hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2'), { hostFacts: false });
    expect(fitScene(xeon, {}, lo).scene.nodes.some((n) => n.classes.includes('fold-run'))).toBe(false);
    expect(exportSvg(xeon)).not.toMatch(/fold-run/);
  });

  it('"Fold platform" off folds no run either (every function drawn)', () => {
    const s = buildScene(t, { foldRuns: true, foldPlatform: false, collapseVfs: false });
    expect(s.nodes.filter((n) => n.kind === 'device').length).toBe(t.pci.devices.length);
  });
});
