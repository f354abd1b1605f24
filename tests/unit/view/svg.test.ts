// The CLI's SVG export: valid standalone SVG with the device labels, drawn from the
// same scene and layout as the app; deterministic.
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { exportSvg } from '../../../electron/topology/export/svg';
import { loadInput } from '../../../electron/topology/load';
import { primaryRole, ROLE_ORDER } from '../../../electron/topology/view/style';
import { matchDevice, searchDevices } from '../../../electron/topology/view/search';
import { bigSnapshot, dev } from './synth';

const REPO = join(__dirname, '../../..');

function parse(svg: string): { root: string; texts: string[]; rects: number } {
  const p = new SaxesParser({ xmlns: true });
  let root = '';
  let rects = 0;
  const texts: string[] = [];
  p.on('error', (e) => {
    throw e;
  });
  p.on('opentag', (t) => {
    if (!root) root = `${t.uri} ${t.local}`;
    if (t.local === 'rect' || t.local === 'path') rects += 1;
  });
  p.on('text', (x) => texts.push(x));
  p.write(svg).close();
  return { root, texts, rects };
}

describe('exportSvg', () => {
  it('draws every device of a real capture with its label', async () => {
    const { topology: t } = await loadInput(join(REPO, 'fixtures/lab/x86-q35-dpdk-spdk/capture.tar.gz'), { hostFacts: false });
    const svg = exportSvg(t);
    const { root, texts } = parse(svg);
    expect(root).toBe('http://www.w3.org/2000/svg svg');
    const all = texts.join('\n');
    // Each function is drawn with its address, or named by the group that folds it.
    const members = new Set([...svg.matchAll(/data-members="([^"]*)"/g)].flatMap((m) => m[1]!.split(' ')));
    for (const d of t.pci.devices) if (!members.has(d.address)) expect(all).toContain(d.address.replace(/^0000:/, ''));
    expect(all).toContain('NUMA node 0');
    expect(exportSvg(t)).toBe(svg);
  });
  it('escapes markup in names and supports the dark theme', () => {
    const t = { ...bigSnapshot(10) };
    const evil = { ...t, pci: { devices: [dev('0000:00:02.0', { deviceName: '<script>alert(1)</script> & "x"' })] } };
    const svg = exportSvg(evil, { theme: 'dark' });
    expect(svg).not.toContain('<script>');
    expect(parse(svg).texts.join('')).toContain('<script>alert(1)</script> & "x"');
  });
  it('scales to 5,000 devices', () => {
    const t0 = performance.now();
    const svg = exportSvg(bigSnapshot(5000));
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(parse(svg).rects).toBeGreaterThan(1000);
  });
});

describe('style and search helpers', () => {
  it('draws a device as its highest-priority role', () => {
    expect(primaryRole(dev('0000:00:01.0', { roles: ['dpdk-capable', 'rdma', 'sriov-pf'] }))).toBe('rdma');
    expect(primaryRole(dev('0000:00:01.0', { roles: [], portKind: 'pci-bridge' }))).toBe('bridge');
    expect(primaryRole(dev('0000:00:01.0'))).toBe('other');
    expect(ROLE_ORDER[0]).toBe('dpdk');
  });
  it('finds devices by netdev, short address, driver, vendor, rdma name', () => {
    const d = dev('0000:3b:00.0', { driver: 'mlx5_core', vendorName: 'Mellanox Technologies', osDevices: [{ name: 'ens1f0np0', kind: 'net' }, { name: 'mlx5_0', kind: 'rdma' }] });
    for (const q of ['ens1f0np0', '3b:00.0', 'mlx5_core', 'mellanox', 'MLX5_0', 'mellanox ens1']) expect(matchDevice(d, q), q).toBe(true);
    expect(matchDevice(d, 'nvme')).toBe(false);
    expect(matchDevice(d, '   ')).toBe(false);
    expect(searchDevices([d, dev('0000:00:01.0')], 'igb')).toEqual(['0000:00:01.0']);
  });
});
