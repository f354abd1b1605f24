// NCCL topology XML export: read back by the NCCL parser it gives the same functions,
// NUMA nodes and NICs; from a sysfs capture each element's parent follows NCCL's rule
// (xml.cc climbs two sysfs levels), computed here from the capture's own device links.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportNcclXml } from '../../../electron/topology/export/nccl-xml';
import { snapshotFromRoot } from '../../../electron/topology/load';
import { formatCpuList } from '../../../electron/topology/parse/cpulist';
import { parseNcclXml } from '../../../electron/topology/parse/nccl-xml';
import { openArchiveFile } from '../../../electron/topology/sources/archive';
import { snapshotFromNcclXml } from '../../../electron/topology/sources/nccl-xml';

const FX = join(__dirname, '../../../fixtures');

describe('NCCL XML export', () => {
  it('an NCCL dump read and written again keeps functions, parents, NUMA masks and nets', () => {
    const text = readFileSync(join(FX, 'nccl/ibm-cloud-gx3d-h100-vsi.xml'), 'utf8');
    const a = parseNcclXml(text);
    const b = parseNcclXml(exportNcclXml(snapshotFromNcclXml(text, 'ibm.xml').topology));
    expect(b.diagnostics).toEqual([]);
    const shape = (x: typeof a) => x.pci.map((p) => [p.busId, p.parent, x.cpus[p.cpu]!.numaId, p.vendor, p.device, p.classCode, p.nets.map((n) => [n.name, n.guid])]).sort();
    expect(shape(b)).toEqual(shape(a));
    expect(b.cpus.map((c) => [c.numaId, c.cpus, c.arch])).toEqual(a.cpus.map((c) => [c.numaId, c.cpus, c.arch]));
  });

  it('from sysfs: NICs and IB HCAs with the ancestors NCCL lists; display chips left out', () => {
    const { root } = openArchiveFile(join(FX, 'hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2'));
    const t = snapshotFromRoot(root, 'archive', 'a').topology;
    const x = parseNcclXml(exportNcclXml(t));
    expect(x.diagnostics).toEqual([]);
    // NCCL's parent: up one level; a root complex there → the CPU; else up a second level.
    const chain = (addr: string): string[] => (root.readLink(`sys/bus/pci/devices/${addr}`) ?? '').split('/').filter((p) => /^[0-9a-f]{4,}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/.test(p));
    for (const p of x.pci) {
      const c = chain(p.busId);
      expect(c[c.length - 1]).toBe(p.busId);
      expect([p.busId, p.parent]).toEqual([p.busId, c.length >= 3 ? c[c.length - 3]! : null]);
      const d = t.pci.devices.find((e) => e.address === p.busId)!;
      expect(x.cpus[p.cpu]!.numaId).toBe(d.numaNode ?? null);
    }
    for (const c of x.cpus) expect(formatCpuList(c.cpus!)).toBe(t.numaNodes.find((n) => n.id === c.numaId)!.cpus);
    const listed = new Set(x.pci.map((p) => p.busId));
    for (const d of t.pci.devices) {
      if (d.roles.includes('display')) expect(listed.has(d.address)).toBe(false);
      if (d.roles.includes('rdma') || (d.classCode ?? '').startsWith('0x02')) expect(listed.has(d.address)).toBe(true);
    }
    expect(x.pci.flatMap((p) => p.nets.map((n) => n.name))).toContain('mlx4_0');
  });
});
