import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseHwlocBitmap, parseHwlocXml, type HwlocObject } from '../../../electron/topology/parse/hwloc-xml';

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE topology SYSTEM "hwloc2.dtd">\n';

function find(o: HwlocObject, pred: (x: HwlocObject) => boolean): HwlocObject[] {
  const out: HwlocObject[] = [];
  const walk = (x: HwlocObject): void => {
    if (pred(x)) out.push(x);
    x.children.forEach(walk);
  };
  walk(o);
  return out;
}

const errors = (r: ReturnType<typeof parseHwlocXml>) => r.diagnostics.filter((d) => d.severity === 'error');

describe('parseHwlocBitmap', () => {
  it('reads comma-separated 32-bit words, most significant first', () => {
    expect(parseHwlocBitmap('0x0000ffff,0xffffffff')!.ids).toEqual([...Array(48).keys()]);
    expect(parseHwlocBitmap('0x00ff00ff')!.ids).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
  });
  it('treats empty words as zero (hwloc compacts runs of 0x0 words)', () => {
    expect(parseHwlocBitmap('0xffffffff,,0x0')!.ids).toEqual(Array.from({ length: 32 }, (_, i) => 64 + i));
    expect(parseHwlocBitmap('0x0000000f,,,0x0')!.ids).toEqual([96, 97, 98, 99]);
  });
  it('knows the infinite 0xf...f prefix and the empty set', () => {
    const b = parseHwlocBitmap('0xf...f,0x00000001')!;
    expect(b.infinite).toBe(true);
    expect(b.ids).toEqual([0]);
    expect(parseHwlocBitmap('0xf...f')!.infinite).toBe(true);
    expect(parseHwlocBitmap('0x0')!.ids).toEqual([]);
  });
  it('rejects junk', () => {
    expect(parseHwlocBitmap('zz')).toBeNull();
    expect(parseHwlocBitmap('0x123456789')).toBeNull();
    expect(parseHwlocBitmap('')).toBeNull();
  });
});

