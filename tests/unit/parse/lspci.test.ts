// Unit tests of the lspci text parser and snapshot builder: each output format, mixed files,
// and hostile input (binary junk, truncation, a 100 MB line, lspci's own error text).
import { describe, expect, it } from 'vitest';
import { MAX_LINE_LENGTH, normaliseSpeed, parseLspci } from '../../../electron/topology/parse/lspci';
import { snapshotFromLspci } from '../../../electron/topology/sources/lspci';

const T = '\t';
const lines = (...l: string[]): string => `${l.join('\n')}\n`;

// Real lspci 3.9.0 output over fixtures/hwloc/linux/40intel64-2g2n4c+pcilocality (trimmed).
const VVV_D_K = lines(
  '0000:00:00.0 Host bridge [0600]: Intel Corporation 5520/5500/X58 I/O Hub to ESI Port [8086:3407] (rev 22)',
  `${T}Subsystem: Dell 5520/5500/X58 I/O Hub to ESI Port [1028:02d3]`,
  `${T}Control: I/O- Mem- BusMaster- SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR- FastB2B- DisINTx-`,
  `${T}Interrupt: pin A routed to IRQ 15`,
  `${T}Capabilities: <access denied>`,
  '',
  '0000:00:03.0 PCI bridge [0604]: Intel Corporation 5520/5500/X58 I/O Hub PCI Express Root Port 3 [8086:340a] (rev 22) (prog-if 00 [Normal decode])',
  `${T}Latency: 0, Cache Line Size: 64 bytes`,
  `${T}Bus: primary=00, secondary=01, subordinate=01, sec-latency=0`,
  `${T}I/O behind bridge: 7000-7fff [size=4K] [16-bit]`,
  `${T}BridgeCtl: Parity+ SERR+ NoISA+ VGA- VGA16- MAbort- >Reset- FastB2B-`,
  `${T}${T}PriDiscTmr- SecDiscTmr- DiscTmrStat- DiscTmrSERREn-`,
  `${T}Capabilities: <access denied>`,
  `${T}Kernel driver in use: pcieport`,
  '',
  '0000:01:00.0 RAID bus controller [0104]: Broadcom / LSI MegaRAID SAS 2108 [Liberator] [1000:0079] (rev 05)',
  `${T}DeviceName: Integrated RAID                         `,
  `${T}Subsystem: Dell PERC H700 Integrated [1028:1f17]`,
  `${T}NUMA node: 1`,
  `${T}Region 0: I/O ports at 7c00 [size=256]`,
  `${T}Expansion ROM at cf100000 [disabled] [size=256K]`,
  `${T}Capabilities: <access denied>`,
  `${T}Kernel driver in use: megaraid_sas`,
  '',
);

const TV = lines(
  '-+-[0000:00]-+-00.0  Intel Corporation 5520/5500/X58 I/O Hub to ESI Port',
  ' |           +-03.0-[01]----00.0  Broadcom / LSI MegaRAID SAS 2108 [Liberator]',
  ' |           +-05.0-[02]--+-00.0  Broadcom Inc. and subsidiaries NetXtreme II BCM5709 Gigabit Ethernet',
  ' |           |            \\-00.1  Broadcom Inc. and subsidiaries NetXtreme II BCM5709 Gigabit Ethernet',
  ' |           +-07.0-[04]--',
  ' |           +-1c.0-[04-05]----00.0-[05]----00.0  ASPEED Technology, Inc. ASPEED Graphics Family',
  ' |           \\-1f.2  Intel Corporation 82801JI (ICH10 Family) 4 port SATA IDE Controller #1',
  ' \\-[0000:40]-+-01.0-[42]--',
  '             +-03.0-[43]----00.0  QLogic Corp. IBA7322 QDR InfiniBand HCA',
  '             \\-14.2  Intel Corporation 7500/5520/5500/X58 I/O Hub Control Status and RAS Registers',
);

describe('parseLspci: verbose (-vvv -nn -D -k)', () => {
  const r = parseLspci(VVV_D_K, 'x.txt');
  it('reads headers, IDs, class, prog-if, rev and fields', () => {
    expect(r.diagnostics).toEqual([]);
    expect(r.format).toEqual(['verbose', 'numeric', 'domains', 'kernel']);
    expect(r.records.map((x) => x.address)).toEqual(['0000:00:00.0', '0000:00:03.0', '0000:01:00.0']);
    const raid = r.records[2]!;
    expect(raid).toMatchObject({
      className: 'RAID bus controller',
      classId: '0104',
      nameText: 'Broadcom / LSI MegaRAID SAS 2108 [Liberator]',
      vendorId: '1000',
      deviceId: '0079',
      revision: '05',
      subsystemVendorId: '1028',
      subsystemDeviceId: '1f17',
      label: 'Integrated RAID',
      numaNode: 1,
      driver: 'megaraid_sas',
      capsDenied: true,
    });
    const rp = r.records[1]!;
    expect(rp).toMatchObject({ progIf: '00', progIfName: 'Normal decode', primaryBus: 0, secondaryBus: 1, subordinateBus: 1, driver: 'pcieport' });
  });

  it('normalises a missing domain to 0000 and keeps wide domains', () => {
    const x = parseLspci(lines('00:1f.3 SMBus [0c05]: Intel Corporation Device [8086:43a3] (rev 11)', '10000:00:04.0 SCSI storage controller [0100]: Red Hat, Inc. Virtio block device [1af4:1001]'));
    expect(x.records.map((y) => y.address)).toEqual(['0000:00:1f.3', '10000:00:04.0']);
    expect(x.format).toContain('oneline');
  });
});

