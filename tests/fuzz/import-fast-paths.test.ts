// Differential fuzz for the importers' shortcuts: each must give exactly what the general
// path gives.
//  - lspci: clean text (no control bytes, CR, U+FFFD or Unicode line separators) skips the
//    per-line binary and line-separator checks, and reads tab-indented field lines in place
//    (fieldInPlace: lines of capabilities nobody reads are never sliced; back since issue 19,
//    it pays at 10k functions); one binary line appended at the end turns all of that off for
//    the whole text without changing any record.
//  - hwloc XML: plain ASCII documents go through a small scanner instead of saxes; a
//    comment after the root (legal XML, no event we use) sends them to saxes instead.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHwlocXml } from '../../electron/topology/parse/hwloc-xml';
import { parseLspci, type LspciParseResult } from '../../electron/topology/parse/lspci';
import { fuzz, mutatedTexts } from './harness';

const R = join(__dirname, '../../fixtures');

// ---------------------------------------------------------------- lspci

const lspciTexts = [
  ...readdirSync(join(R, 'lspci')).filter((f) => f.endsWith('.txt')).map((f) => readFileSync(join(R, 'lspci', f), 'utf8')),
  ...readdirSync(join(R, 'lspci-from-sysfs')).filter((f) => f.endsWith('.txt')).map((f) => readFileSync(join(R, 'lspci-from-sysfs', f), 'utf8')),
];
const lspciLines = [...new Set(lspciTexts.flatMap((t) => t.split('\n')))];