describe('parseHwlocXml: v2 syntax', () => {
  const v2 = `${HEAD}<topology version="2.0">
  <object type="Machine" os_index="0" cpuset="0x00000003" complete_cpuset="0x00000003" nodeset="0x00000001" complete_nodeset="0x00000001">
    <info name="HostName" value="h1"/>
    <info name="Backend" value="Linux"/>
    <info name="Backend" value="CUDA"/>
    <object type="NUMANode" os_index="0" cpuset="0x00000003" nodeset="0x00000001" local_memory="2101800960">
      <page_type size="4096" count="513135"/>
    </object>
    <object type="Package" os_index="0" cpuset="0x00000003" nodeset="0x00000001">
      <object type="Core" os_index="0" cpuset="0x00000003"><object type="PU" os_index="0" cpuset="0x00000001"/><object type="PU" os_index="1" cpuset="0x00000002"/></object>
      <object type="Bridge" bridge_type="0-1" depth="0" bridge_pci="0000:[00-05]">
        <object type="Bridge" bridge_type="1-1" depth="1" bridge_pci="0000:[05-05]" pci_busid="0000:00:1c.0" pci_type="0604 [8086:1d10] [0000:0000] b6" pci_link_speed="0.250000">
          <object type="PCIDev" pci_busid="0000:05:00.0" pci_type="0200 [8086:1521] [1028:0000] 01" pci_link_speed="0.000000">
            <info name="PCIVendor" value="Intel Corporation"/>
            <object type="OSDev" name="eth0" osdev_type="2"><info name="Address" value="84:8f:69:fe:cc:40"/></object>
          </object>
        </object>
      </object>
    </object>
  </object>
  <distances2 type="NUMANode" nbobjs="2" kind="5" name="NUMALatency" indexing="os">
    <indexes length="4">0 1 </indexes>
    <u64values length="6">10 20 </u64values>
    <u64values length="6">20 10 </u64values>
  </distances2>
</topology>`;
  const r = parseHwlocXml(v2, 'a.xml');

  it('loads with no diagnostics and keeps the tree', () => {
    expect(r.diagnostics).toEqual([]);
    expect(r.version).toBe('2.0');
    expect(r.majorVersion).toBe(2);
    expect(r.objects.type).toBe('topology');
    expect(r.objects.children.map((c) => c.type)).toEqual(['Machine']);
  });
  it('reads infos as a map (first value) and as an ordered list', () => {
    const m = r.objects.children[0]!;
    expect(m.info.HostName).toBe('h1');
    expect(m.info.Backend).toBe('Linux');
    expect(m.infos.filter(([k]) => k === 'Backend').map(([, v]) => v)).toEqual(['Linux', 'CUDA']);
  });
  it('reads NUMA memory and page types', () => {
    const [n] = find(r.objects, (o) => o.type === 'NUMANode');
    expect(n!.localMemory).toBe(2101800960);
    expect(n!.pageTypes).toEqual([{ size: 4096, count: 513135 }]);
  });
  it('decodes PCI and bridge attributes', () => {
    const [br] = find(r.objects, (o) => o.pci?.busid === '0000:00:1c.0');
    expect(br!.bridge).toEqual({ upstreamType: 1, downstreamType: 1, depth: 1, domain: 0, secondaryBus: 5, subordinateBus: 5 });
    expect(br!.pci).toMatchObject({ classId: '0604', vendorId: '8086', deviceId: '1d10', revision: 'b6', progIf: null, linkGBps: 0.25 });
    const [hb] = find(r.objects, (o) => o.bridge?.upstreamType === 0);
    expect(hb!.pci).toBeNull();
    expect(hb!.bridge).toMatchObject({ domain: 0, secondaryBus: 0, subordinateBus: 5 });
    const [os] = find(r.objects, (o) => o.type === 'OSDev');
    expect(os!.name).toBe('eth0');
    expect(os!.osdevType).toBe(2);
  });
  it('joins distance values split over several u64values elements', () => {
    expect(r.distances).toHaveLength(1);
    expect(r.distances[0]).toMatchObject({ type: 'NUMANode', nbobjs: 2, indexes: [0, 1], values: [10, 20, 20, 10], indexing: 'os' });
  });
  it('reads the v3 prog-if field and wide PCI domains', () => {
    const x = parseHwlocXml(
      `<topology version="3.0"><object type="Machine" cpuset="0x1"><object type="Bridge" bridge_type="0-1" depth="0" bridge_pci="10000:[00-00]">` +
        `<object type="PCIDev" pci_busid="10000:00:04.0" pci_type="0502 [8086:0d93] [1af4:1100] 01 10" pci_link_speed="0.250000"/></object></object></topology>`,
    );
    expect(errors(x)).toEqual([]);
    const [d] = find(x.objects, (o) => o.type === 'PCIDev');
    expect(d!.pci).toMatchObject({ domain: 0x10000, bus: 0, dev: 4, func: 0, classId: '0502', progIf: '10' });
    const [hb] = find(x.objects, (o) => o.type === 'Bridge');
    expect(hb!.bridge!.domain).toBe(0x10000);
  });
  it('warns, without failing, on an unreadable pci_busid', () => {
    const x = parseHwlocXml('<topology version="2.0"><object type="Machine"><object type="PCIDev" pci_busid="nope" pci_type="0200 [8086:1521] [0000:0000] 01"/></object></topology>', 'w.xml');
    expect(errors(x)).toEqual([]);
    expect(x.diagnostics.some((d) => d.severity === 'warning' && /pci_busid/.test(d.message) && d.path === 'w.xml:1')).toBe(true);
  });
});

