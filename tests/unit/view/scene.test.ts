// The scene: every model device is drawn or listed as hidden exactly once, whatever the
// options; each is drawn in its own NUMA node's box; VF collapse, platform folding,
// plain-bridge hiding, interesting-only and role filter behave.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInput } from '../../../electron/topology/load';
import type { PciDevice, Snapshot } from '../../../electron/topology/model';
import { archLine, buildScene, type Scene, type SceneOptions } from '../../../electron/topology/view/scene';
import { bigSnapshot, dev, snap } from './synth';

const REPO = join(__dirname, '../../..');
const FIXTURES = ['fixtures/hwloc/linux/40intel64-2g2n4c+pcilocality.tar.bz2', 'fixtures/hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2', 'fixtures/lab/x86-q35-sriov-nvme/capture.tar.gz', 'fixtures/lab/x86-q35-dpdk-spdk/capture.tar.gz', 'fixtures/lspci/x86-2s-xeon-e5-sandybridge-ibm-dx360m4-infiniband.txt', 'fixtures/hwloc/xml/16intel64-manyVFs.xml', 'fixtures/lspci/aarch64-huawei-taishan2280v2-kunpeng920-hi1822-switch.txt'];

function accounted(t: Snapshot, s: Scene): string[] {
  const drawn = s.nodes.filter((n) => n.kind === 'device').map((n) => n.id);
  const h = s.hidden;
  return [...drawn, ...h.collapsedVfs, ...h.folded, ...h.bridges, ...h.plain, ...h.filtered].sort();
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
  { foldPlatform: false },
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
        // Locality: a function is drawn in the box its own numaNode names, and so is every member of a folded group.
        const byAddr = new Map(t.pci.devices.map((d) => [d.address, d] as const));
        const box = (a: string) => (byAddr.get(a)!.numaNode === null ? 'numa:unknown' : `numa:${byAddr.get(a)!.numaNode}`);
        for (const n of s.nodes) {
          if (n.kind === 'device') expect(n.group, n.id).toBe(box(n.id));
          for (const m of n.members ?? []) expect(n.group, `${m} in ${n.id}`).toBe(box(m));
        }
      }
    });
  }
  it('draws a function whose numa_node differs from its root complex in its own box, joined by a cross-box edge', async () => {
    // hwloc's 40intel64-2g2n4c+pcilocality: host bridge pci0000:40 and its root ports have
    // numa_node -1 and local_cpus 0-39 (every node); 0000:43:00.0 (mlx4) has numa_node 2.
    // The build now gives the root ports node 2 too (root-complex rule); the scene's case
    // is a function whose node differs from its bridge's, so their locality is undone here.
    const { topology: loaded } = await loadInput(join(REPO, 'fixtures/hwloc/linux/40intel64-2g2n4c+pcilocality.tar.bz2'), { hostFacts: false });
    const unplace = (d: PciDevice): PciDevice => (d.localityRule === 'root-complex' ? { ...d, numaNode: null, localityRule: 'unknown' } : d);
    const t = { ...loaded, pci: { ...loaded.pci, devices: loaded.pci.devices.map(unplace), hostBridges: (loaded.pci.hostBridges ?? []).map((h) => ({ ...h, numaNode: null })) } };
    const s = buildScene(t);
    const rdma = s.nodes.find((n) => n.id === '0000:43:00.0')!;
    expect(rdma.group).toBe('numa:2');
    expect(rdma.parent).toBe('0000:40:03.0');
    expect(s.nodes.find((n) => n.id === '0000:40:03.0')!.group).toBe('numa:unknown');
    expect(s.edges.find((e) => e.target === '0000:43:00.0')!.classes).toContain('cross-numa');
    const frame = s.nodes.find((n) => n.kind === 'complex' && n.units?.includes('0000:43:00.0'))!;
    expect(frame.group).toBe('numa:2');
    expect(s.nodes.find((n) => n.id === 'numa:unknown')!.title).toMatch(/numa_node -1/);
  });
});

