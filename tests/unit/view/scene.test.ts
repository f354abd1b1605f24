// The scene: every model device is drawn or listed as hidden exactly once, whatever the
// options; VF collapse, plain-bridge hiding, interesting-only and role filter behave.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInput } from '../../../electron/topology/load';
import type { Snapshot } from '../../../electron/topology/model';
import { archLine, buildScene, type Scene, type SceneOptions } from '../../../electron/topology/view/scene';
import { bigSnapshot, dev, snap } from './synth';

const REPO = join(__dirname, '../../..');
const FIXTURES = ['fixtures/lab/x86-q35-sriov-nvme/capture.tar.gz', 'fixtures/lab/x86-q35-dpdk-spdk/capture.tar.gz', 'fixtures/lspci/x86-2s-xeon-e5-sandybridge-ibm-dx360m4-infiniband.txt', 'fixtures/hwloc/xml/16intel64-manyVFs.xml', 'fixtures/lspci/aarch64-huawei-taishan2280v2-kunpeng920-hi1822-switch.txt'];

function accounted(t: Snapshot, s: Scene): string[] {
  const drawn = s.nodes.filter((n) => n.kind === 'device').map((n) => n.id);
  const h = s.hidden;
  return [...drawn, ...h.collapsedVfs, ...h.bridges, ...h.plain, ...h.filtered].sort();
}

const OPTION_SETS: SceneOptions[] = [
  {},
  { collapseVfs: false },
  { hideBridges: true },
  { interestingOnly: true },
  { interestingOnly: true, hideBridges: true },
  { role: 'nvme' },
  { role: 'dpdk-capable', collapseVfs: false },
  { role: 'sriov-vf' },
];

