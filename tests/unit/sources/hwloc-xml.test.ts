import { describe, expect, it } from 'vitest';
import { InputError } from '../../../electron/topology/errors';
import { hwlocCpusetToList, snapshotFromHwlocXml } from '../../../electron/topology/sources/hwloc-xml';

const dev = (t: ReturnType<typeof snapshotFromHwlocXml>['topology'], a: string) => {
  const d = t.pci.devices.find((x) => x.address === a);
  if (!d) throw new Error(`no ${a}`);
  return d;
};

describe('hwlocCpusetToList', () => {
  it('turns hwloc bitmaps into kernel lists', () => {
    expect(hwlocCpusetToList('0x00ff00ff')).toBe('0-7,16-23');
    expect(hwlocCpusetToList('0x000000ff,0xffffffff')).toBe('0-39');
    expect(hwlocCpusetToList('0xffffffff,,0x0')).toBe('64-95');
    expect(hwlocCpusetToList('0x0')).toBe('');
    expect(hwlocCpusetToList('0xf...f,0x00000003')).toBe('0-1');
    expect(hwlocCpusetToList('garbage')).toBe('');
  });
});

describe('snapshotFromHwlocXml: v2 with memory-side NUMA nodes and a 32-bit PCI domain', () => {
  // Two packages; package 0 has DRAM + HBM memory children (same cpuset), package 1 a
  // plain node; a CXL-DRAM node hangs at Machine level. A host bridge in domain 10000.
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE topology SYSTEM "hwloc2.dtd">
<topology version="2.0">
  <object type="Machine" os_index="0" cpuset="0x0000000f" nodeset="0x0000000f">
    <info name="Architecture" value="x86_64"/>
    <info name="HostName" value="box"/>
    <info name="OSRelease" value="6.8.0"/>
    <object type="NUMANode" os_index="3" cpuset="0x0000000f" nodeset="0x00000008" local_memory="1073741824" subtype="CXL-DRAM"/>
    <object type="Package" os_index="0" cpuset="0x00000003" nodeset="0x00000003">
      <info name="CPUModel" value="Test CPU"/>
      <object type="NUMANode" os_index="0" cpuset="0x00000003" nodeset="0x00000001" local_memory="4294967296" subtype="DRAM"/>
      <object type="NUMANode" os_index="1" cpuset="0x00000003" nodeset="0x00000002" local_memory="2147483648" subtype="HBM"/>
      <object type="Core" os_index="0" cpuset="0x00000003"><object type="PU" os_index="0" cpuset="0x00000001"/><object type="PU" os_index="1" cpuset="0x00000002"/></object>
      <object type="Bridge" bridge_type="0-1" depth="0" bridge_pci="10000:[00-01]">
        <object type="Bridge" bridge_type="1-1" depth="1" bridge_pci="10000:[01-01]" pci_busid="10000:00:02.0" pci_type="0604 [8086:2030] [0000:0000] 04" pci_link_speed="0.000000">
          <object type="PCIDev" pci_busid="10000:01:00.0" pci_type="0108 [144d:a808] [144d:a801] 00" pci_link_speed="3.938462">
            <object type="OSDev" name="nvme0n1" subtype="Disk" osdev_type="0"/>
          </object>
        </object>
      </object>
    </object>
    <object type="Package" os_index="1" cpuset="0x0000000c" nodeset="0x00000004">
      <object type="NUMANode" os_index="2" cpuset="0x0000000c" nodeset="0x00000004" local_memory="4294967296"/>
      <object type="Core" os_index="0" cpuset="0x0000000c"><object type="PU" os_index="2" cpuset="0x00000004"/><object type="PU" os_index="3" cpuset="0x00000008"/></object>
    </object>
  </object>
  <distances2 type="NUMANode" nbobjs="4" kind="5" name="NUMALatency" indexing="os">
    <indexes length="8">3 0 1 2 </indexes>
    <u64values length="60">10 20 20 20 20 10 11 21 20 11 10 21 20 21 21 10 </u64values>
  </distances2>
</topology>`;
  const { topology: t, diagnostics } = snapshotFromHwlocXml(xml, 'm.xml');

  it('fills machine facts from infos', () => {
    expect(t.source).toEqual({ kind: 'hwloc-xml', name: 'm.xml' });
    expect(t.machine).toMatchObject({ hostname: 'box', arch: 'x86_64', kernel: '6.8.0', cpuModel: 'Test CPU' });
    expect(t.machine.cpus.map((c) => [c.id, c.node, c.package, c.core])).toEqual([
      [0, 0, 0, 0],
      [1, 0, 0, 0],
      [2, 2, 1, 0],
      [3, 2, 1, 0],
    ]);
  });

  it('puts the CPUs in the DRAM node and marks HBM / CXL nodes with their kinds', () => {
    const byId = new Map(t.numaNodes.map((n) => [n.id, n]));
    expect(t.numaNodes.map((n) => n.id)).toEqual([0, 1, 2, 3]);
    expect(byId.get(0)).toMatchObject({ cpus: '0-1', kind: 'dram', memoryBytes: 4294967296 });
    expect(byId.get(1)).toMatchObject({ cpus: '', kind: 'hbm' });
    expect(byId.get(2)).toMatchObject({ cpus: '2-3', kind: 'dram' });
    expect(byId.get(3)).toMatchObject({ cpus: '', kind: 'cxl' });
  });

  it('reorders the distance matrix into ascending node ids', () => {
    // matrix indexes are 3 0 1 2; row for node 0 is the second row: 20 10 11 21
    // → columns in id order 0,1,2,3: 10 11 21 20
    expect(t.numaNodes.find((n) => n.id === 0)!.distances).toEqual([10, 11, 21, 20]);
    expect(t.numaNodes.find((n) => n.id === 3)!.distances).toEqual([20, 20, 20, 10]);
  });

  it('keeps wide PCI domains in addresses and host bridge ids', () => {
    expect(t.pci.hostBridges).toEqual([
      { id: 'pci10000:00', domain: '10000', bus: '00', numaNode: null, localCpus: '0-1', behind: null },
    ]);
    const rp = dev(t, '10000:00:02.0');
    expect(rp).toMatchObject({ parent: null, hostBridge: 'pci10000:00', portKind: 'root-port', secondaryBus: 1, subordinateBus: 1 });
    const nv = dev(t, '10000:01:00.0');
    expect(nv).toMatchObject({
      parent: '10000:00:02.0',
      hostBridge: 'pci10000:00',
      vendorId: '0x144d',
      deviceId: '0xa808',
      subsystemVendorId: '0x144d',
      subsystemDeviceId: '0xa801',
      revision: '0x00',
      classCode: '0x010802', // v2 drops the prog-if; the nvme block device pins it
      link: null,
      driver: null,
      iommuGroup: null,
      sriov: null,
      localityRule: 'imported',
      localCpus: '0-1',
    });
    // package 0 spans nodes 0 and 1 (DRAM + HBM): no single node to name
    expect(nv.numaNode).toBeNull();
    expect(nv.osDevices).toEqual([{ name: 'nvme0n1', kind: 'block', attrs: { subtype: 'Disk' } }]);
  });

  it('says once that link speed/width are not in the format', () => {
    const link = diagnostics.filter((d) => /link bandwidth/.test(d.message));
    expect(link).toHaveLength(1);
    expect(link[0]!.severity).toBe('info');
    expect(link[0]!.message).toMatch(/10000:01:00\.0 = 3\.938462 GB\/s/);
    expect(t.diagnostics).toEqual(diagnostics);
  });
});

describe('snapshotFromHwlocXml: v1', () => {
  const v1 = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE topology SYSTEM "hwloc.dtd">
<topology>
  <object type="Machine" os_index="0" cpuset="0x0000000f" nodeset="0x00000007" local_memory="0">
    <info name="HostName" value="old"/>
    <object type="NUMANode" os_index="0" cpuset="0x00000003" nodeset="0x00000001" local_memory="1000">
      <object type="Socket" os_index="0" cpuset="0x00000003" nodeset="0x00000001">
        <object type="Core" os_index="0" cpuset="0x00000003"><object type="PU" os_index="0" cpuset="0x00000001"/><object type="PU" os_index="1" cpuset="0x00000002"/></object>
      </object>
      <object type="Bridge" os_index="0" bridge_type="0-1" depth="0" bridge_pci="0000:[00-02]">
        <object type="Bridge" os_index="16" bridge_type="1-1" depth="1" bridge_pci="0000:[01-02]" pci_busid="0000:00:01.0" pci_type="0604 [8086:3c02] [0000:0000] 07" pci_link_speed="0.000000">
          <object type="Bridge" os_index="4096" bridge_type="1-1" depth="2" bridge_pci="0000:[02-02]" pci_busid="0000:01:00.0" pci_type="0604 [10b5:8747] [0000:0000] ca" pci_link_speed="0.000000">
            <object type="PCIDev" os_index="8192" pci_busid="0000:02:00.0" pci_type="0207 [15b3:1013] [15b3:0013] 00" pci_link_speed="0.000000">
              <object type="OSDev" name="ib0" osdev_type="2"/>
              <object type="OSDev" name="mlx5_0" osdev_type="3"/>
              <object type="OSDev" name="card0" osdev_type="1"/>
              <object type="OSDev" name="dma0chan0" osdev_type="4"/>
              <object type="OSDev" name="mic0" osdev_type="5"/>
            </object>
          </object>
        </object>
      </object>
    </object>
    <object type="NUMANode" os_index="1" cpuset="0x0000000c" nodeset="0x00000002" local_memory="2000">
      <object type="Socket" os_index="1" cpuset="0x0000000c" nodeset="0x00000002">
        <object type="Core" os_index="0" cpuset="0x0000000c"><object type="PU" os_index="2" cpuset="0x00000004"/><object type="PU" os_index="3" cpuset="0x00000008"/></object>
      </object>
    </object>
    <object type="NUMANode" os_index="2" cpuset="0x0" nodeset="0x00000004" local_memory="3000"/>
    <distances nbobjs="3" relative_depth="1" latency_base="10.000000">
      <latency value="1.0"/><latency value="2.0"/><latency value="3.0"/>
      <latency value="2.0"/><latency value="1.0"/><latency value="3.0"/>
      <latency value="3.0"/><latency value="3.0"/><latency value="1.0"/>
    </distances>
  </object>
</topology>`;
  const { topology: t } = snapshotFromHwlocXml(v1, 'v1.xml');

  it('reads NUMA nodes from the main tree, a CPU-less one included', () => {
    expect(t.numaNodes.map((n) => [n.id, n.cpus, n.memoryBytes, n.kind])).toEqual([
      [0, '0-1', 1000, 'dram'],
      [1, '2-3', 2000, 'dram'],
      [2, '', 3000, 'cpuless'],
    ]);
    expect(t.numaNodes[2]!.distances).toEqual([30, 30, 10]);
    expect(t.machine.hostname).toBe('old');
    expect(t.machine.cpus.map((c) => c.package)).toEqual([0, 0, 1, 1]);
  });

  it('builds the bridge chain and port kinds by shape', () => {
    expect(dev(t, '0000:00:01.0')).toMatchObject({ parent: null, portKind: 'root-port', hostBridge: 'pci0000:00' });
    // A bridge below a root port with no bridges below it is a plain PCI bridge (like an
    // AST1150 PCIe-to-PCI bridge), not a switch: a switch has downstream ports.
    expect(dev(t, '0000:01:00.0')).toMatchObject({ parent: '0000:00:01.0', portKind: 'pci-bridge' });
    expect(dev(t, '0000:02:00.0')).toMatchObject({ parent: '0000:01:00.0', portKind: 'endpoint', numaNode: 0, localCpus: '0-1' });
  });

  it('maps the v1/v2 osdev_type enum', () => {
    expect(dev(t, '0000:02:00.0').osDevices.map((o) => [o.name, o.kind])).toEqual([
      ['ib0', 'net'],
      ['mlx5_0', 'rdma'],
      ['card0', 'gpu'],
      ['dma0chan0', 'dma'],
      ['mic0', 'coproc'], // osdev_type 5 = HWLOC_OBJ_OSDEV_COPROC
    ]);
  });
});