describe('parseLspci: link status flavours and capabilities', () => {
  const dev = (body: string[]) =>
    parseLspci(lines('00:01.0 PCI bridge [0604]: Ampere Computing, LLC Altra PCI Express Root Port a0 [1def:e101] (rev 04) (prog-if 00 [Normal decode])', ...body)).records[0]!;

  it('old one-line LnkSta (no tags, flags on the same line)', () => {
    const d = dev([
      `${T}Capabilities: [40] Express (v2) Endpoint, MSI 00`,
      `${T}${T}LnkCap:${T}Port #0, Speed 8GT/s, Width x16, ASPM not supported, Exit Latency L0s unlimited, L1 unlimited`,
      `${T}${T}${T}ClockPM- Surprise- LLActRep- BwNot- ASPMOptComp+`,
      `${T}${T}LnkSta:${T}Speed 8GT/s, Width x16, TrErr- Train- SlotClk- DLActive- BWMgmt- ABWMgmt-`,
    ]);
    expect(d.expressType).toBe('Endpoint');
    expect(d.lnkCap).toEqual({ speed: '8 GT/s', width: 16, llActRep: false });
    expect(d.lnkSta).toEqual({ speed: '8 GT/s', width: 16, speedTag: null, widthTag: null, dlActive: false });
  });

  it('Ubuntu 18-22 "(ok)/(downgraded)" tags and "Speed unknown"', () => {
    const d = dev([
      `${T}Capabilities: [90] Express (v2) Root Port (Slot-), MSI 00`,
      `${T}${T}LnkCap:${T}Port #0, Speed 8GT/s, Width x4, ASPM not supported`,
      `${T}${T}LnkSta:${T}Speed unknown (downgraded), Width x0 (downgraded)`,
      `${T}${T}${T}TrErr- Train- SlotClk- DLActive- BWMgmt- ABWMgmt-`,
    ]);
    expect(d.expressType).toBe('Root Port');
    expect(d.expressSlot).toBe(false);
    expect(d.lnkSta).toEqual({ speed: null, width: 0, speedTag: 'downgraded', widthTag: 'downgraded', dlActive: false });
  });

  it('newest style: tag only on the reduced part', () => {
    const d = dev([
      `${T}Capabilities: [70] Express (v2) Root Port (Slot+), MSI 00`,
      `${T}${T}LnkCap:${T}Port #0, Speed 16GT/s, Width x16, ASPM L1`,
      `${T}${T}${T}ClockPM- Surprise+ LLActRep+ BwNot+ ASPMOptComp+`,
      `${T}${T}LnkSta:${T}Speed 16GT/s, Width x4 (downgraded)`,
      `${T}${T}${T}TrErr- Train- SlotClk+ DLActive+ BWMgmt+ ABWMgmt-`,
    ]);
    expect(d.lnkCap).toEqual({ speed: '16 GT/s', width: 16, llActRep: true });
    expect(d.lnkSta).toEqual({ speed: '16 GT/s', width: 4, speedTag: null, widthTag: 'downgraded', dlActive: true });
  });

  it('SR-IOV, ACS, AER, CXL DVSEC, bridge subsystem capability', () => {
    const d = dev([
      `${T}Capabilities: [90] Subsystem: ASRock Incorporation Device [1849:43b8]`,
      `${T}Capabilities: [100 v1] Advanced Error Reporting`,
      `${T}${T}UESta:${T}DLP- SDES- TLP-`,
      `${T}Capabilities: [160 v1] Single Root I/O Virtualization (SR-IOV)`,
      `${T}${T}IOVCap:${T}Migration-, Interrupt Message Number: 000`,
      `${T}${T}Initial VFs: 64, Total VFs: 64, Number of VFs: 2, Function Dependency Link: 00`,
      `${T}${T}VF offset: 16, stride: 1, Device ID: 154c`,
      `${T}Capabilities: [1d0 v1] Access Control Services`,
      `${T}Capabilities: [200 v1] Designated Vendor-Specific: Vendor=1e98 ID=0000 Rev=1 Len=56: CXL`,
      `${T}Capabilities: [238 v1] Designated Vendor-Specific: Vendor=0001 ID=0000 Rev=1 Len=64 <?>`,
    ]);
    expect(d.subsystemVendorId).toBe('1849');
    expect(d.aer).toBe(true);
    expect(d.acs).toBe(true);
    expect(d.sriov).toEqual({ initialVfs: 64, totalVfs: 64, numVfs: 2, vfOffset: 16, vfStride: 1, vfDeviceId: '154c' });
    expect(d.cxlDvsecs).toEqual(['0000']);
  });

  it('every Express port type', () => {
    for (const t of ['Root Port', 'Upstream Port', 'Downstream Port', 'Endpoint', 'Legacy Endpoint', 'Root Complex Integrated Endpoint', 'PCI-Express to PCI/PCI-X Bridge']) {
      const d = dev([`${T}Capabilities: [40] Express (v1) ${t}, MSI 00`]);
      expect(d.expressType).toBe(t);
    }
    expect(dev([`${T}Capabilities: [40] Express (v2) Downstream Port (Slot+), IntMsgNum 0`]).expressType).toBe('Downstream Port');
  });

  it('speed normalisation', () => {
    expect(normaliseSpeed('2.5GT/s')).toBe('2.5 GT/s');
    expect(normaliseSpeed('8GT/s')).toBe('8 GT/s');
    expect(normaliseSpeed('16 GT/s')).toBe('16 GT/s');
    expect(normaliseSpeed('unknown')).toBeNull();
  });
});