describe('buildScene accounts for every device', () => {
  for (const f of FIXTURES) {
    it(f, async () => {
      const { topology: t } = await loadInput(join(REPO, f), { hostFacts: false });
      const all = t.pci.devices.map((d) => d.address).sort();
      for (const o of OPTION_SETS) {
        const s = buildScene(t, o);
        expect(accounted(t, s), JSON.stringify(o)).toEqual(all);
        // Edges join drawn nodes; node ids are unique.
        const ids = new Set(s.nodes.map((n) => n.id));
        expect(ids.size).toBe(s.nodes.length);
        for (const e of s.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
        for (const n of s.nodes) for (const c of n.children) expect(ids.has(c)).toBe(true);
      }
    });
  }
});

describe('VF collapse', () => {
  const pf = '0000:01:00.0';
  const vfs = ['0000:01:00.1', '0000:01:00.2'];
  const t = snap([
    dev('0000:00:01.0', { portKind: 'root-port', roles: ['root-port'], classCode: '0x060400' }),
    dev(pf, { parent: '0000:00:01.0', roles: ['sriov-pf'], sriov: { totalVfs: 4, numVfs: 2, physfn: null, vfs } }),
    ...vfs.map((v) => dev(v, { parent: '0000:00:01.0', roles: ['sriov-vf'], sriov: { totalVfs: null, numVfs: null, physfn: pf, vfs: [] } })),
  ]);
  it('folds VFs into one counter under the PF, with the count', () => {
    const s = buildScene(t);
    const g = s.nodes.find((n) => n.kind === 'vf-group')!;
    expect(g.pf).toBe(pf);
    expect(g.vfs).toEqual(vfs);
    expect(g.parent).toBe(pf);
    expect(g.lines[0]).toBe('+2 VFs (collapsed)');
    expect(s.hidden.collapsedVfs).toEqual(vfs);
    expect(s.nodes.filter((n) => n.kind === 'device').map((n) => n.id)).not.toContain(vfs[0]);
  });
  it('expands one PF on demand, drawing its VFs as its children', () => {
    const s = buildScene(t, { expandedPfs: [pf] });
    expect(s.nodes.find((n) => n.id === pf)!.children).toEqual(vfs);
    expect(s.edges.find((e) => e.target === vfs[0])!.classes).toContain('vf-edge');
    expect(s.hidden.collapsedVfs).toEqual([]);
  });
  it('draws VFs without collapse', () => {
    expect(buildScene(t, { collapseVfs: false }).nodes.filter((n) => n.kind === 'vf-group')).toEqual([]);
  });
});

describe('plain bridges, interesting-only, role filter', () => {
  const t = snap([
    dev('0000:00:01.0', { portKind: 'root-port', roles: ['root-port'], classCode: '0x060400', className: 'PCI bridge' }),
    dev('0000:01:00.0', { parent: '0000:00:01.0', portKind: 'pci-bridge', classCode: '0x060400', className: 'PCI bridge', driver: null }),
    dev('0000:02:00.0', { parent: '0000:01:00.0', classCode: '0x030000', className: 'VGA compatible controller', roles: ['gpu'], driver: null }),
    dev('0000:00:1f.3', { classCode: '0x0c0500', className: 'SMBus', driver: null }),
    dev('0000:00:02.0', { classCode: '0x010802', className: 'NVMe', roles: ['nvme'], driver: 'nvme', osDevices: [{ name: 'nvme0n1', kind: 'block' }] }),
  ]);
  it('hides a PCI bridge with one child and nothing of its own, linking the child up with a via', () => {
    const s = buildScene(t, { hideBridges: true });
    expect(s.hidden.bridges).toEqual(['0000:01:00.0']);
    const gpu = s.nodes.find((n) => n.id === '0000:02:00.0')!;
    expect(gpu.parent).toBe('0000:00:01.0');
    expect(gpu.via).toEqual(['0000:01:00.0']);
    expect(gpu.classes).toContain('via-hidden');
  });
  it('keeps only interesting devices and the bridges above them', () => {
    const s = buildScene(t, { interestingOnly: true });
    expect(s.hidden.plain).toEqual(['0000:00:1f.3']);
    expect(s.nodes.some((n) => n.id === '0000:01:00.0')).toBe(true);
  });
  it('filters by role, keeping the path as context', () => {
    const s = buildScene(t, { role: 'gpu' });
    const drawn = s.nodes.filter((n) => n.kind === 'device');
    expect(drawn.map((n) => n.id).sort()).toEqual(['0000:00:01.0', '0000:01:00.0', '0000:02:00.0']);
    expect(drawn.filter((n) => n.classes.includes('context')).map((n) => n.id).sort()).toEqual(['0000:00:01.0', '0000:01:00.0']);
    expect([...s.hidden.filtered].sort()).toEqual(['0000:00:02.0', '0000:00:1f.3']);
  });
});

describe('labels and classes', () => {
  it('marks downgraded links and unknown locality, names the primary role', () => {
    const t = snap([
      dev('0000:03:00.0', { link: { speed: '2.5 GT/s', width: 4, maxSpeed: '8 GT/s', maxWidth: 16, downgraded: true }, roles: ['dpdk', 'sriov-pf'], numaNode: null, localityRule: 'unknown', driver: 'vfio-pci' }),
    ]);
    const n = buildScene(t).nodes.find((x) => x.id === '0000:03:00.0')!;
    expect(n.classes).toEqual(expect.arrayContaining(['prim-dpdk', 'role-dpdk', 'role-sriov-pf', 'link-downgraded', 'locality-unknown', 'numa-unknown']));
    expect(n.lines).toContain('⚠ x4/x16 · 2.5 of 8 GT/s');
    expect(n.group).toBe('numa:unknown');
  });
  it('flags AArch64 with its core names', () => {
    const t = snap([], { machine: { hostname: 'a', arch: 'aarch64', kernel: null, cpuModel: 'Arm Neoverse-N1 ×2', cpus: [0, 1].map((id) => ({ id, node: 0, package: 0, core: id, uarch: 'Neoverse-N1' })) } });
    expect(archLine(t.machine)).toBe('aarch64 · Neoverse-N1 ×2');
    expect(buildScene(t).nodes[0]!.classes).toContain('arch-aarch64');
  });
  it('handles big snapshots quickly', () => {
    const t = bigSnapshot(5000);
    const t0 = performance.now();
    const s = buildScene(t);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(accounted(t, s)).toEqual(t.pci.devices.map((d) => d.address).sort());
  });
});