describe('snapshotFromHwlocXml: v3 osdev_type bitmask', () => {
  const v3 = `<topology version="3.0"><object type="Machine" cpuset="0x1" nodeset="0x1">
    <object type="NUMANode" os_index="0" cpuset="0x1" nodeset="0x1" local_memory="1"/>
    <object type="PU" os_index="0" cpuset="0x1"/>
    <object type="Bridge" bridge_type="0-1" depth="0" bridge_pci="0000:[00-00]">
      <object type="PCIDev" pci_busid="0000:00:01.0" pci_type="0200 [15b3:101b] [15b3:0007] 00 00" pci_link_speed="0">
        <object type="OSDev" name="ens1" osdev_type="16"/>
        <object type="OSDev" name="mlx5_0" osdev_type="48"/>
        <object type="OSDev" name="cuda0" subtype="CUDA" osdev_type="12"/>
        <object type="OSDev" name="card1" osdev_type="4"/>
        <object type="OSDev" name="dma0chan0" osdev_type="64"/>
        <object type="OSDev" name="sda" osdev_type="1"/>
        <object type="OSDev" name="mem0" subtype="CXLMem" osdev_type="3"><info name="CXLRAMSize" value="262144KiB"/></object>
        <object type="OSDev" name="dax1.0" osdev_type="2"><info name="DAXType" value="SPM"/></object>
      </object>
    </object></object></topology>`;
  const { topology: t } = snapshotFromHwlocXml(v3, 'v3.xml');
  it('decodes bits, not the old enum', () => {
    expect(dev(t, '0000:00:01.0').osDevices.map((o) => [o.name, o.kind])).toEqual([
      ['ens1', 'net'],
      ['mlx5_0', 'rdma'],
      ['cuda0', 'gpu'],
      ['card1', 'gpu'],
      ['dma0chan0', 'dma'],
      ['sda', 'block'],
      ['mem0', 'cxl'],
      ['dax1.0', 'dax'],
    ]);
  });
  it('lists CXLMem OS devices as CXL memdevs of their PCI function', () => {
    expect(t.cxl.memdevs).toEqual([
      { name: 'mem0', pciAddress: '0000:00:01.0', ramBytes: 268435456, pmemBytes: null, numaNode: null, serial: null },
    ]);
  });
  it('uses the v3 prog-if field', () => {
    expect(dev(t, '0000:00:01.0').classCode).toBe('0x020000');
  });
});