describe('parseLspci: -vmm, -mm, -n, -v', () => {
  it('-vmm -nn -D -k stanzas (real lspci 3.9 output)', () => {
    const r = parseLspci(
      lines(
        'Slot:\t0000:00:03.0', 'Class:\tPCI bridge [0604]', 'Vendor:\tIntel Corporation [8086]',
        'Device:\t5520/5500/X58 I/O Hub PCI Express Root Port 3 [340a]', 'Rev:\t22', 'ProgIf:\t00', 'Driver:\tpcieport', '',
        'Slot:\t0000:01:00.0', 'Class:\tRAID bus controller [0104]', 'Vendor:\tBroadcom / LSI [1000]',
        'Device:\tMegaRAID SAS 2108 [Liberator] [0079]', 'SVendor:\tDell [1028]', 'SDevice:\tPERC H700 Integrated [1f17]',
        'Rev:\t05', 'ProgIf:\t00', 'Driver:\tmegaraid_sas', 'Module:\tmegaraid_sas', 'NUMANode:\t1', 'IOMMUGroup:\t7', '',
      ),
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.format).toEqual(['vmm', 'domains']);
    expect(r.records[1]).toMatchObject({
      address: '0000:01:00.0', classId: '0104', vendorName: 'Broadcom / LSI', vendorId: '1000',
      deviceName: 'MegaRAID SAS 2108 [Liberator]', deviceId: '0079', subsystemVendorId: '1028', revision: '05',
      driver: 'megaraid_sas', modules: ['megaraid_sas'], numaNode: 1, iommuGroup: 7,
    });
  });

  it('-mm and -n one-liners', () => {
    const r = parseLspci(lines(
      '01:00.0 "RAID bus controller [0104]" "Broadcom / LSI [1000]" "MegaRAID SAS 2108 [Liberator] [0079]" -r05 -p00 "Dell [1028]" "PERC H700 Integrated [1f17]"',
      '02:00.0 0200: 14e4:1639 (rev 20)',
    ));
    expect(r.records[0]).toMatchObject({ source: 'mm', vendorId: '1000', deviceId: '0079', revision: '05', progIf: '00', subsystemDeviceId: '1f17' });
    expect(r.records[1]).toMatchObject({ source: 'oneline', classId: '0200', vendorId: '14e4', deviceId: '1639', revision: '20' });
  });

  it('-v puts NUMA node and IOMMU group in Flags', () => {
    const r = parseLspci(lines(
      '01:00.0 Ethernet controller: Intel Corporation I350 Gigabit Network Connection (rev 01)',
      `${T}Flags: bus master, fast devsel, latency 0, IRQ 16, NUMA node 1, IOMMU group 30`,
      `${T}Kernel driver in use: igb`,
    ));
    expect(r.records[0]).toMatchObject({ numaNode: 1, iommuGroup: 30, driver: 'igb', vendorId: null, className: 'Ethernet controller' });
  });
});

