// Regressions for bugs the fuzz suite (tests/fuzz) found; each case is the smallest
// input that showed the bug.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { snapshotFromRoot } from '../../../electron/topology/load';
import { writeTar } from '../../../electron/topology/parse/tar';
import { openArchiveBytes } from '../../../electron/topology/sources/archive';
import { snapshotFromLspci } from '../../../electron/topology/sources/lspci';
import { MemRoot, type MemEntry } from '../../../electron/topology/sources/sysfs-root';
import { checkSnapshot } from '../../fuzz/harness';

const file = (s: string): MemEntry => ({ type: 'file', data: Buffer.from(s) });
const link = (target: string): MemEntry => ({ type: 'link', target });

describe('fuzz regressions', () => {
  it('a loop of two symlinks in an archive ends (was: RangeError, maximum call stack)', () => {
    const tar = writeTar([
      { path: 'cap/sys/bus/pci/devices/0000:00:01.0', type: 'symlink', linkTarget: '../../../devices/pci0000:00/0000:00:01.0' },
      { path: 'cap/sys/devices/pci0000:00/0000:00:01.0/vendor', type: 'file', data: Buffer.from('0x8086\n') },
      { path: 'cap/sys/devices/pci0000:00/0000:00:01.0/net', type: 'symlink', linkTarget: '/sys/a' },
      { path: 'cap/sys/a', type: 'symlink', linkTarget: 'b' },
      { path: 'cap/sys/b', type: 'symlink', linkTarget: '/sys/a' },
    ]);
    const a = openArchiveBytes(gzipSync(tar), 'loop.tar.gz');
    expect(a.root.readOptional('sys/a/x')).toBeNull();
    expect(a.root.list('sys/b')).toEqual([]);
    const t = snapshotFromRoot(a.root, 'archive', 'loop.tar.gz').topology;
    expect(t.pci.devices.map((d) => d.address)).toEqual(['0000:00:01.0']);
    checkSnapshot(t);
  });

  it('device links that make two functions each other\'s parent are cut, with a warning', () => {
    const tree = new Map<string, MemEntry>([
      ['sys/bus/pci/devices/0000:00:01.0', link('../../../devices/pci0000:00/0000:00:02.0/0000:00:01.0')],
      ['sys/bus/pci/devices/0000:00:02.0', link('../../../devices/pci0000:00/0000:00:01.0/0000:00:02.0')],
      ['sys/devices/pci0000:00/0000:00:02.0/0000:00:01.0/vendor', file('0x8086\n')],
      ['sys/devices/pci0000:00/0000:00:01.0/0000:00:02.0/vendor', file('0x8086\n')],
    ]);
    const t = snapshotFromRoot(new MemRoot(tree, 'x'), 'sysfs-dir', 'x').topology;
    expect(t.pci.devices.find((d) => d.address === '0000:00:01.0')!.parent).toBeNull();
    expect(t.pci.devices.find((d) => d.address === '0000:00:02.0')!.parent).toBe('0000:00:01.0');
    expect(t.diagnostics.some((d) => /parent links form a loop/.test(d.message))).toBe(true);
    checkSnapshot(t);
  });

  it('a parent bridge missing from the capture becomes null (was: an edge to nothing)', () => {
    const tree = new Map<string, MemEntry>([
      ['sys/bus/pci/devices/0000:01:00.0', link('../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0')],
      ['sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/vendor', file('0x8086\n')],
    ]);
    const t = snapshotFromRoot(new MemRoot(tree, 'x'), 'sysfs-dir', 'x').topology;
    expect(t.pci.devices[0]!.parent).toBeNull();
    checkSnapshot(t);
  });

  it('lspci: negative IOMMU group / NUMA node and damaged rev or prog-if are not copied into the model', () => {
    const text = [
      'Slot:\t0000:00:00.0',
      'Class:\tHost bridge [0600]',
      'Vendor:\tIntel Corporation [8086]',
      'Device:\tDRAM Controller [29c0]',
      'Rev:\t-785410305',
      'ProgIf:\t103219855',
      'IOMMUGroup:\t-2',
      'NUMANode:\t-1',
      '',
    ].join('\n');
    const { topology } = snapshotFromLspci(text, 'x.txt');
    const d = topology.pci.devices[0]!;
    expect(d.iommuGroup).toBeNull();
    expect(d.numaNode).toBeNull();
    expect(d.revision).toBeNull();
    expect(d.classCode).toBe('0x0600'); // the damaged prog-if is unknown, not 00
    checkSnapshot(topology);
  });
});

