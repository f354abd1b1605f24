// buildTopology's general rules, on records made by hand (what any source could yield),
// and the pipeline's layering: sources read and parse, build derives. The cross-source
// checks against real captures (sysfs vs lstopo XML vs lspci of the same machine) are in
// tests/corpus/.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../../electron/topology/build';
import { exportText } from '../../../electron/topology/export/text';
import type { NumaNode } from '../../../electron/topology/model';
import type { PciFunctionFacts, PciFunctionRecord, SourceRecords } from '../../../electron/topology/records';

const repo = join(__dirname, '../../..');

function fn(address: string, parent: string | null, extra: Partial<PciFunctionFacts> = {}): PciFunctionRecord {
  const facts: PciFunctionFacts = {
    address,
    parent,
    hostBridge: `pci${address.slice(0, 7)}`,
    numaNode: null,
    localCpus: null,
    localityRule: 'unknown',
    classCode: '0x020000',
    className: null,
    vendorId: '0x8086',
    deviceId: '0x1533',
    vendorName: null,
    deviceName: null,
    driver: null,
    iommuGroup: null,
    link: null,
    sriov: null,
    portKind: 'endpoint',
    portKindSource: 'shape',
    ...extra,
  };
  return { fn: facts, from: `t.txt:${address}` };
}

const bridge = (address: string, parent: string | null, extra: Partial<PciFunctionFacts> = {}) =>
  fn(address, parent, { classCode: '0x060400', portKind: 'pci-bridge', ...extra });

function records(functions: PciFunctionRecord[], numaNodes: NumaNode[] = []): SourceRecords {
  return {
    source: { kind: 'lspci', name: 't.txt' },
    path: 't.txt',
    capturedAt: null,
    machine: { hostname: null, arch: 'unknown', archSource: 'test', kernel: null, cpuModel: null },
    cpus: [],
    numaNodes,
    functions,
    osDevices: [],
    hostBridges: [],
    cxl: { memdevs: [], regions: [] },
    diagnostics: [],
  };
}

const node = (id: number, cpus: string): NumaNode => ({ id, cpus, memoryBytes: null, distances: [], kind: 'dram' });

describe('buildTopology: the tree', () => {
  it('repairs what any source may yield: a repeated address, a parent not in the input, a parent loop', () => {
    const { topology: t, diagnostics } = buildTopology(
      records([
        bridge('0000:00:01.0', null),
        fn('0000:01:00.0', '0000:00:01.0'),
        fn('0000:01:00.0', null), // repeated: the first is kept
        fn('0000:02:00.0', '0000:00:1c.0'), // no such bridge
        bridge('0000:03:00.0', '0000:04:00.0'), // 03 ↔ 04 loop
        bridge('0000:04:00.0', '0000:03:00.0'),
      ]),
    );
    const parent = new Map(t.pci.devices.map((d) => [d.address, d.parent] as const));
    expect(t.pci.devices.map((d) => d.address)).toEqual(['0000:00:01.0', '0000:01:00.0', '0000:02:00.0', '0000:03:00.0', '0000:04:00.0']);
    expect(parent.get('0000:01:00.0')).toBe('0000:00:01.0');
    expect(parent.get('0000:02:00.0')).toBeNull();
    // The loop is cut above the first of its functions in input order.
    expect(parent.get('0000:03:00.0')).toBeNull();
    expect(parent.get('0000:04:00.0')).toBe('0000:03:00.0');
    const repairs = diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message);
    expect(repairs.some((m) => /duplicate device address 0000:01:00.0/.test(m))).toBe(true);
    expect(repairs.some((m) => /parent 0000:00:1c.0 is not a device/.test(m))).toBe(true);
    expect(repairs.some((m) => /loop/.test(m))).toBe(true);
    // The exports trust the repaired tree (no cycle guard of their own): every function is drawn.
    const text = exportText(t, { all: true });
    for (const d of t.pci.devices) expect(text).toContain(d.address.slice(5));
  });

  it('gives bridges their kind from the tree shape when the input had no PCIe capability', () => {
    const { topology: t } = buildTopology(
      records([
        bridge('0000:00:01.0', null),
        bridge('0000:01:00.0', '0000:00:01.0'),
        bridge('0000:02:00.0', '0000:01:00.0'),
        fn('0000:03:00.0', '0000:02:00.0'),
        bridge('0000:00:1e.0', null, { classCode: '0x060401' }), // subtractive decode: a PCI bridge
      ]),
    );
    const kind = new Map(t.pci.devices.map((d) => [d.address, d.portKind] as const));
    expect(kind.get('0000:00:01.0')).toBe('root-port');
    expect(kind.get('0000:01:00.0')).toBe('switch-upstream');
    expect(kind.get('0000:02:00.0')).toBe('switch-downstream');
    expect(kind.get('0000:03:00.0')).toBe('endpoint');
    expect(kind.get('0000:00:1e.0')).toBe('pci-bridge');
  });

  it('adds a root complex for every host bridge a function names, with the locality its functions agree on', () => {
    const { topology: t } = buildTopology(
      records(
        [fn('0000:00:02.0', null, { numaNode: 0, localityRule: 'imported' }), fn('0000:80:02.0', null, { hostBridge: 'pci0000:80', numaNode: 1, localityRule: 'imported' })],
        [node(0, '0-3'), node(1, '4-7')],
      ),
    );
    expect(t.pci.hostBridges?.map((h) => [h.id, h.domain, h.bus, h.numaNode])).toEqual([
      ['pci0000:00', '0000', '00', 0],
      ['pci0000:80', '0000', '80', 1],
    ]);
  });
});

