// Every hwloc XML fixture loads, and what it holds shows. Expectations are read from the
// files themselves with regexes and a small tag scanner independent of the importer.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hwlocCpusetToList, snapshotFromHwlocXml } from '../../electron/topology/sources/hwloc-xml';
import type { Snapshot } from '../../electron/topology/model';

const DIRS = ['fixtures/hwloc/xml', 'fixtures/hwloc/linux'];
const FILES = DIRS.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.xml')).map((f) => join(d, f))).sort();

const cache = new Map<string, { topology: Snapshot; text: string }>();
function load(path: string): { topology: Snapshot; text: string } {
  let hit = cache.get(path);
  if (!hit) {
    const text = readFileSync(path, 'utf8');
    hit = { topology: snapshotFromHwlocXml(text, path.split('/').pop()!).topology, text };
    cache.set(path, hit);
  }
  return hit;
}
const fixture = (name: string): string => {
  const f = FILES.find((p) => p.endsWith(`/${name}`));
  if (!f) throw new Error(`fixture ${name} missing`);
  return f;
};

function attrsOf(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:]+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

interface ScannedObject {
  attrs: Record<string, string>;
  /** busid of the nearest enclosing PCI object (bridge or device), null when none. */
  pciParent: string | null;
  /** busid of the nearest enclosing PCI object of any kind, for OS devices. */
  line: number;
}

/** Independent scan of `<object ...>` / `</object>` nesting by regex. */
function scan(text: string): ScannedObject[] {
  const out: ScannedObject[] = [];
  const stack: Record<string, string>[] = [];
  for (const m of text.matchAll(/<(\/?)object\b([^>]*?)(\/?)>/g)) {
    if (m[1] === '/') {
      stack.pop();
      continue;
    }
    const attrs = attrsOf(m[2]!);
    let pciParent: string | null = null;
    for (let i = stack.length - 1; i >= 0; i -= 1) {
      const a = stack[i]!;
      if (a.bridge_type?.startsWith('0-')) break; // host bridge: root bus
      if (a.pci_busid) {
        pciParent = a.pci_busid;
        break;
      }
    }
    out.push({ attrs, pciParent, line: text.slice(0, m.index).split('\n').length });
    if (m[3] !== '/') stack.push(attrs);
  }
  return out;
}

const infoValue = (text: string, name: string): string | null => {
  const m = new RegExp(`<info name="${name}" value="([^"]*)"`).exec(text);
  return m ? m[1]!.trim() || null : null;
};