/** The same text by the general path: one binary line appended. */
function viaGeneralPath(text: string): string {
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}\u0001\n`;
}

/** What the appended binary line may change: its own warning and the counts in a "nothing
 *  parsed" error. Everything else must be equal. */
function comparable(r: LspciParseResult): unknown {
  return {
    records: r.records,
    tree: r.tree,
    format: r.format,
    diagnostics: r.diagnostics.filter((d) => !/line\(s\) of binary data|^not lspci output|^empty input/.test(d.message)),
  };
}

function sameLspci(text: string): void {
  expect(comparable(parseLspci(text, 'x.txt'))).toEqual(comparable(parseLspci(viaGeneralPath(text), 'x.txt')));
}

/** Field lines: tabs, spaces, blank-looking lines, keys the parser reads. */
const fieldLine = fc.oneof(
  fc.constantFrom(...lspciLines),
  fc
    .tuple(
      fc.constantFrom('\t', '\t\t', '\t\t\t', '\t ', '\t\t ', ' ', '\t\t\t\t'),
      fc.constantFrom('LnkCap:', 'LnkSta:', 'SltSta:', 'Subsystem:', 'NUMA node:', 'Capabilities:', 'Bus:', 'Kernel modules:', 'Flags:', 'Region 0:', 'IOMMU group:', 'X:', ':', ''),
      fc.constantFrom(' Speed 8GT/s, Width x4', ' LLActRep+', ' DLActive-', ' PresDet+', ' 3', ' [40] Express (v2) Root Port (Slot+), MSI 00', ' [160 v1] Single Root I/O Virtualization (SR-IOV)', ' Initial VFs: 8, Total VFs: 8, Number of VFs: 2', ' VF offset: 1, stride: 1, Device ID: 1234', '', ' \u00a0x', '\u2003', ' ', ':\t v'),
    )
    .map(([i, k, v]) => `${i}${k}${v}`),
);
const headerLines = lspciLines.filter((l) => /^([0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] /.test(l));
/** Records: a real header line, then field-like lines (so there is a record to fill). */
const lspciSoup = fc
  .array(fc.tuple(fc.constantFrom(...headerLines), fc.array(fieldLine, { maxLength: 40 })), { maxLength: 6 })
  .map((recs) => recs.map(([h, ls]) => [h, ...ls].join('\n')).join('\n'));

describe('lspci clean text = the same text checked line by line', () => {
  it('every fixture', () => {
    for (const t of lspciTexts) sameLspci(t);
  });
  it('soups of real and field-like lines', () => {
    fuzz('lspci clean vs checked (soup)', lspciSoup, sameLspci, { runs: 600 });
  });
  it('mutated fixtures', () => {
    fuzz('lspci clean vs checked (mutated)', mutatedTexts(lspciTexts.filter((t) => t.length < 200_000)), sameLspci, { runs: 200 });
  });
});

// ---------------------------------------------------------------- hwloc XML

const xmlFiles = ['xml', 'linux'].flatMap((d) =>
  readdirSync(join(R, 'hwloc', d)).filter((f) => f.endsWith('.xml')).map((f) => join(R, 'hwloc', d, f)),
);
const xmlTexts = xmlFiles.map((f) => readFileSync(f, 'utf8'));

/** A well-formed document by saxes: the same with a comment after the root. */
function viaSaxes(text: string): string {
  return `${text}\n<!-- saxes -->\n`;
}

function sameXml(text: string): void {
  const a = parseHwlocXml(text, 'x.xml');
  // Malformed or refused documents always end in saxes (the scanner hands them over),
  // and appending to them may change the error: only well-formed ones are compared.
  if (a.diagnostics.some((d) => d.severity === 'error')) return;
  expect(a).toEqual(parseHwlocXml(viaSaxes(text), 'x.xml'));
}

const S = fc.constantFrom(' ', '  ', '\n', '\t', ' \n  ', '');
const attrName = fc.constantFrom('type', 'os_index', 'cpuset', 'nodeset', 'name', 'value', 'pci_busid', 'pci_type', 'bridge_type', 'bridge_pci', 'depth', 'version', 'nbobjs', 'indexing', 'kind', '__proto__', 'constructor', 'toString', 'a:b', 'x.y', '_z', '9bad', 'a-b');
const attrValue = fc.oneof(
  fc.constantFrom('Machine', 'PCIDev', 'Bridge', 'OSDev', 'NUMANode', 'PU', 'Group', '0x000000ff', '0000:3b:00.0', '0200 [8086:1592] [8086:0001] 01', '1-1', '0000:[01-02]', '2', '4 2', 'eth0', '', '2.0'),
  fc.string({ unit: fc.constantFrom('a', '0', ' ', '\t', '\n', '<', '>', '&amp;', '&', '"', "'", ']]>', 'é', '\u2028', '\r'), maxLength: 8 }),
);
const attribute = fc.tuple(S, attrName, S, S, fc.constantFrom('"', "'"), attrValue).map(([s1, n, s2, s3, q, v]) => `${s1 === '' ? ' ' : s1}${n}${s2}=${s3}${q}${v.split(q).join('')}${q}`);
const elName = fc.constantFrom('object', 'info', 'page_type', 'distances2', 'indexes', 'u64values', 'pci_locality', 'support', 'a:b', 'x');
const textNode = fc.oneof(S, fc.constantFrom('0 1', '10 20\n20 10', ']]>', '&amp;', 'x'));
const xmlElement: fc.Arbitrary<string> = fc.letrec<{ el: string }>((tie) => ({
  el: fc.oneof(
    { maxDepth: 4, depthSize: 'small' },
    fc.tuple(elName, fc.array(attribute, { maxLength: 4 }), S).map(([n, as, s]) => `<${n}${as.join('')}${s}/>`),
    fc
      .tuple(elName, fc.array(attribute, { maxLength: 4 }), fc.array(fc.oneof(tie('el'), textNode), { maxLength: 4 }), S, fc.boolean())
      .map(([n, as, kids, s, matching]) => `<${n}${as.join('')}>${kids.join('')}</${matching ? n : 'other'}${s}>`),
  ),
})).el;
const prolog = fc.constantFrom(
  '',
  '<?xml version="1.0" encoding="UTF-8"?>\n',
  '<?xml version="1.0"?>',
  '<?xml version="1.1"?>\n',
  '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE topology SYSTEM "hwloc2.dtd">\n',
  '<!DOCTYPE topology SYSTEM "hwloc2.dtd">',
  '<!DOCTYPE topology>',
  ' <?xml version="1.0"?>',
  '<!-- c -->',
);
const xmlDoc = fc
  .tuple(prolog, S, fc.array(xmlElement, { maxLength: 5 }), S, fc.constantFrom('', ' ', '\n', 'x', '<x/>'))
  .map(([pre, s1, kids, s2, post]) => `${pre}${s1}<topology version="2.0"><object type="Machine" os_index="0" cpuset="0x000000ff">${kids.join('')}</object>${s2}</topology>${post}`);

describe('hwloc XML plain scanner = saxes', () => {
  it('every fixture', () => {
    for (const t of xmlTexts) sameXml(t);
  });
  it('generated documents: odd names, quotes, white space, entities, mismatched tags', () => {
    fuzz('hwloc-xml scanner vs saxes (generated)', xmlDoc, sameXml, { runs: 1500 });
  });
  it('mutated fixtures', () => {
    fuzz('hwloc-xml scanner vs saxes (mutated)', mutatedTexts(xmlTexts.filter((t) => t.length < 40_000)), sameXml, { runs: 300 });
  });
  it('names Object.prototype has and duplicate attributes are left to saxes', () => {
    for (const doc of [
      '<topology version="2.0"><object type="Machine" __proto__="x" constructor="y"/></topology>',
      '<topology version="2.0"><object type="Machine" os_index="0" os_index="1"/></topology>',
      '<topology version="2.0"><object type="Machine"\n  os_index="0"\n  cpuset="0x1"/>\n</topology>',
    ]) {
      sameXml(doc);
      expect(parseHwlocXml(doc, 'x.xml')).toEqual(parseHwlocXml(viaSaxes(doc), 'x.xml'));
    }
  });
});