describe('hwloc XML: absurd os_index values (fuzz seed 612559413)', () => {
  it('skips a PU or NUMA node whose os_index no machine has, with a warning, and stays valid', async () => {
    const { snapshotFromHwlocXml } = await import('../../../electron/topology/sources/hwloc-xml');
    const { parseSnapshot } = await import('../../../electron/topology/sources/snapshot');
    const xml = `<topology version="2.0"><object type="Machine" os_index="0" cpuset="0x3" nodeset="0x1">
      <object type="Package" os_index="0" cpuset="0x3"><object type="NUMANode" os_index="2147483647" cpuset="0x3" nodeset="0x1"/>
      <object type="Core" os_index="0" cpuset="0x1"><object type="PU" os_index="0" cpuset="0x1"/></object>
      <object type="Core" os_index="1" cpuset="0x2"><object type="PU" os_index="2147483647" cpuset="0x2"/></object>
      </object></object></topology>`;
    const { topology, diagnostics } = snapshotFromHwlocXml(xml, 'absurd.xml');
    expect(topology.machine.cpus.map((c) => c.id)).toEqual([0]);
    expect(topology.numaNodes).toEqual([]);
    expect(diagnostics.some((d) => /PU os_index 2147483647 is beyond any real machine/.test(d.message))).toBe(true);
    expect(diagnostics.some((d) => /NUMA node os_index 2147483647/.test(d.message))).toBe(true);
    expect(() => parseSnapshot(JSON.stringify(topology), 'round-trip')).not.toThrow();
  });
});

describe('lspci: absurd link widths (fuzz seed 613759124)', () => {
  it('a LnkSta width no PCIe link has is unknown, and the snapshot stays valid', async () => {
    const { snapshotFromLspci } = await import('../../../electron/topology/sources/lspci');
    const { parseSnapshot } = await import('../../../electron/topology/sources/snapshot');
    const T = '\t';
    const text = [
      '0000:01:00.0 Ethernet controller [0200]: Intel Corporation 82574L Gigabit Network Connection [8086:10d3]',
      `${T}Capabilities: [e0] Express (v1) Endpoint, MSI 00`,
      `${T}${T}LnkCap:${T}Port #0, Speed 2.5GT/s, Width x916724180, ASPM L0s L1`,
      `${T}${T}LnkSta:${T}Speed 2.5GT/s, Width x916724180`,
      '',
    ].join('\n');
    const { topology } = snapshotFromLspci(text, 'wide.txt');
    const d = topology.pci.devices[0]!;
    expect(d.link?.width ?? null).toBeNull();
    expect(d.link?.maxWidth ?? null).toBeNull();
    expect(() => parseSnapshot(JSON.stringify(topology), 'round-trip')).not.toThrow();
  });
});

describe('link speeds no PCIe link has (fuzz seed 614280169)', () => {
  it('lspci: an odd rate is rounded like sysfs, an absurd one is unknown; the snapshot stays valid', async () => {
    const { normaliseSpeed } = await import('../../../electron/topology/parse/lspci');
    const { parseLinkSpeed } = await import('../../../electron/topology/parse/sysfs-values');
    expect(normaliseSpeed('2.7120451GT/s')).toBe('2.7 GT/s');
    expect(normaliseSpeed('999.99GT/s')).toBeNull();
    expect(normaliseSpeed('0GT/s')).toBeNull();
    expect(normaliseSpeed('16GT/s')).toBe('16 GT/s');
    expect(parseLinkSpeed('1000000 GT/s')).toBeNull();
    expect(parseLinkSpeed('32.0 GT/s PCIe')).toBe(32);
  });
});

describe('a huge single-value attribute read once per alias (fuzz seed 617848894)', () => {
  it('single values are read up to a page: 1,216 aliases of one function with a 100 KB driver_override', () => {
    const dir = 'sys/devices/pci0000:00/0000:00:1f.2';
    const tree = new Map<string, MemEntry>([
      [`${dir}/uevent`, file('PCI_CLASS=10601\nPCI_ID=8086:2922\nPCI_SLOT_NAME=0000:00:1f.2\n')],
      [`${dir}/driver_override`, file('9'.repeat(100_000))],
      [`${dir}/numa_node`, file('9'.repeat(100_000))],
      ['sys/bus/pci/devices/0000:00:1f.2', link(`../../../devices/pci0000:00/0000:00:1f.2`)],
    ]);
    for (let i = 0; i < 1216; i += 1) {
      const a = `0000:${(i >> 8).toString(16).padStart(2, '0')}:${((i >> 3) & 31).toString(16).padStart(2, '0')}.${i & 7}`;
      tree.set(`sys/bus/pci/devices/${a}`, link(`../../../devices/pci0000:00/0000:00:1f.2`));
    }
    const t = snapshotFromRoot(new MemRoot(tree, 'x'), 'sysfs-dir', 'x').topology;
    const real = t.pci.devices.find((d) => d.address === '0000:00:1f.2')!;
    // Was: 64 KiB of '9' per alias, 78 MB of strings for the garbage collector.
    expect(real.driverOverride!.length).toBeLessThanOrEqual(4096);
    expect(real.numaNode).toBeNull();
    expect(t.diagnostics.some((d) => d.path === `${dir}/numa_node` && /unrecognised value/.test(d.message))).toBe(true);
    checkSnapshot(t);
  });
});
