// Model → Cytoscape elements: one node per scene node with its position (groups get
// none: Cytoscape sizes compounds from children), edges between existing nodes,
// classes that the stylesheet styles.
import { describe, expect, it } from 'vitest';
import { buildElements } from '../../../renderer/src/graph/elements';
import { stylesheet } from '../../../renderer/src/graph/stylesheet';
import { ROLE_STYLE } from '../../../electron/topology/view/style';
import { bigSnapshot, dev, snap } from '../view/synth';

describe('buildElements', () => {
  const t = snap([
    dev('0000:00:01.0', { portKind: 'root-port', roles: ['root-port'], classCode: '0x060400', numaNode: 1 }),
    dev('0000:01:00.0', { parent: '0000:00:01.0', roles: ['rdma', 'dpdk-capable'], driver: 'mlx5_core', osDevices: [{ name: 'mlx5_0', kind: 'rdma' }], numaNode: 1 }),
    dev('0000:80:02.0', { hostBridge: 'pci0000:80', numaNode: null, localityRule: 'unknown', link: { speed: '2.5 GT/s', width: 1, maxSpeed: '8 GT/s', maxWidth: 4, downgraded: true } }),
  ]);
  const { elements, scene } = buildElements(t);
  const nodes = elements.filter((e) => e.group === 'nodes');
  const edges = elements.filter((e) => e.group === 'edges');
  it('has a positioned node per drawn scene node; NUMA groups carry their box', () => {
    expect(nodes.length).toBe(scene.nodes.filter((n) => n.kind !== 'numa' || n.id === 'numa:1' || n.id === 'numa:unknown' || n.id === 'numa:0').length);
    for (const n of nodes) expect(n.position).toEqual({ x: expect.any(Number), y: expect.any(Number) });
    const g = nodes.find((n) => n.data.id === 'numa:1')!;
    const rdma = nodes.find((n) => n.data.id === '0000:01:00.0')!;
    expect(Math.abs(rdma.position!.x - g.position!.x)).toBeLessThan((g.data.w as number) / 2);
    expect(Math.abs(rdma.position!.y - g.position!.y)).toBeLessThan((g.data.h as number) / 2);
  });
  it('tags devices with their NUMA group and keeps the tree parent', () => {
    const rdma = nodes.find((n) => n.data.id === '0000:01:00.0')!;
    expect(rdma.data['group']).toBe('numa:1');
    expect(rdma.data['address']).toBe('0000:01:00.0');
    expect(rdma.classes.split(' ')).toEqual(expect.arrayContaining(['device', 'prim-rdma', 'role-rdma', 'role-dpdk-capable', 'numa-1']));
    expect(String(rdma.data['label'])).toContain('mlx5_core · mlx5_0');
    const unknown = nodes.find((n) => n.data.id === '0000:80:02.0')!;
    expect(unknown.data['group']).toBe('numa:unknown');
    expect(unknown.classes).toContain('link-downgraded');
    expect(unknown.classes).toContain('locality-unknown');
  });
  it('joins edges to existing nodes only', () => {
    const ids = new Set(nodes.map((n) => n.data.id));
    for (const e of edges) {
      expect(ids.has(e.data['source'] as string)).toBe(true);
      expect(ids.has(e.data['target'] as string)).toBe(true);
    }
    // Tree edges carry their width (lanes) for the stylesheet's data(ew).
    for (const e of edges) expect(e.data['ew']).toEqual(expect.any(Number));
  });
  it('collapsed VFs become a counter node carrying their addresses', () => {
    const big = buildElements(bigSnapshot(60));
    const g = big.elements.filter((e) => e.data['kind'] === 'vf-group');
    expect(g.length).toBeGreaterThan(0);
    expect((g[0]!.data['vfs'] as string[]).length).toBe(3);
    expect(big.scene.hidden.collapsedVfs.length).toBe(g.length * 3);
  });
});

describe('stylesheet', () => {
  it('styles every role class in both themes from the shared definitions', () => {
    for (const theme of ['light', 'dark'] as const) {
      const s = stylesheet(theme);
      for (const [role, st] of Object.entries(ROLE_STYLE)) {
        const rule = s.find((r) => r.selector === `node.prim-${role}`)!;
        expect(rule.style['background-color']).toBe(st.fill[theme]);
      }
      expect(s.some((r) => r.selector === 'node.link-downgraded')).toBe(true);
      expect(s.some((r) => r.selector === 'node.locality-unknown')).toBe(true);
    }
  });
});