describe('snapshotFromHwlocXml: problems in the data', () => {
  it('throws InputError, naming the line, on malformed XML', () => {
    expect(() => snapshotFromHwlocXml('<topology version="2.0">\n<object type="Machine">\n', 'bad.xml')).toThrow(InputError);
    let caught: unknown = null;
    try {
      snapshotFromHwlocXml('<topology version="2.0">\n<object type="Machine"></object', 'bad.xml');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).path).toMatch(/^bad\.xml:\d+$/);
    expect((caught as InputError).message).toMatch(/line \d+, column \d+/);
  });

  it('throws InputError on entity tricks', () => {
    expect(() => snapshotFromHwlocXml('<!DOCTYPE t [<!ENTITY a "b">]><topology/>', 'e.xml')).toThrow(/DOCTYPE/);
  });

  it('warns on a duplicate PCI address and on a device outside its bridge bus range', () => {
    const xml = `<topology version="2.0"><object type="Machine" cpuset="0x1" nodeset="0x1">
      <object type="Bridge" bridge_type="0-1" depth="0" bridge_pci="0000:[00-05]">
        <object type="Bridge" bridge_type="1-1" depth="1" bridge_pci="0000:[05-05]" pci_busid="0000:00:01.0" pci_type="0604 [8086:3c02] [0000:0000] 07">
          <object type="PCIDev" pci_busid="0000:04:00.0" pci_type="0200 [8086:1521] [0000:0000] 01"/>
        </object>
        <object type="PCIDev" pci_busid="0000:00:01.0" pci_type="0200 [8086:1521] [0000:0000] 01"/>
      </object></object></topology>`;
    const { topology: t, diagnostics } = snapshotFromHwlocXml(xml, 'd.xml');
    expect(t.pci.devices.map((d) => d.address)).toEqual(['0000:00:01.0', '0000:04:00.0']);
    expect(diagnostics.filter((d) => d.severity === 'warning').map((d) => [d.path, d.address])).toEqual([
      ['d.xml:4', '0000:04:00.0'],
      ['d.xml:6', '0000:00:01.0'],
    ]);
  });

  it('keeps OS devices that hang outside any PCI function (on the machine when no single NUMA node is theirs)', () => {
    const xml = `<topology version="2.0"><object type="Machine" cpuset="0x1"><object type="OSDev" name="vda" osdev_type="0"/></object></topology>`;
    const { topology } = snapshotFromHwlocXml(xml, 'o.xml');
    expect(topology.machine.osDevices).toEqual([{ name: 'vda', kind: 'block' }]);
  });
});