describe('parseLspci: -x hex dumps fill what the text lacks', () => {
  it('IDs, class and subsystem from a real `lspci -x` (no -nn) dump', () => {
    const r = parseLspci(lines(
      '00:03.0 Ethernet controller: Red Hat, Inc. Virtio 1.0 network device (rev 01)',
      `${T}Subsystem: Red Hat, Inc. Virtio 1.0 network device`,
      '00: f4 1a 41 10 06 04 10 00 01 00 00 02 00 00 00 00',
      '10: 04 00 10 00 40 00 00 00 00 00 00 00 00 00 00 00',
      '20: 00 00 00 00 00 00 00 00 00 00 00 00 f4 1a 41 10',
      '30: 00 00 00 00 40 00 00 00 00 00 00 00 00 00 00 00',
      '',
      '00:1c.0 PCI bridge: Intel Corporation 5520/5500/X58 I/O Hub PCI Express Root Port 3 (rev 22)',
      '00: 86 80 0a 34 47 05 10 00 22 00 04 06 10 00 01 00',
      '10: 00 00 00 00 00 00 00 00 00 01 01 00 70 70 00 00',
      '',
    ), 'x.txt');
    expect(r.diagnostics).toEqual([]);
    expect(r.format).toContain('hexdump');
    expect(r.records[0]).toMatchObject({ vendorId: '1af4', deviceId: '1041', classId: '0200', revision: '01', subsystemVendorId: '1af4', subsystemDeviceId: '1041' });
    // A type-1 header: bridge bus numbers from bytes 0x18-0x1a.
    expect(r.records[1]).toMatchObject({ vendorId: '8086', deviceId: '340a', classId: '0604', primaryBus: 0, secondaryBus: 1, subordinateBus: 1 });
  });

  it('PCIe capability from a 256-byte dump: port type and link', () => {
    const cfg = new Array<number>(256).fill(0);
    const put16 = (o: number, v: number) => { cfg[o] = v & 0xff; cfg[o + 1] = v >> 8; };
    put16(0, 0x8086); put16(2, 0x4c01); cfg[0x0a] = 0x04; cfg[0x0b] = 0x06; cfg[0x0e] = 0x01;
    cfg[0x06] = 0x10; cfg[0x34] = 0x40; cfg[0x18] = 0; cfg[0x19] = 1; cfg[0x1a] = 1;
    cfg[0x40] = 0x10; cfg[0x41] = 0x00; put16(0x42, 0x0142); // PCIe cap v2, Root Port (4), slot
    put16(0x4c, 0x0104); put16(0x4e, 0x0010); // LnkCap: 16 GT/s (4), x16; LLActRep (bit 20)
    put16(0x52, 0x2044); // LnkSta: 16 GT/s, x4, DLActive (bit 13)
    const dump = Array.from({ length: 16 }, (_, row) =>
      `${(row * 16).toString(16).padStart(2, '0')}: ${cfg.slice(row * 16, row * 16 + 16).map((b) => b.toString(16).padStart(2, '0')).join(' ')}`);
    const r = parseLspci(lines('00:01.0 PCI bridge: Intel Corporation Device 4c01', ...dump));
    expect(r.records[0]).toMatchObject({
      vendorId: '8086', deviceId: '4c01', classId: '0604', secondaryBus: 1, subordinateBus: 1,
      expressType: 'Root Port', expressSlot: true,
      lnkCap: { speed: '16 GT/s', width: 16, llActRep: true },
      lnkSta: { speed: '16 GT/s', width: 4, dlActive: true },
    });
  });
});

describe('parseLspci: -t trees', () => {
  it('rebuilds parents from a multi-root -tv tree, bridges with ranges, empty bridges', () => {
    const r = parseLspci(TV, 'tv.txt');
    expect(r.diagnostics).toEqual([]);
    expect(r.format).toEqual(['tree']);
    const p = Object.fromEntries((r.tree ?? []).map((e) => [e.address, e.parent]));
    expect(p).toEqual({
      '0000:00:00.0': null,
      '0000:00:03.0': null,
      '0000:01:00.0': '0000:00:03.0',
      '0000:00:05.0': null,
      '0000:02:00.0': '0000:00:05.0',
      '0000:02:00.1': '0000:00:05.0',
      '0000:00:07.0': null,
      '0000:00:1c.0': null,
      '0000:04:00.0': '0000:00:1c.0',
      '0000:05:00.0': '0000:04:00.0',
      '0000:00:1f.2': null,
      '0000:40:01.0': null,
      '0000:40:03.0': null,
      '0000:43:00.0': '0000:40:03.0',
      '0000:40:14.2': null,
    });
    const br = r.tree!.find((e) => e.address === '0000:00:1c.0')!;
    expect([br.secondaryBus, br.subordinateBus]).toEqual([4, 5]);
    expect(r.tree!.find((e) => e.address === '0000:43:00.0')!.rootBus).toBe('0000:40');
    expect(r.tree!.find((e) => e.address === '0000:43:00.0')!.nameText).toBe('QLogic Corp. IBA7322 QDR InfiniBand HCA');
  });

  it('single root, -tvnn IDs, 32-bit domain', () => {
    const r = parseLspci(lines(
      '-[0000:00]-+-00.0  Intel Corporation 440FX - 82441FX PMC [Natoma] [8086:1237]',
      '           \\-03.0  Red Hat, Inc. Virtio network device [1af4:1000]',
      '-[10000:00]---04.0  Red Hat, Inc. Virtio block device [1af4:1001]',
    ));
    expect(r.tree!.map((e) => [e.address, e.vendorId, e.deviceId])).toEqual([
      ['0000:00:00.0', '8086', '1237'],
      ['0000:00:03.0', '1af4', '1000'],
      ['10000:00:04.0', '1af4', '1001'],
    ]);
    expect(r.format).toEqual(['tree', 'numeric']);
  });

  it('-tv followed by -vvv in one file is combined and agrees', () => {
    const s = snapshotFromLspci(`${TV}\n${VVV_D_K}`, 'mixed.txt');
    const r = parseLspci(`${TV}\n${VVV_D_K}`);
    expect(r.format).toEqual(['tree', 'verbose', 'numeric', 'domains', 'kernel']);
    const devs = s.topology.pci.devices;
    expect(devs.length).toBe(15);
    const raid = devs.find((d) => d.address === '0000:01:00.0')!;
    expect(raid).toMatchObject({ parent: '0000:00:03.0', driver: 'megaraid_sas', vendorId: '0x1000', numaNode: 1 });
    expect(s.diagnostics.filter((d) => /under/.test(d.message))).toEqual([]);
  });
});