describe('hwloc XML corpus', () => {
  it('finds the fixtures', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(12);
  });

  describe.each(FILES)('%s', (path) => {
    const { topology: t, text } = load(path);
    const objs = scan(text);
    const pciObjs = objs.filter((o) => o.attrs.pci_busid);
    const busids = [...new Set(pciObjs.map((o) => o.attrs.pci_busid!))];

    it('loads with no error diagnostic', () => {
      expect(t.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(t.source.kind).toBe('hwloc-xml');
    });

    it('has one PCI function per distinct pci_busid, and every PCIDev', () => {
      expect(t.pci.devices.map((d) => d.address).sort()).toEqual(busids.sort());
      const pcidevs = new Set((text.match(/type="PCIDev"[^>]*pci_busid="([^"]+)"/g) ?? []).map((s) => /pci_busid="([^"]+)"/.exec(s)![1]));
      expect(t.pci.devices.filter((d) => pcidevs.has(d.address)).length).toBe(pcidevs.size);
    });

    it('gives each function the parent it is nested in', () => {
      const first = new Map<string, ScannedObject>();
      for (const o of pciObjs) if (!first.has(o.attrs.pci_busid!)) first.set(o.attrs.pci_busid!, o);
      for (const d of t.pci.devices) expect([d.address, d.parent]).toEqual([d.address, first.get(d.address)!.pciParent]);
    });

    it('keeps bridge bus ranges as written', () => {
      for (const o of pciObjs) {
        const r = o.attrs.bridge_pci ? /\[([0-9a-f]+)-([0-9a-f]+)\]/.exec(o.attrs.bridge_pci) : null;
        if (!r || o.attrs.bridge_type !== '1-1') continue;
        const d = t.pci.devices.find((x) => x.address === o.attrs.pci_busid)!;
        expect([d.address, d.secondaryBus, d.subordinateBus]).toEqual([d.address, parseInt(r[1]!, 16), parseInt(r[2]!, 16)]);
      }
    });

    it('attaches every OS device below a PCI function to that function', () => {
      const want = objs
        .filter((o) => o.attrs.type === 'OSDev' && o.pciParent)
        .map((o) => `${o.pciParent} ${o.attrs.name}`)
        .sort();
      const got = t.pci.devices.flatMap((d) => d.osDevices.map((o) => `${d.address} ${o.name}`)).sort();
      // a duplicated address keeps the first function only (and says so)
      const dupes = busids.filter((b) => pciObjs.filter((o) => o.attrs.pci_busid === b).length > 1);
      if (dupes.length === 0) expect(got).toEqual(want);
      else expect(want.filter((w) => !got.includes(w)).every((w) => dupes.includes(w.split(' ')[0]!))).toBe(true);
    });

    it('lists every NUMA node with its memory, and every PU', () => {
      const nodes = objs.filter((o) => o.attrs.type === 'NUMANode');
      expect(t.numaNodes.map((n) => [n.id, n.memoryBytes])).toEqual(
        nodes.map((n) => [Number(n.attrs.os_index), Number(n.attrs.local_memory)]).sort((a, b) => a[0]! - b[0]!),
      );
      const pus = objs.filter((o) => o.attrs.type === 'PU').map((o) => Number(o.attrs.os_index));
      expect(t.machine.cpus.map((c) => c.id)).toEqual(pus.sort((a, b) => a - b));
      // each PU ends up in exactly one node, and the node lists match the PU cpusets
      const union = t.numaNodes.flatMap((n) => (n.cpus === '' ? [] : n.cpus.split(',')));
      expect(union.length).toBeGreaterThan(0);
      for (const n of nodes) {
        const node = t.numaNodes.find((x) => x.id === Number(n.attrs.os_index))!;
        if (node.kind !== 'cpuless') expect(node.cpus).toBe(hwlocCpusetToList(n.attrs.cpuset!));
      }
    });

    it('takes NUMA distances from the latency matrix', () => {
      const m = /<distances2 type="NUMANode" nbobjs="(\d+)"[^>]*name="NUMALatency" indexing="os">\s*<indexes[^>]*>([^<]*)<\/indexes>((?:\s*<u64values[^>]*>[^<]*<\/u64values>)+)/.exec(text);
      if (!m) {
        expect(t.numaNodes.every((n) => n.distances.length === 0)).toBe(true);
        return;
      }
      const n = Number(m[1]);
      const idx = m[2]!.trim().split(/\s+/).map(Number);
      const vals = [...m[3]!.matchAll(/>([^<]*)</g)].flatMap((x) => x[1]!.trim().split(/\s+/)).filter((x) => x !== '').map(Number);
      expect(vals.length).toBe(n * n);
      for (const node of t.numaNodes) {
        const i = idx.indexOf(node.id);
        const row = t.numaNodes.map((other) => vals[i * n + idx.indexOf(other.id)]);
        expect(node.distances).toEqual(row);
      }
    });

    it('reads machine facts from the infos', () => {
      expect(t.machine.hostname).toBe(infoValue(text, 'HostName'));
      // Without an Architecture info, the root complexes decide (build/arch.ts) or it stays unknown.
      const arch = infoValue(text, 'Architecture');
      if (arch) expect(t.machine.arch).toBe(arch);
      else if (t.machine.arch !== 'unknown') expect(t.machine.archSource).toMatch(/^hwloc-xml: .* (host bridge|root complex device) [0-9a-f]{4,}:/);
      expect(t.machine.kernel).toBe(infoValue(text, 'OSRelease'));
    });

    it('says once that links are not in the format', () => {
      if (busids.length === 0) return;
      expect(t.pci.devices.every((d) => d.link === null)).toBe(true);
      expect(t.diagnostics.filter((d) => d.severity === 'info' && /link bandwidth/.test(d.message))).toHaveLength(1);
    });
  });

  it('warns only where the files are odd', () => {
    const warnings = FILES.flatMap((f) => load(f).topology.diagnostics.filter((d) => d.severity === 'warning').map((d) => `${d.path} ${d.address ?? ''}`));
    // 32em64t-2n8c2t-pci-normalio.xml lists 0000:04:00.0 twice (a SATA controller under
    // 00:11.0 and a ConnectX-4 under 80:03.0, whose bus range is [84-84]).
    expect(warnings).toEqual(['32em64t-2n8c2t-pci-normalio.xml:247 0000:04:00.0']);
    const text = load(fixture('32em64t-2n8c2t-pci-normalio.xml')).text;
    expect(text.match(/pci_busid="0000:04:00\.0"/g)).toHaveLength(2);
  });

  it('16intel64-manyVFs.xml: all the Cisco VIC functions and their switch chain', () => {
    const { topology: t, text } = load(fixture('16intel64-manyVFs.xml'));
    const pcidev = (text.match(/type="PCIDev"/g) ?? []).length;
    const bridges = (text.match(/bridge_type="1-1"/g) ?? []).length;
    expect(t.pci.devices).toHaveLength(pcidev + bridges);
    const vnics = t.pci.devices.filter((d) => d.deviceName === 'VIC Userspace NIC');
    expect(vnics).toHaveLength((text.match(/value="VIC Userspace NIC"/g) ?? []).length);
    // 0000:0c:00.2 and .3 carry vendor 1138 in this file (not Cisco's 1137)
    expect(vnics.filter((d) => d.vendorId === '0x1138').map((d) => d.address)).toEqual(['0000:0c:00.2', '0000:0c:00.3']);
    const chain: string[] = [];
    for (let a: string | null = '0000:88:00.5'; a; a = t.pci.devices.find((d) => d.address === a)!.parent) chain.push(a);
    expect(chain).toEqual(['0000:88:00.5', '0000:87:00.0', '0000:86:00.0', '0000:84:01.0', '0000:83:00.0', '0000:80:03.0']);
    expect(t.pci.devices.find((d) => d.address === '0000:88:00.5')).toMatchObject({ numaNode: 1, localCpus: '8-15', hostBridge: 'pci0000:80', sriov: null });
    expect(t.pci.devices.find((d) => d.address === '0000:0b:00.0')!.osDevices.map((o) => [o.name, o.kind])).toEqual([
      ['eth4', 'net'],
      ['usnic_0', 'rdma'],
    ]);
  });

  it('24em64t-2n6c2t-pci.xml: bridges are the parents, locality per package', () => {
    const { topology: t } = load(fixture('24em64t-2n6c2t-pci.xml'));
    const by = (a: string) => t.pci.devices.find((d) => d.address === a)!;
    expect(by('0000:04:00.0')).toMatchObject({ parent: '0000:00:01.0', numaNode: 0, localCpus: '0,2,4,6,8,10,12,14,16,18,20,22' });
    expect(by('0000:01:03.0')).toMatchObject({ parent: '0000:00:1e.0', vendorName: 'ATI Technologies Inc', deviceName: 'ES1000' });
    expect(by('0000:11:00.0')).toMatchObject({ parent: '0000:10:07.0', numaNode: 1, hostBridge: 'pci0000:10' });
    expect(by('0000:00:1f.2')).toMatchObject({ parent: null, portKind: 'endpoint', classCode: '0x010100' });
    expect(by('0000:00:01.0')).toMatchObject({ parent: null, portKind: 'root-port' });
    // every child's bus is its parent bridge's secondary bus
    for (const d of t.pci.devices) {
      if (!d.parent) continue;
      expect([d.address, by(d.parent).secondaryBus]).toEqual([d.address, parseInt(d.address.split(':')[1]!, 16)]);
    }
    expect(by('0000:05:00.0').osDevices.map((o) => [o.name, o.kind])).toEqual([
      ['eth2', 'net'],
      ['ib0', 'net'],
      ['mlx4_0', 'rdma'],
    ]);
    expect(t.pci.hostBridges!.map((h) => [h.id, h.numaNode])).toEqual([
      ['pci0000:00', 0],
      ['pci0000:10', 1],
    ]);
  });

  it('cxlmem+dax.v3.xml: CXL memdevs below the switch chain, DAX memory, one DRAM node', () => {
    const { topology: t, text } = load(fixture('cxlmem+dax.v3.xml'));
    // The file has a single NUMANode (no subtype): its CXL memory is not onlined as a node.
    expect((text.match(/type="NUMANode"/g) ?? []).length).toBe(1);
    expect(t.numaNodes).toEqual([expect.objectContaining({ id: 0, cpus: '0-3', kind: 'dram', memoryBytes: 3061719040 })]);
    const cxl = [...text.matchAll(/name="(mem\d+)" subtype="CXLMem"[^>]*>((?:\s*<info [^>]*\/>)*)/g)].map((m) => ({
      name: m[1]!,
      ram: /CXLRAMSize" value="(\d+)KiB"/.exec(m[2]!)?.[1],
      pmem: /CXLPMEMSize" value="(\d+)KiB"/.exec(m[2]!)?.[1],
    }));
    expect(cxl).toHaveLength(4);
    expect(t.cxl.memdevs.map((m) => [m.name, m.ramBytes, m.pmemBytes])).toEqual(
      cxl
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((c) => [c.name, c.ram ? Number(c.ram) * 1024 : null, c.pmem ? Number(c.pmem) * 1024 : null]),
    );
    const mem2 = t.cxl.memdevs.find((m) => m.name === 'mem2')!;
    expect(mem2.pciAddress).toBe('0000:11:00.0');
    const d = t.pci.devices.find((x) => x.address === '0000:11:00.0')!;
    expect(d).toMatchObject({ classCode: '0x050210', parent: '0000:10:00.0', hostBridge: 'pci0000:0c' });
    expect(d.osDevices).toEqual([expect.objectContaining({ name: 'mem2', kind: 'cxl' })]);
    expect(t.pci.devices.filter((x) => x.osDevices.some((o) => o.kind === 'cxl'))).toHaveLength(4);
    // the SPM DAX device hangs off the package, not a PCI function: reported, not lost silently
    expect(text).toMatch(/name="dax0\.0" subtype="SPM"/);
    // The DAX device of the CXL memory hangs below no PCI function: kept, on a node or the machine.
    const loose = [...(t.machine.osDevices ?? []), ...t.numaNodes.flatMap((n) => n.osDevices ?? [])];
    expect(loose.map((o) => [o.name, o.kind])).toContainEqual(['dax0.0', 'dax']);
  });

  it.each(['32em64t-2n8c+dax+nvme+mic+dimms.whole-io.xml', '32em64t-2n8c+dax+nvme+mic+dimms.xml'])(
    '%s: the mlx4 InfiniBand HCA with ib0 (net) and mlx4_0 (rdma)',
    (name) => {
      const { topology: t } = load(fixture(name));
      const d = t.pci.devices.find((x) => x.address === '0000:82:00.0')!;
      expect(d).toMatchObject({ vendorId: '0x15b3', deviceId: '0x1003', parent: '0000:80:02.2', numaNode: 1, localCpus: '8-15', slot: '01' });
      expect(d.osDevices.map((o) => [o.name, o.kind])).toEqual([
        ['ib0', 'net'],
        ['mlx4_0', 'rdma'],
      ]);
      expect(d.roles).toContain('rdma');
      const nvme = t.pci.devices.find((x) => x.address === '0000:00:02.0')!;
      expect(nvme.osDevices).toEqual([expect.objectContaining({ name: 'nvme0n1', kind: 'block' })]);
      expect(t.pci.devices.filter((x) => x.osDevices.some((o) => o.kind === 'dma'))).toHaveLength(16);
    },
  );

  it.each([
    ['32em64t-2n8c+dax+nvme+mic+dimms.whole-io.xml', '32em64t-2n8c+dax+nvme+mic+dimms.xml'],
    ['40intel64-2g2n4c+pcilocality.whole-io.xml', '40intel64-2g2n4c+pcilocality.xml'],
  ])('%s (v2) and %s (v3) give the same machine', (v2, v3) => {
    const a = load(fixture(v2)).topology;
    const b = load(fixture(v3)).topology;
    const view = (t: Snapshot) =>
      t.pci.devices.map((d) => ({
        a: d.address,
        p: d.parent,
        h: d.hostBridge,
        n: d.numaNode,
        c: d.localCpus,
        v: d.vendorId,
        d: d.deviceId,
        cls: (d.classCode ?? '').slice(0, 6), // v2 has no prog-if
        os: d.osDevices.map((o) => [o.name, o.kind]),
      }));
    expect(view(b)).toEqual(view(a));
    // OS devices on the nodes (DAX, pmem) are the same devices; their info attributes differ by hwloc version.
    const nodes = (t: typeof a) => t.numaNodes.map(({ osDevices, ...n }) => ({ ...n, osDevices: osDevices?.map((o) => [o.name, o.kind]) }));
    expect(nodes(b)).toEqual(nodes(a));
    expect(b.machine.cpus).toEqual(a.machine.cpus);
  });

  it('2pa-pcidomain32bits.whole-io.xml: this export lost the 32-bit domain; vda is reported', () => {
    const { topology: t, text } = load(fixture('2pa-pcidomain32bits.whole-io.xml'));
    expect(text).not.toMatch(/10000:/);
    expect(t.pci.devices.every((d) => d.address.startsWith('0000:'))).toBe(true);
    expect(t.machine.osDevices?.map((o) => [o.name, o.kind]) ?? t.numaNodes.flatMap((n) => (n.osDevices ?? []).map((o) => [o.name, o.kind]))).toContainEqual(['vda', 'block']);
  });

  it('128arm-2pa2n8cluster4co.whole-io.xml: aarch64, 4 nodes, clusters', () => {
    const { topology: t, text } = load(fixture('128arm-2pa2n8cluster4co.whole-io.xml'));
    expect(t.machine.arch).toBe('aarch64');
    expect(t.numaNodes.map((n) => n.cpus)).toEqual(['0-31', '32-63', '64-95', '96-127']);
    const clusters = [...text.matchAll(/type="Group" os_index="(\d+)"[^>]*subtype="Cluster"/g)].map((m) => Number(m[1]));
    expect(new Set(t.machine.cpus.map((c) => c.cluster))).toEqual(new Set(clusters));
    expect(t.machine.cpus.filter((c) => c.cluster === clusters[0])).toHaveLength(4);
  });
});
