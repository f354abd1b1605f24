// Fuzz: hwloc XML (parseHwlocXml and snapshotFromHwlocXml) over random text, XML-ish
// fragments with entities and deep nesting, and mutated real files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { parseHwlocXml } from '../../electron/topology/parse/hwloc-xml';
import { snapshotFromHwlocXml } from '../../electron/topology/sources/hwloc-xml';
import { checkSnapshot, fuzz, mutatedTexts, nastyNumber } from './harness';

const R = join(__dirname, '../../fixtures/hwloc');
const files = [
  ...readdirSync(join(R, 'xml')).filter((f) => f.endsWith('.xml')).map((f) => join(R, 'xml', f)),
  ...readdirSync(join(R, 'linux')).filter((f) => f.endsWith('.xml')).map((f) => join(R, 'linux', f)),
].sort();
const texts = files.map((f) => readFileSync(f, 'utf8'));
const small = texts.filter((t) => t.length < 40_000);

function run(text: string): void {
  const p = parseHwlocXml(text, 'fuzz.xml');
  if (!Array.isArray(p.diagnostics)) throw new Error('parseHwlocXml returned no diagnostics');
  const { topology } = snapshotFromHwlocXml(text, 'fuzz.xml');
  checkSnapshot(topology);
}

const attr = fc.constantFrom('type', 'os_index', 'cpuset', 'nodeset', 'pci_busid', 'pci_type', 'pci_link_speed', 'bridge_type', 'depth', 'bridge_pci', 'local_memory', 'osdev_type', 'subtype', 'name', 'value', 'gp_index', 'nbobjs', 'relative_depth', 'latency_base', 'kind');
const value = fc.oneof(nastyNumber, fc.constantFrom('Machine', 'Package', 'NUMANode', 'PCIDev', 'Bridge', 'OSDev', 'Core', 'PU', 'Group', '0xffffffff,,0x1', '0000:00:00.0', '0000 [00-ff]', '1-1', '0x0604 [8086:0000] [0000:0000] 00'), fc.string({ maxLength: 20 }));
const elName = fc.constantFrom('object', 'info', 'distances', 'distances2', 'latency', 'indexes', 'u64values', 'page_type', 'bogus');
const attrs = fc.array(fc.tuple(attr, value), { maxLength: 5 }).map((as) => as.map(([k, v]) => ` ${k}="${v.replace(/[<&"]/g, '')}"`).join(''));
const element: fc.Arbitrary<string> = fc.letrec<{ el: string }>((tie) => ({
  el: fc.oneof(
    { maxDepth: 5, depthSize: 'small' },
    fc.tuple(elName, attrs).map(([n, a]) => `<${n}${a}/>`),
    fc.tuple(elName, attrs, fc.array(tie('el'), { maxLength: 4 }), fc.string({ maxLength: 10 })).map(([n, a, kids, txt]) => `<${n}${a}>${txt.replace(/[<&]/g, '')}${kids.join('')}</${n}>`),
  ),
})).el;
const hostile = fc.constantFrom(
  '<!DOCTYPE topology [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
  '<!DOCTYPE topology [<!ENTITY % p SYSTEM "http://127.0.0.1/x.dtd"> %p;]>',
  '<!DOCTYPE topology [<!ENTITY a "&a;">]>',
  '<!DOCTYPE topology SYSTEM "hwloc2.dtd">',
  '<?xml version="1.0" encoding="UTF-16"?>',
  '',
);
const synthetic = fc
  .tuple(hostile, fc.constantFrom('1.0', '2.0', '3.0', 'x', '99'), fc.array(element, { maxLength: 6 }), fc.nat({ max: 400 }))
  .map(([pre, v, kids, depth]) => `${pre}<topology version="${v}"><object type="Machine" os_index="0" cpuset="0x000000ff">${'<object type="Group">'.repeat(depth)}${kids.join('')}${'</object>'.repeat(depth)}</object></topology>`);

describe('fuzz: hwloc XML', () => {
  it('random text', () => {
    fuzz('hwloc-xml random', fc.oneof(fc.string({ maxLength: 1000 }), fc.string({ unit: 'binary', maxLength: 500 })), run, { runs: 600 });
  });
  it('synthetic trees with nasty attributes, entities and deep nesting', () => {
    fuzz('hwloc-xml synthetic', synthetic, run, { runs: 600 });
  });
  it('mutated real files', () => {
    fuzz('hwloc-xml mutated', mutatedTexts(small), run, { runs: 400 });
  });
});