describe('snapshotFromLspci: building the model', () => {
  it('bus ranges give parents, root buses give host bridges, domains keep buses apart', () => {
    const text = lines(
      '0000:00:01.0 PCI bridge [0604]: Ampere Computing, LLC Altra PCI Express Root Port a0 [1def:e101] (rev 04) (prog-if 00 [Normal decode])',
      `${T}NUMA node: 0`,
      `${T}Bus: primary=00, secondary=01, subordinate=01, sec-latency=0`,
      `${T}Capabilities: [70] Express (v2) Root Port (Slot+), MSI 00`,
      '',
      '0000:01:00.0 VGA compatible controller [0300]: NVIDIA Corporation GA102 [GeForce RTX 3090] [10de:2204] (rev a1) (prog-if 00 [VGA controller])',
      `${T}NUMA node: 0`,
      `${T}Kernel driver in use: nvidia`,
      '',
      '0005:00:01.0 PCI bridge [0604]: Ampere Computing, LLC Altra PCI Express Root Port b0 [1def:e110] (rev 04) (prog-if 00 [Normal decode])',
      `${T}Bus: primary=00, secondary=01, subordinate=01, sec-latency=0`,
      '',
      '0005:01:00.0 Non-Volatile memory controller [0108]: ADATA Technology Co., Ltd. Device [1cc1:5766] (rev 01) (prog-if 02 [NVM Express])',
      `${T}Kernel driver in use: nvme`,
      '',
    );
    const { topology: t, diagnostics } = snapshotFromLspci(text, 'altra.txt');
    expect(diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const by = new Map(t.pci.devices.map((d) => [d.address, d]));
    expect(by.get('0000:01:00.0')).toMatchObject({ parent: '0000:00:01.0', hostBridge: 'pci0000:00', classCode: '0x030000', vendorId: '0x10de', deviceId: '0x2204', numaNode: 0, localityRule: 'imported' });
    expect(by.get('0005:01:00.0')).toMatchObject({ parent: '0005:00:01.0', hostBridge: 'pci0005:00', classCode: '0x010802', driver: 'nvme', numaNode: null });
    expect(by.get('0000:00:01.0')!.portKind).toBe('root-port');
    expect(t.machine.arch).toBe('aarch64');
    expect(t.machine.archSource).toMatch(/Ampere/);
    expect(t.numaNodes).toEqual([{ id: 0, cpus: '', memoryBytes: null, distances: [], kind: 'dram', kindReason: expect.any(String) }]);
    expect(t.pci.hostBridges!.map((h) => h.id)).toEqual(['pci0000:00', 'pci0005:00']);
    expect(diagnostics.some((d) => d.severity === 'info' && /no CPUs/.test(d.message))).toBe(true);
    expect(t.source).toEqual({ kind: 'lspci', name: 'altra.txt' });
  });

  it('without bus ranges or a tree, devices stay flat and a diagnostic says so', () => {
    const { topology: t, diagnostics } = snapshotFromLspci(lines(
      '00:1c.0 PCI bridge [0604]: Intel Corporation Device [8086:43b8] (rev 11)',
      '04:00.0 Ethernet controller [0200]: Intel Corporation I210 Gigabit Network Connection [8086:1533] (rev 03)',
    ), 'nn.txt');
    expect(t.pci.devices.map((d) => [d.address, d.parent, d.hostBridge])).toEqual([
      ['0000:00:1c.0', null, 'pci0000:00'],
      ['0000:04:00.0', null, null], // nothing says which bridge leads to bus 04: no invented pci0000:04
    ]);
    expect(diagnostics.some((d) => /flat/.test(d.message))).toBe(true);
    expect(diagnostics.filter((d) => /the bridge above bus 04 is not recorded/.test(d.message))).toHaveLength(1);
    expect(t.machine.arch).toBe('unknown');
  });

  it('an empty root port (x0 / DLActive- with LLActRep+) is not a downgraded link; a slow device is', () => {
    const { topology: t } = snapshotFromLspci(lines(
      '00:1d.0 PCI bridge [0604]: Intel Corporation Device [8086:43b0] (rev 11) (prog-if 00 [Normal decode])',
      `${T}Bus: primary=00, secondary=05, subordinate=05, sec-latency=0`,
      `${T}Capabilities: [40] Express (v2) Root Port (Slot+), MSI 00`,
      `${T}${T}LnkCap:${T}Port #9, Speed 8GT/s, Width x2, ASPM L0s L1`,
      `${T}${T}${T}ClockPM- Surprise- LLActRep+ BwNot+ ASPMOptComp+`,
      `${T}${T}LnkSta:${T}Speed 2.5GT/s (downgraded), Width x1 (downgraded)`,
      `${T}${T}${T}TrErr- Train- SlotClk+ DLActive- BWMgmt- ABWMgmt-`,
      '',
      '00:1e.0 PCI bridge [0604]: Intel Corporation Device [8086:43b1] (rev 11) (prog-if 00 [Normal decode])',
      `${T}Bus: primary=00, secondary=06, subordinate=06, sec-latency=0`,
      `${T}Capabilities: [40] Express (v2) Root Port (Slot+), MSI 00`,
      `${T}${T}LnkCap:${T}Port #9, Speed 8GT/s, Width x4, ASPM L0s L1`,
      `${T}${T}${T}ClockPM- Surprise- LLActRep+ BwNot+ ASPMOptComp+`,
      `${T}${T}LnkSta:${T}Speed 8GT/s (ok), Width x4 (ok)`,
      `${T}${T}${T}TrErr- Train- SlotClk+ DLActive+ BWMgmt- ABWMgmt-`,
      '',
      '06:00.0 Non-Volatile memory controller [0108]: Samsung Electronics Co Ltd Device [144d:a80a] (prog-if 02 [NVM Express])',
      `${T}Capabilities: [70] Express (v2) Endpoint, MSI 00`,
      `${T}${T}LnkCap:${T}Port #0, Speed 16GT/s, Width x4, ASPM L1, Exit Latency L1 <64us`,
      `${T}${T}LnkSta:${T}Speed 8GT/s (downgraded), Width x4 (ok)`,
    ), 'links.txt');
    const by = new Map(t.pci.devices.map((d) => [d.address, d]));
    expect(by.get('0000:00:1d.0')!.link).toMatchObject({ speed: null, width: null, maxSpeed: '8 GT/s', maxWidth: 2, downgraded: false });
    expect(by.get('0000:00:1e.0')!.link).toMatchObject({ speed: '8 GT/s', width: 4, downgraded: false });
    expect(by.get('0000:06:00.0')!.link).toMatchObject({ speed: '8 GT/s', width: 4, maxSpeed: '16 GT/s', maxWidth: 4 });
    // Intel host bridge not listed: arch stays unknown (root ports alone do not decide x86).
    expect(t.machine.arch).toBe('unknown');
  });

  it('SR-IOV: VFs found at offset/stride with the VF device ID get physfn, PF gets vfs', () => {
    const { topology: t } = snapshotFromLspci(lines(
      '3b:00.0 Ethernet controller [0200]: Intel Corporation Ethernet Controller X710 for 10GBASE-T [8086:15ff] (rev 02)',
      `${T}Capabilities: [160 v1] Single Root I/O Virtualization (SR-IOV)`,
      `${T}${T}Initial VFs: 64, Total VFs: 64, Number of VFs: 2, Function Dependency Link: 00`,
      `${T}${T}VF offset: 16, stride: 1, Device ID: 154c`,
      `${T}Kernel driver in use: i40e`,
      '',
      '3b:02.0 Ethernet controller [0200]: Intel Corporation Ethernet Virtual Function 700 Series [8086:154c] (rev 02)',
      `${T}Kernel driver in use: vfio-pci`,
      '',
      '3b:02.1 Ethernet controller [0200]: Intel Corporation Ethernet Virtual Function 700 Series [8086:154c] (rev 02)',
      `${T}Kernel driver in use: iavf`,
      '',
    ), 'vf.txt');
    const by = new Map(t.pci.devices.map((d) => [d.address, d]));
    expect(by.get('0000:3b:00.0')!.sriov).toEqual({ totalVfs: 64, numVfs: 2, physfn: null, vfs: ['0000:3b:02.0', '0000:3b:02.1'] });
    expect(by.get('0000:3b:02.1')!.sriov).toEqual({ totalVfs: null, numVfs: null, physfn: '0000:3b:00.0', vfs: [] });
    expect(by.get('0000:3b:02.0')!.roles).toContain('dpdk');
  });

  it('a bridge claiming its own bus does not make a cycle', () => {
    const { topology: t, diagnostics } = snapshotFromLspci(lines(
      '0000:00:11.0 PCI bridge [0604]: Intel Corporation C600/X79 series chipset PCI Express Virtual Root Port [8086:1d3e] (rev 06) (prog-if 00 [Normal decode])',
      `${T}Bus: primary=00, secondary=00, subordinate=00, sec-latency=0`,
      '',
      '0000:00:1f.0 ISA bridge [0601]: Intel Corporation C600/X79 series chipset LPC Controller [8086:1d41] (rev 06)',
      `${T}Control: I/O+ Mem+`,
      '',
    ), 'cyc.txt');
    expect(t.pci.devices.every((d) => d.parent === null)).toBe(true);
    expect(diagnostics.some((d) => d.severity === 'warning' && /impossible bus range/.test(d.message) && d.path === 'cyc.txt:1')).toBe(true);
  });

  it('"Device" names are filled from pci.ids', () => {
    const { topology: t } = snapshotFromLspci(lines('00:00.0 Host bridge [0600]: Intel Corporation Device [8086:3e30] (rev 0d)'), 'n.txt');
    const d = t.pci.devices[0]!;
    expect(d.vendorName).toBe('Intel Corporation');
    expect(d.deviceName).not.toBe('Device');
    expect(t.machine.arch).toBe('x86_64');
  });
});

describe('snapshotFromLspci: more shapes', () => {
  it('-nn one-liners plus a -tvnn tree: the tree gives the parents', () => {
    const text = lines(
      '-[0000:00]-+-00.0  Intel Corporation 5520/5500/X58 I/O Hub to ESI Port [8086:3407]',
      '           \\-03.0-[01]----00.0  Broadcom / LSI MegaRAID SAS 2108 [Liberator] [1000:0079]',
      '',
      '00:00.0 Host bridge [0600]: Intel Corporation 5520/5500/X58 I/O Hub to ESI Port [8086:3407] (rev 22)',
      '00:03.0 PCI bridge [0604]: Intel Corporation 5520/5500/X58 I/O Hub PCI Express Root Port 3 [8086:340a] (rev 22)',
      '01:00.0 RAID bus controller [0104]: Broadcom / LSI MegaRAID SAS 2108 [Liberator] [1000:0079] (rev 05)',
    );
    expect(parseLspci(text).format).toEqual(['tree', 'oneline', 'numeric']);
    const { topology: t, diagnostics } = snapshotFromLspci(text, 'nn+t.txt');
    expect(diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(t.pci.devices.map((d) => [d.address, d.parent, d.portKind])).toEqual([
      ['0000:00:00.0', null, 'host-bridge'],
      ['0000:00:03.0', null, 'root-port'],
      ['0000:01:00.0', '0000:00:03.0', 'endpoint'],
    ]);
    // A one-liner without -v prints no prog-if (lspci.c show_terse): class and subclass only.
    expect(t.pci.devices[2]).toMatchObject({ classCode: '0x0104', vendorName: 'Broadcom / LSI', subsystemVendorId: null });
  });

  it('a -tv tree alone still builds a tree, with unknown IDs', () => {
    const { topology: t, diagnostics } = snapshotFromLspci(TV, 'tv.txt');
    expect(t.pci.devices.length).toBe(15);
    // Ids come back from the printed names ([1a03:2000] in the -nn output of the same machine);
    // bridges the tree prints without a name keep unknown ids, and no class is invented for endpoints.
    expect(t.pci.devices.find((d) => d.address === '0000:05:00.0')).toMatchObject({ parent: '0000:04:00.0', vendorId: '0x1a03', deviceId: '0x2000', classCode: null, hostBridge: 'pci0000:00' });
    expect(t.pci.devices.find((d) => d.address === '0000:04:00.0')).toMatchObject({ vendorId: null, deviceId: null, classCode: '0x0604' });
    expect(t.pci.devices.find((d) => d.address === '0000:04:00.0')!.portKind).toBe('pci-bridge');
    expect(t.pci.devices.find((d) => d.address === '0000:00:1c.0')!.portKind).toBe('root-port');
    expect(diagnostics.some((d) => /without -nn.*15 function\(s\) show no vendor\/device IDs/.test(d.message))).toBe(true);
  });

  it('arch hints: Grace, ThunderX2, Kunpeng root ports; an Intel NIC on an Arm board does not make x86', () => {
    const arch = (h: string) => snapshotFromLspci(lines(h, '0001:01:00.0 Ethernet controller [0200]: Intel Corporation I210 Gigabit Network Connection [8086:1533] (rev 03)'), 'a').topology.machine;
    expect(arch('0001:00:00.0 PCI bridge [0604]: NVIDIA Corporation Device [10de:22b2]').arch).toBe('aarch64');
    expect(arch('0001:00:00.0 PCI bridge [0604]: Cavium, Inc. CN99xx [ThunderX2] Integrated PCI Express RP Bridge [177d:af84] (rev 01)').arch).toBe('aarch64');
    expect(arch('0001:00:00.0 PCI bridge [0604]: Huawei Technologies Co., Ltd. HiSilicon PCIe Root Port with Gen4 [19e5:a120] (rev 21)').archSource).toMatch(/HiSilicon.*0001:00:00\.0/);
    expect(arch('0001:00:00.0 PCI bridge [0604]: Some Vendor Device [1234:5678]').arch).toBe('unknown');
    expect(arch('0001:00:00.0 Host bridge [0600]: Advanced Micro Devices, Inc. [AMD] Family 17h (Models 00h-0fh) Root Complex [1022:1450]').arch).toBe('x86_64');
  });

  it('CXL DVSECs become a capability and the cxl role', () => {
    const { topology } = snapshotFromLspci(lines(
      '0000:0d:00.0 CXL [0502]: Intel Corporation Device [8086:0d93] (rev 01) (prog-if 10 [CXL Memory Device (CXL 2.x)])',
      `${T}Capabilities: [e00 v1] Designated Vendor-Specific: Vendor=1e98 ID=0000 Rev=1 Len=56: CXL`,
      `${T}Capabilities: [e38 v1] Designated Vendor-Specific: Vendor=1e98 ID=0008 Rev=0 Len=36 <?>`,
    ), 'cxl.txt');
    const d = topology.pci.devices.find((x) => x.address === '0000:0d:00.0')!;
    expect(d.capabilities).toContain('cxl');
    expect(d.roles).toContain('cxl');
  });
});

describe('parseLspci: bad input', () => {
  it('binary junk gives an error naming the line, never throws', () => {
    const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    const r = parseLspci(junk, 'junk.bin');
    expect(r.records).toEqual([]);
    const err = r.diagnostics.find((d) => d.severity === 'error');
    expect(err).toBeDefined();
    expect(err!.path).toMatch(/^junk\.bin:\d+$/);
    const s = snapshotFromLspci(junk, 'junk.bin');
    expect(s.topology.pci.devices).toEqual([]);
  });

  it('plain prose is "not lspci output" with the first line quoted, briefly', () => {
    const r = parseLspci(Array.from({ length: 5000 }, (_, i) => `hello world ${i}`).join('\n'), 'prose.txt');
    expect(r.diagnostics.length).toBeLessThanOrEqual(3);
    expect(r.diagnostics.at(-1)).toMatchObject({ severity: 'error', path: 'prose.txt:1' });
    expect(r.diagnostics.at(-1)!.message).toMatch(/hello world 0/);
  });

  it('unknown lines inside records are aggregated warnings, not thousands', () => {
    const body = Array.from({ length: 3000 }, (_, i) => `${T}Frobnicator ${i % 50}: yes`);
    const r = parseLspci(lines('00:00.0 Host bridge [0600]: Intel Corporation Device [8086:3e30]', ...body));
    expect(r.records.length).toBe(1);
    expect(r.diagnostics.length).toBeLessThanOrEqual(22);
    expect(r.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
  });

  it('a truncated device record still yields the device', () => {
    const cut = VVV_D_K.slice(0, VVV_D_K.indexOf('NUMA node: 1') + 6);
    const r = parseLspci(cut, 'cut.txt');
    expect(r.records.map((x) => x.address)).toEqual(['0000:00:00.0', '0000:00:03.0', '0000:01:00.0']);
    expect(r.records[2]!.numaNode).toBeNull();
    const half = parseLspci('0000:01:00.0 RAID bus contr', 'half.txt');
    expect(half.diagnostics.some((d) => d.severity === 'error' && d.path === 'half.txt:1')).toBe(true);
  });

  it('a 100 MB line is skipped with a diagnostic in bounded time', () => {
    const big = 'x'.repeat(100 * 1024 * 1024);
    const text = `${VVV_D_K}${big}\n${lines('00:1f.3 SMBus [0c05]: Intel Corporation Device [8086:43a3] (rev 11)')}`;
    const t0 = Date.now();
    const r = parseLspci(text, 'big.txt');
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.records.length).toBe(4);
    const d = r.diagnostics.find((x) => /longer than/.test(x.message));
    expect(d).toMatchObject({ severity: 'warning', path: `big.txt:${VVV_D_K.split('\n').length}` });
    expect(MAX_LINE_LENGTH).toBe(65536);
  });

  it('lspci error text becomes diagnostics', () => {
    const r = parseLspci(lines('pcilib: Cannot open /proc/bus/pci', 'lspci: Cannot find any working access method.'), 'err.txt');
    expect(r.records).toEqual([]);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.path)).toEqual(['err.txt:1', 'err.txt:2']);
    const ok = parseLspci(`lspci: Unable to load libkmod resources: error -2\n${VVV_D_K}`, 'kmod.txt');
    expect(ok.records.length).toBe(3);
    expect(ok.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', path: 'kmod.txt:1' })]);
  });

  it('empty input, CRLF line ends, and pasted space indentation', () => {
    expect(parseLspci('', 'e.txt').diagnostics).toEqual([expect.objectContaining({ severity: 'error' })]);
    const crlf = parseLspci(VVV_D_K.replace(/\n/g, '\r\n'));
    expect(crlf.records[2]!.driver).toBe('megaraid_sas');
    const spaces = parseLspci(VVV_D_K.replace(/\t/g, '        '));
    expect(spaces.records[2]).toMatchObject({ driver: 'megaraid_sas', numaNode: 1, secondaryBus: null });
    expect(spaces.records[1]).toMatchObject({ secondaryBus: 1 });
  });
});