describe('parseHwlocXml: v1 syntax', () => {
  // hwloc 1.x: no version attribute, NUMANode objects in the main tree holding the
  // sockets, "Socket" and "Cache" type names, <distances> with latency_base.
  const v1 = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE topology SYSTEM "hwloc.dtd">
<topology>
  <object type="Machine" os_index="0" cpuset="0x0000000f" complete_cpuset="0x0000000f" online_cpuset="0x0000000f" allowed_cpuset="0x0000000f" nodeset="0x00000003" local_memory="0">
    <info name="OSName" value="Linux"/>
    <object type="NUMANode" os_index="0" cpuset="0x00000003" nodeset="0x00000001" local_memory="4294967296">
      <object type="Socket" os_index="0" cpuset="0x00000003" nodeset="0x00000001">
        <object type="Cache" cpuset="0x00000003" cache_size="4194304" depth="2" cache_linesize="64" cache_type="0">
          <object type="Core" os_index="0" cpuset="0x00000003"><object type="PU" os_index="0" cpuset="0x00000001"/><object type="PU" os_index="1" cpuset="0x00000002"/></object>
        </object>
      </object>
    </object>
    <object type="NUMANode" os_index="1" cpuset="0x0000000c" nodeset="0x00000002" local_memory="4294967296">
      <object type="Socket" os_index="1" cpuset="0x0000000c" nodeset="0x00000002">
        <object type="Core" os_index="0" cpuset="0x0000000c"><object type="PU" os_index="2" cpuset="0x00000004"/><object type="PU" os_index="3" cpuset="0x00000008"/></object>
      </object>
    </object>
    <distances nbobjs="2" relative_depth="1" latency_base="10.000000">
      <latency value="1.000000"/><latency value="2.100000"/><latency value="2.100000"/><latency value="1.000000"/>
    </distances>
  </object>
</topology>`;
  const r = parseHwlocXml(v1, 'v1.xml');

  it('loads and says it is version 1', () => {
    expect(errors(r)).toEqual([]);
    expect(r.version).toBe('1');
    expect(r.majorVersion).toBe(1);
  });
  it('maps v1 spellings to v2 types, keeping the raw one', () => {
    const pk = find(r.objects, (o) => o.rawType === 'Socket');
    expect(pk.map((p) => p.type)).toEqual(['Package', 'Package']);
    const [c] = find(r.objects, (o) => o.rawType === 'Cache');
    expect(c!.type).toBe('L2Cache');
  });
  it('keeps NUMA nodes in the main tree, with their children', () => {
    const nodes = find(r.objects, (o) => o.type === 'NUMANode');
    expect(nodes.map((n) => n.osIndex)).toEqual([0, 1]);
    expect(find(nodes[1]!, (o) => o.type === 'PU').map((p) => p.osIndex)).toEqual([2, 3]);
  });
  it('reads v1 distances as latency_base × value', () => {
    expect(r.distances).toHaveLength(1);
    expect(r.distances[0]).toMatchObject({ nbobjs: 2, indexes: null, values: [10, 21, 21, 10] });
  });
});

describe('parseHwlocXml: bad input', () => {
  it('accepts a plain SYSTEM DOCTYPE without fetching it', () => {
    const r = parseHwlocXml(`${HEAD}<topology version="2.0"><object type="Machine"/></topology>`);
    expect(errors(r)).toEqual([]);
  });

  it('refuses a DOCTYPE with an internal subset (ENTITY declaration)', () => {
    const r = parseHwlocXml('<?xml version="1.0"?>\n<!DOCTYPE topology [ <!ENTITY x "y"> ]>\n<topology version="2.0"/>', 'e.xml');
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]!.message).toMatch(/DOCTYPE.*(internal subset|ENTITY)/);
    expect(errors(r)[0]!.path).toBe('e.xml:2');
    expect(r.objects.children).toEqual([]);
  });

  it('refuses billion laughs without expanding anything', () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [',
      ' <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
      ']>',
      '<topology version="2.0"><object type="Machine"><info name="x" value="&lol9;"/></object></topology>',
    ].join('\n');
    const t0 = Date.now();
    const r = parseHwlocXml(lol, 'lol.xml');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(errors(r)).toHaveLength(1);
    expect(r.objects.children).toEqual([]);
  });

  it('refuses an external entity declaration', () => {
    const r = parseHwlocXml('<!DOCTYPE topology [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><topology>&xxe;</topology>');
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]!.message).not.toMatch(/root:/);
  });

  it('reports an undeclared entity reference as malformed, naming the line', () => {
    const r = parseHwlocXml('<topology version="2.0">\n<object type="Machine">\n<info name="a" value="&nope;"/></object></topology>', 'u.xml');
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]!.path).toBe('u.xml:3');
    expect(errors(r)[0]!.message).toMatch(/line 3, column \d+/);
  });

  it('reports mismatched tags with line and column', () => {
    const r = parseHwlocXml('<topology version="2.0">\n  <object type="Machine">\n  </objekt>\n</topology>', 'm.xml');
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]!.message).toMatch(/^malformed hwloc XML: line 3, column \d+/);
  });

  it('reports a truncated real file', () => {
    const text = readFileSync('fixtures/hwloc/xml/24em64t-2n6c2t-pci.xml', 'utf8');
    const r = parseHwlocXml(text.slice(0, Math.floor(text.length / 2)), '24em64t.xml');
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]!.message).toMatch(/malformed hwloc XML/);
    expect(r.objects.children).toEqual([]);
  });

  it('reports binary junk', () => {
    const junk = String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    const r = parseHwlocXml(junk, 'junk.bin');
    expect(errors(r)).toHaveLength(1);
  });

  it('reports empty input and a foreign root element', () => {
    expect(errors(parseHwlocXml(''))).toHaveLength(1);
    const r = parseHwlocXml('<html><body/></html>');
    expect(errors(r)[0]!.message).toMatch(/not an hwloc XML topology/);
  });

  it('stops at the depth limit', () => {
    const deep = `<topology version="2.0">${'<object type="Group">'.repeat(300)}${'</object>'.repeat(300)}</topology>`;
    const r = parseHwlocXml(deep, 'deep.xml');
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]!.message).toMatch(/deeper than 256/);
    expect(errors(parseHwlocXml(deep, 'deep.xml', { maxDepth: 400 }))).toEqual([]);
  });

  it('refuses input over the size limit with a clear message', () => {
    const r = parseHwlocXml(`<topology version="2.0">${' '.repeat(2000)}</topology>`, 'big.xml', { maxChars: 1000 });
    expect(errors(r)[0]!.message).toMatch(/larger than the 1000-character limit/);
  });

  it('stops at the object-count limit', () => {
    const many = `<topology version="2.0"><object type="Machine">${'<object type="Misc"/>'.repeat(50)}</object></topology>`;
    expect(errors(parseHwlocXml(many, 'n.xml', { maxObjects: 10 }))[0]!.message).toMatch(/more than 10 objects/);
  });

  it('loads a long single line in bounded time', () => {
    const long = `<topology version="2.0"><object type="Machine"><info name="x" value="${'a'.repeat(5_000_000)}"/></object></topology>`;
    const t0 = Date.now();
    const r = parseHwlocXml(long);
    expect(errors(r)).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const r = parseHwlocXml(s);
        expect(Array.isArray(r.diagnostics)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on a real file cut or corrupted anywhere', () => {
    const text = readFileSync('fixtures/hwloc/xml/cxlmem+dax.v3.xml', 'utf8');
    fc.assert(
      fc.property(fc.nat(text.length), fc.string({ minLength: 1, maxLength: 3 }), (at, junk) => {
        parseHwlocXml(text.slice(0, at));
        parseHwlocXml(text.slice(0, at) + junk + text.slice(at + junk.length));
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseHwlocXml: unexpected content', () => {
  it('keeps an unknown object type and warns once', () => {
    const r = parseHwlocXml('<topology version="2.0"><object type="Machine"><object type="Gizmo"/><object type="Gizmo"/></object></topology>', 'g.xml');
    expect(errors(r)).toEqual([]);
    expect(r.diagnostics.filter((d) => /unknown object type "Gizmo"/.test(d.message))).toHaveLength(1);
    expect(r.objects.children[0]!.children.map((c) => c.type)).toEqual(['Gizmo', 'Gizmo']);
  });
});
