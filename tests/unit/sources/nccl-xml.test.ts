// NCCL topology XML through the pipeline (sources/nccl-xml → build → annotate) and through
// loadInput's format detection, on the real files in fixtures/nccl. Expected values are
// read from the XML text itself (counts, masks, bus ids), not typed in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInput } from '../../../electron/topology/load';
import { snapshotFromNcclXml } from '../../../electron/topology/sources/nccl-xml';

const FX = join(__dirname, '../../../fixtures');
const text = (p: string): string => readFileSync(join(FX, p), 'utf8');
const attrs = (xml: string, tag: string, attr: string): string[] => [...xml.matchAll(new RegExp(`<${tag} [^>]*\\b${attr}="([^"]*)"`, 'g'))].map((m) => m[1]!);

describe('NCCL topology XML source', () => {
  const xml = text('nccl/ibm-cloud-gx3d-h100-vsi.xml');
  const { topology: t } = snapshotFromNcclXml(xml, 'ibm.xml');

  it('every <pci> is a function, with its <cpu>\'s NUMA node; NUMA nodes carry the affinity CPUs', () => {
    expect(t.source.kind).toBe('nccl-xml');
    expect(t.pci.devices.map((d) => d.address).sort()).toEqual(attrs(xml, 'pci', 'busid').sort());
    expect(t.numaNodes.map((n) => n.id)).toEqual(attrs(xml, 'cpu', 'numaid').map(Number));
    expect(t.numaNodes.map((n) => n.cpus)).toEqual(['0-79', '80-159']); // masks 0x..0000ffff,ffffffff,ffffffff and the rest
    expect(t.machine.cpus.length).toBe(160);
    expect(t.machine.arch).toBe('x86_64');
  });

  it('GPUs and NICs: roles, cuda<dev> and net names from the file, parent = the element around them', () => {
    const gpus = t.pci.devices.filter((d) => d.roles.includes('gpu'));
    expect(gpus.length).toBe(attrs(xml, 'gpu', 'dev').length);
    expect(gpus.flatMap((d) => d.osDevices.map((o) => o.name)).sort()).toEqual(attrs(xml, 'gpu', 'dev').map((n) => `cuda${n}`).sort());
    const nics = t.pci.devices.filter((d) => d.roles.includes('rdma'));
    expect(nics.flatMap((d) => d.osDevices.map((o) => o.name)).sort()).toEqual(attrs(xml, 'net', 'name').sort());
    for (const d of [...gpus, ...nics]) {
      const parent = t.pci.devices.find((p) => p.address === d.parent)!;
      expect(parent.portKind).toBe('switch-upstream');
      expect(parent.numaNode).toBe(d.numaNode);
    }
    // NCCL's link_speed is a maximum; the trained link stays unknown and says why.
    expect(gpus[0]!.link).toMatchObject({ speed: null, maxSpeed: '32 GT/s', downgraded: false });
    expect(gpus[0]!.link!.note).toMatch(/NCCL writes the lower maximum/);
    expect(gpus[0]!.roleReasons.find((r) => r.role === 'gpu')!.reason).toMatch(/3D controller/);
    expect(nics[0]!.roleReasons.find((r) => r.role === 'rdma')!.reason).toMatch(/NCCL net device with a GUID/);
  });

  it('what the format lacks is said once; placeholder ids 0xffff are unknown, not a vendor', () => {
    expect(t.diagnostics.filter((d) => /records no drivers/.test(d.message))).toHaveLength(1);
    const aws = snapshotFromNcclXml(text('nccl/aws-p4d-24xl-static.xml'), 'aws.xml').topology;
    const placeholders = aws.pci.devices.filter((d) => d.address.startsWith('ffff:'));
    expect(placeholders.length).toBe(4);
    expect(placeholders.every((d) => d.vendorId === null && d.deviceId === null && d.portKind === 'switch-upstream')).toBe(true);
    expect(aws.pci.devices.filter((d) => d.vendorId === '0x10de').length).toBe(8);
  });

  it('loadInput tells NCCL XML from hwloc XML', async () => {
    expect((await loadInput(join(FX, 'nccl/aws-p4d-24xl-static.xml'))).topology.source.kind).toBe('nccl-xml');
    expect((await loadInput(join(FX, 'hwloc/xml/24em64t-2n6c2t-pci.xml'))).topology.source.kind).toBe('hwloc-xml');
  });
});