describe('buildTopology: parents from bus evidence (inputs that name no parent, as lspci)', () => {
  const onBus = (address: string, evidence: PciFunctionRecord['parentEvidence'], extra: Partial<PciFunctionFacts> = {}, rec: Partial<PciFunctionRecord> = {}): PciFunctionRecord => {
    const r = fn(address, null, { hostBridge: null, ...extra });
    return { ...r, ...rec, parentEvidence: evidence };
  };
  const lines = (primary: number, secondary: number, subordinate: number) => ({ busLines: { primary, secondary, subordinate } });

  it('a function sits below the bridge whose secondary bus it is on, else the narrowest range holding its bus; root buses from the chain top', () => {
    const { topology: t, diagnostics } = buildTopology(
      records([
        onBus('0000:00:01.0', lines(0, 1, 5), { classCode: '0x060400', portKind: 'pci-bridge' }),
        onBus('0000:01:00.0', lines(1, 2, 3), { classCode: '0x060400', portKind: 'pci-bridge' }),
        onBus('0000:02:00.0', { busLines: null }),
        onBus('0000:03:00.0', { busLines: null }), // no bridge has 03 as its secondary bus: 01:00.0's 02-03 is the narrowest
        onBus('0000:04:00.0', { busLines: null }), // only 00:01.0's 01-05 holds it
        onBus('0000:40:00.0', { busLines: null }), // no range: on a root bus of its own
      ]),
    );
    const at = new Map(t.pci.devices.map((d) => [d.address, [d.parent, d.hostBridge]] as const));
    expect(at.get('0000:00:01.0')).toEqual([null, 'pci0000:00']);
    expect(at.get('0000:01:00.0')).toEqual(['0000:00:01.0', 'pci0000:00']);
    expect(at.get('0000:02:00.0')).toEqual(['0000:01:00.0', 'pci0000:00']);
    expect(at.get('0000:03:00.0')).toEqual(['0000:01:00.0', 'pci0000:00']);
    expect(at.get('0000:04:00.0')).toEqual(['0000:00:01.0', 'pci0000:00']);
    expect(at.get('0000:40:00.0')).toEqual([null, 'pci0000:40']);
    expect(diagnostics.some((d) => /2 function\(s\) sit on a bus inside a bridge's range/.test(d.message))).toBe(true);
    expect(t.pci.devices.find((d) => d.address === '0000:00:01.0')?.portKind).toBe('root-port');
  });

  it('the -t tree decides where there are no bus lines; a loop made of tree and bus evidence is cut by the one tree repair', () => {
    const { topology: t, diagnostics } = buildTopology(
      records([
        // 00:01.0 claims buses 01-05; the (hostile) tree puts it below 02:00.0, which sits inside that range.
        onBus('0000:00:01.0', { ...lines(0, 1, 5), treeParent: '0000:02:00.0' }, { classCode: '0x060400', portKind: 'pci-bridge' }),
        onBus('0000:02:00.0', { busLines: null, treeParent: null }, { classCode: '0x060400', portKind: 'pci-bridge' }),
      ]),
    );
    const parent = new Map(t.pci.devices.map((d) => [d.address, d.parent] as const));
    expect(parent.get('0000:02:00.0')).toBe('0000:00:01.0');
    expect(parent.get('0000:00:01.0')).toBeNull();
    expect(diagnostics.some((d) => d.severity === 'warning' && /loop/.test(d.message) && d.address === '0000:00:01.0')).toBe(true);
    expect(t.pci.devices.every((d) => d.hostBridge === 'pci0000:00')).toBe(true);
  });

  it("a port whose slot says empty keeps the printed link while something is listed below it, and takes the record's leaf link otherwise", () => {
    const printed = { speed: '2.5 GT/s', width: 1, maxSpeed: '16 GT/s', maxWidth: 16, downgraded: true };
    const leaf = { speed: null, width: null, maxSpeed: '16 GT/s', maxWidth: 16, downgraded: false };
    const port = (address: string, sec: number) => onBus(address, lines(0, sec, sec), { classCode: '0x060400', portKind: 'root-port', link: printed }, { linkIfLeaf: leaf });
    const { topology: t } = buildTopology(records([port('0000:00:01.0', 1), port('0000:00:02.0', 2), onBus('0000:01:00.0', { busLines: null })]));
    const link = new Map(t.pci.devices.map((d) => [d.address, d.link] as const));
    expect(link.get('0000:00:01.0')).toMatchObject({ speed: '2.5 GT/s', width: 1 });
    expect(link.get('0000:00:02.0')).toMatchObject({ speed: null, width: null, downgraded: false });
  });
});

describe('buildTopology: locality and its rule', () => {
  it('numa_node first, else the one node holding all local CPUs, else the parent bridge; unknown otherwise', () => {
    const { topology: t } = buildTopology(
      records(
        [
          bridge('0000:00:01.0', null, { numaNode: 1, localCpus: '4-7', localityRule: 'numa_node' }),
          fn('0000:01:00.0', '0000:00:01.0'),
          fn('0000:00:02.0', null, { localCpus: '2-3' }),
          fn('0000:00:03.0', null, { localCpus: '3-4' }), // spans two nodes: not decided by CPUs
        ],
        [node(0, '0-3'), node(1, '4-7')],
      ),
    );
    const loc = new Map(t.pci.devices.map((d) => [d.address, [d.numaNode, d.localityRule, d.localCpus]] as const));
    expect(loc.get('0000:00:01.0')).toEqual([1, 'numa_node', '4-7']);
    expect(loc.get('0000:01:00.0')).toEqual([1, 'parent', '4-7']);
    expect(loc.get('0000:00:02.0')).toEqual([0, 'local_cpulist', '2-3']);
    expect(loc.get('0000:00:03.0')).toEqual([null, 'unknown', '3-4']);
  });

  it('leaves imported locality alone (an lstopo XML that says no node)', () => {
    const { topology: t } = buildTopology(records([bridge('0000:00:01.0', null, { numaNode: 0, localityRule: 'numa_node' }), fn('0000:01:00.0', '0000:00:01.0', { localityRule: 'imported' })], [node(0, '0-3')]));
    expect(t.pci.devices[1]).toMatchObject({ numaNode: null, localityRule: 'imported' });
  });
});

describe('buildTopology: names', () => {
  it('fills the names an input did not print from pci.ids, keeps the ones it printed', () => {
    const { topology: t } = buildTopology(
      records([fn('0000:00:19.0', null), fn('0000:00:1a.0', null, { vendorName: 'Intel Corp. (as printed)', deviceName: null })]),
    );
    // pci.ids: 8086 "Intel Corporation", 1533 "I210 Gigabit Network Connection", class 0200 "Ethernet controller".
    expect(t.pci.devices[0]).toMatchObject({ vendorName: 'Intel Corporation', deviceName: 'I210 Gigabit Network Connection', className: 'Ethernet controller' });
    expect(t.pci.devices[1]).toMatchObject({ vendorName: 'Intel Corp. (as printed)', deviceName: 'I210 Gigabit Network Connection' });
  });

  it('looks nothing up for vendor 0xffff (what config space reads when no function answers): no "Illegal Vendor ID"', () => {
    const { topology: t } = buildTopology(records([fn('0000:00:19.0', null, { vendorId: '0xffff', deviceId: '0xffff' })]));
    expect(t.pci.devices[0]).toMatchObject({ vendorId: '0xffff', vendorName: null, deviceName: null });
  });
});

describe('pipeline layering', () => {
  const sources = join(repo, 'electron/topology/sources');
  const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
  it('sources read and parse: none imports annotate/, the pci.ids lookups or a build step (only buildTopology itself)', () => {
    for (const f of readdirSync(sources).filter((x) => x.endsWith('.ts'))) {
      for (const spec of importsOf(join(sources, f))) {
        expect(spec, `${f} imports ${spec}`).not.toMatch(/(^|\/)annotate(\/|$)|^\.\.\/pci-ids$|\/build\/(?!index)/);
      }
    }
  });
  it('build/ derives: it reads no files (no node:fs, no sources/)', () => {
    const dir = join(repo, 'electron/topology/build');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      for (const spec of importsOf(join(dir, f))) expect(spec, `${f} imports ${spec}`).not.toMatch(/^node:fs|\/sources\//);
    }
  });
});
