// OS devices hwloc's Linux discovery attaches, read the same way whatever the input:
// DAX/pmem devices below no PCI function stay in the snapshot (on their NUMA node),
// hwloc 1.x's CoProcType and 2.x's subtype name one kind, and sysfs co-processor
// classes (mic, ve) attach to their PCI function.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromRoot } from '../../../electron/topology/load';
import { openArchiveFile } from '../../../electron/topology/sources/archive';
import { snapshotFromHwlocXml } from '../../../electron/topology/sources/hwloc-xml';

const FX = join(__dirname, '../../../fixtures/hwloc');

describe('OS devices outside PCI (hwloc XML)', () => {
  const xml = readFileSync(join(FX, 'linux/32em64t-2n8c+dax+nvme+mic+dimms.whole-io.xml'), 'utf8');
  const t = snapshotFromHwlocXml(xml, 'x.xml').topology;

  it('every named OSDev is kept: below its PCI function, else on its NUMA node or the machine', () => {
    const named = [...xml.matchAll(/<object type="OSDev" name="([^"]+)"/g)].map((m) => m[1]!);
    const onPci = t.pci.devices.flatMap((d) => d.osDevices.map((o) => o.name));
    const onNodes = t.numaNodes.flatMap((n) => (n.osDevices ?? []).map((o) => o.name));
    const onMachine = (t.machine.osDevices ?? []).map((o) => o.name);
    expect([...onPci, ...onNodes, ...onMachine].sort()).toEqual([...named].sort());
    expect(onNodes.length).toBeGreaterThan(0);
    expect(t.diagnostics.some((d) => /no place in the snapshot/.test(d.message))).toBe(false);
  });

  it('a DAX device lands on the NUMA node of the package it sits in (dax0.0 in package 0, dax1.3 in package 1)', () => {
    // The XML nests dax0.0 in Package 0 (nodeset 0x1) and dax1.3 in Package 1 (nodeset 0x2).
    const nodeOf = (name: string) => t.numaNodes.find((n) => n.osDevices?.some((o) => o.name === name))?.id;
    expect(nodeOf('dax0.0')).toBe(0);
    expect(nodeOf('dax1.3')).toBe(1);
    expect(t.numaNodes[0]!.osDevices!.find((o) => o.name === 'dax0.0')!.kind).toBe('dax');
  });
});

/** One PCI function with one co-processor OSDev, as hwloc 1.x and 2.x write it. */
const coprocXml = (v2: boolean, type: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE topology SYSTEM "${v2 ? 'hwloc2.dtd' : 'hwloc.dtd'}">
<topology${v2 ? ' version="2.0"' : ''}>
  <object type="Machine" os_index="0" cpuset="0x00000001" complete_cpuset="0x00000001" ${v2 ? '' : 'online_cpuset="0x00000001" allowed_cpuset="0x00000001" '}nodeset="0x00000001" complete_nodeset="0x00000001" allowed_nodeset="0x00000001">
    <object type="${v2 ? 'Package' : 'Socket'}" os_index="0" cpuset="0x00000001" complete_cpuset="0x00000001" nodeset="0x00000001" complete_nodeset="0x00000001">
      <object type="PU" os_index="0" cpuset="0x00000001" complete_cpuset="0x00000001" nodeset="0x00000001" complete_nodeset="0x00000001"/>
    </object>
    <object type="Bridge" os_index="0" bridge_type="0-1" depth="0" bridge_pci="0000:[00-01]">
      <object type="PCIDev" os_index="4096" pci_busid="0000:01:00.0" pci_type="0302 [10de:1db4] [10de:1212] a1" pci_link_speed="0.000000">
        <object type="OSDev" name="${type === 'CUDA' ? 'cuda0' : 'mic0'}" ${v2 ? `subtype="${type}" ` : ''}osdev_type="5">
          ${v2 ? '' : `<info name="CoProcType" value="${type}"/>`}
        </object>
      </object>
    </object>
  </object>
</topology>
`;

describe('one kind per OS device whatever the hwloc version', () => {
  for (const [type, kind] of [['CUDA', 'gpu'], ['MIC', 'coproc']] as const) {
    it(`${type}: v1 osdev_type 5 + CoProcType is v2 subtype="${type}" (${kind})`, () => {
      const k = (v2: boolean) => snapshotFromHwlocXml(coprocXml(v2, type), 'c.xml').topology.pci.devices[0]!.osDevices[0]!.kind;
      expect(k(false)).toBe(kind);
      expect(k(true)).toBe(kind);
    });
  }
});

describe('sysfs DAX devices below no PCI function', () => {
  it('land on the node of the nearest numa_node on their path: dax0.0 on 0, dax1.3 on 1, as hwloc 2.9 places them', () => {
    const { root } = openArchiveFile(join(FX, 'linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2'));
    const t = snapshotFromRoot(root, 'archive', 'a').topology;
    const xml = readFileSync(join(FX, 'linux/32em64t-2n8c+dax+nvme+mic+dimms.whole-io.xml'), 'utf8');
    const fromXml = snapshotFromHwlocXml(xml, 'x.xml').topology;
    const nodeOf = (tt: typeof t, name: string) => tt.numaNodes.find((n) => n.osDevices?.some((o) => o.name === name))?.id;
    for (const name of ['dax0.0', 'dax1.3']) expect([name, nodeOf(t, name)]).toEqual([name, nodeOf(fromXml, name)]);
    // dax1.4 is bound to kmem: its memory became system RAM, hwloc lists no device for it, nor do we.
    expect(root.readLink('sys/bus/dax/devices/dax1.4/driver')).toMatch(/\/kmem$/);
    expect(nodeOf(t, 'dax1.4')).toBeUndefined();
    expect(nodeOf(fromXml, 'dax1.4')).toBeUndefined();
  });
});

describe('sysfs co-processor classes', () => {
  it('/sys/class/mic/mic0 attaches to the function its link goes through, which becomes an accelerator', () => {
    const { root } = openArchiveFile(join(FX, 'linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2'));
    const link = root.readLink('sys/class/mic/mic0');
    const owner = /([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])\/mic\/mic0$/.exec(link ?? '')?.[1];
    expect(owner).toBe('0000:83:00.0');
    const t = snapshotFromRoot(root, 'archive', 'a').topology;
    const d = t.pci.devices.find((x) => x.address === owner)!;
    expect(d.osDevices).toEqual([{ name: 'mic0', kind: 'coproc' }]);
    expect(d.roles).toContain('accelerator');
  });
});