describe('CXL', () => {
  it("draws the CXL memory device's link to the NUMA node its region became", async () => {
    // fixtures/lab/x86-q35-cxl/README.md: mem0 under 0000:31:00.0 → region0 → dax0.0 → kmem
    // onlines it as NUMA node 2 (CPU-less); the device itself hangs from node 0's host bridge.
    const { topology: t } = await loadInput(join(REPO, 'fixtures/lab/x86-q35-cxl/capture.tar.gz'), { hostFacts: false });
    const s = buildScene(t);
    const e = s.edges.find((x) => x.classes.includes('cxl-edge'))!;
    expect(e.source).toBe('0000:31:00.0');
    expect(e.target).toBe('cpus:2');
    expect(e.label).toMatch(/mem0 → region0 .* → node 2/);
    expect(s.nodes.find((n) => n.id === '0000:31:00.0')!.group).toBe('numa:0');
    expect(s.nodes.find((n) => n.id === 'cpus:2')!.lines[0]).toMatch(/^no CPUs \(cxl memory/);
  });
});

describe('platform folding', () => {
  const t = snap([
    dev('0000:00:00.0', { portKind: 'host-bridge', classCode: '0x060000', className: 'Host bridge', driver: null }),
    dev('0000:00:04.0', { classCode: '0x088000', className: 'System peripheral', driver: 'ioatdma', osDevices: [{ name: 'dma0chan0', kind: 'dma' }] }),
    dev('0000:00:04.1', { classCode: '0x088000', className: 'System peripheral', driver: 'ioatdma', osDevices: [{ name: 'dma1chan0', kind: 'dma' }] }),
    dev('0000:00:1f.3', { classCode: '0x0c0500', className: 'SMBus', driver: null }),
    dev('0000:00:1f.2', { classCode: '0x010601', className: 'SATA controller', driver: 'ahci', osDevices: [{ name: 'sda', kind: 'block' }] }),
    dev('0000:00:02.0', { classCode: '0x010802', className: 'NVMe', roles: ['nvme'], driver: 'nvme', osDevices: [{ name: 'nvme0n1', kind: 'block' }] }),
  ]);
  it('folds chipset/uncore functions of one parent into one named group, keeping storage and roles drawn', () => {
    const s = buildScene(t);
    const f = s.nodes.find((n) => n.kind === 'fold')!;
    expect([...f.members!].sort()).toEqual(['0000:00:00.0', '0000:00:04.0', '0000:00:04.1', '0000:00:1f.3']);
    expect(f.lines[0]).toBe('4 platform functions');
    expect(f.lines[1]).toBe('ioatdma ×2 · no driver ×2');
    expect(s.nodes.filter((n) => n.kind === 'device').map((n) => n.id).sort()).toEqual(['0000:00:02.0', '0000:00:1f.2']);
    expect([...s.hidden.folded].sort()).toEqual([...f.members!].sort());
    // The group is a unit of the root complex's frame (no edge from a frame).
    expect(s.nodes.find((n) => n.kind === 'complex')!.units).toContain(f.id);
  });
  it('opens a group on demand, and not at all with foldPlatform: false', () => {
    const id = buildScene(t).nodes.find((n) => n.kind === 'fold')!.id;
    for (const s of [buildScene(t, { expandedGroups: [id] }), buildScene(t, { foldPlatform: false })]) {
      expect(s.nodes.some((n) => n.kind === 'fold')).toBe(false);
      expect(s.nodes.filter((n) => n.kind === 'device').length).toBe(6);
    }
  });
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
    expect(g.lines[0]).toBe('2 VFs of 01:00.0');
    expect(g.members).toEqual(vfs);
    expect(s.hidden.collapsedVfs).toEqual(vfs);
    expect(s.nodes.filter((n) => n.kind === 'device').map((n) => n.id)).not.toContain(vfs[0]);
  });
  it('expands one PF on demand, drawing its VFs as its children', () => {
    const s = buildScene(t, { expandedPfs: [pf] });
    expect(s.nodes.find((n) => n.id === pf)!.children).toEqual(vfs);
    expect(s.edges.find((e) => e.target === vfs[0])!.classes).toContain('vf-edge');
    expect(s.hidden.collapsedVfs).toEqual([]);
  });
  it('summarises the folded VFs by driver and role, like the CLI', () => {
    const many = Array.from({ length: 64 }, (_, i) => `0000:01:${(2 + (i >> 3)).toString(16).padStart(2, '0')}.${i & 7}`);
    const t2 = snap([
      dev('0000:00:01.0', { portKind: 'root-port', roles: ['root-port'], classCode: '0x060400' }),
      dev(pf, { parent: '0000:00:01.0', roles: ['sriov-pf'], sriov: { totalVfs: 64, numVfs: 64, physfn: null, vfs: many } }),
      ...many.map((v, i) => dev(v, { parent: '0000:00:01.0', driver: i < 48 ? 'iavf' : 'vfio-pci', roles: i < 48 ? ['sriov-vf'] : ['sriov-vf', 'dpdk'], sriov: { totalVfs: null, numVfs: null, physfn: pf, vfs: [] } })),
    ]);
    const g = buildScene(t2).nodes.find((n) => n.kind === 'vf-group')!;
    expect(g.lines).toEqual(['64 VFs of 01:00.0', 'iavf ×48 · vfio-pci ×16', 'dpdk ×16']);
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
    expect(buildScene(t).nodes.find((n) => n.id === 'cpus:0')!.lines.join(' ')).toContain('Neoverse-N1 ×2');
  });
  it('labels links with their throughput and lane count; downgraded ones say current of capable', () => {
    const t = snap([
      dev('0000:00:01.0', { portKind: 'root-port', roles: ['root-port'], classCode: '0x060400' }),
      dev('0000:01:00.0', { parent: '0000:00:01.0', link: { speed: '16 GT/s', width: 16, maxSpeed: '16 GT/s', maxWidth: 16, downgraded: false } }),
      dev('0000:00:02.0', { portKind: 'root-port', roles: ['root-port'], classCode: '0x060400' }),
      dev('0000:02:00.0', { parent: '0000:00:02.0', link: { speed: '8 GT/s', width: 4, maxSpeed: '16 GT/s', maxWidth: 16, downgraded: true } }),
    ]);
    const s = buildScene(t);
    const ok = s.edges.find((e) => e.target === '0000:01:00.0')!;
    const down = s.edges.find((e) => e.target === '0000:02:00.0')!;
    // PCIe 4.0: 16 GT/s × 128/130 / 8 = 1.969 GB/s per lane; ×16 = 31.5 GB/s.
    expect(ok.label).toBe('x16 · 16 GT/s ≈ 31.5 GB/s');
    expect(down.label).toBe('⚠ x4/x16 · 8 of 16 GT/s');
    expect(down.classes).toContain('link-downgraded');
    expect(ok.width!).toBeGreaterThan(down.width!);
    expect(s.nodes.find((n) => n.id === '0000:01:00.0')!.lines).toContain('x16 · 16 GT/s ≈ 31.5 GB/s');
  });
  it('handles big snapshots quickly', () => {
    const t = bigSnapshot(5000);
    const t0 = performance.now();
    const s = buildScene(t);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(accounted(t, s)).toEqual(t.pci.devices.map((d) => d.address).sort());
  });
});
