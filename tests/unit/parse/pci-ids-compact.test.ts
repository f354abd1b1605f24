// The compact pci.ids index (built by scripts/build-cli.mjs for the CLI bundle) must
// answer every lookup exactly as the text index does, over the whole shipped database.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  buildCompactPciIds,
  compactPciIdsSource,
  compactPciNameDb,
  indexPciIds,
  textPciNameDb,
  type PciNameDb,
} from '../../../electron/topology/parse/pci-ids';

function compactOf(text: string, sourceSize = 123): { db: PciNameDb; reads: number; bytes: number } {
  const idx = buildCompactPciIds(text, sourceSize);
  if (!idx) throw new Error('no compact index');
  const stats = { db: null as unknown as PciNameDb, reads: 0, bytes: 0 };
  const read = (position: number, length: number): Uint8Array => {
    stats.reads += 1;
    stats.bytes += length;
    return idx.slice(position, position + length);
  };
  expect(compactPciIdsSource(idx.subarray(0, 32))).toBe(sourceSize);
  stats.db = compactPciNameDb(idx.subarray(0, 32), read);
  return stats;
}

/** Every id combination the text mentions, plus misses next to them. */
function queries(text: string): [string, string, (string | null)?, (string | null)?][] {
  const out: [string, string, (string | null)?, (string | null)?][] = [];
  let vendor = '';
  let device = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '' || line.startsWith('C ')) continue;
    if (line.startsWith('\t\t')) {
      const [sv, sd] = line.slice(2, 11).split(' ');
      out.push([vendor, device, sv, sd], [`0x${vendor.toUpperCase()}`, device, `0x${sv}`, sd], [vendor, device, sv, 'ffff'], [vendor, device, sv, null]);
    } else if (line.startsWith('\t')) {
      device = line.slice(1, 5);
      out.push([vendor, device], [`0x${vendor}`, `0x${device.toUpperCase()}`], [vendor, device, null, null]);
    } else {
      vendor = line.slice(0, 4);
      out.push([vendor, 'zzzz'], [vendor, '0000'], [`${vendor}x`, '1']);
    }
  }
  out.push(['dead', 'beef'], ['', ''], ['0x1', '0x2'], ['c 02', '0000']);
  return out;
}

const SAMPLE = `# comment
15b3  Mellanox Technologies
\t1017  MT27800 Family [ConnectX-5]
\t\t15b3 0007  Mellanox ConnectX-5 EN
# interleaved comment
\t\t15b3 0008  Mellanox ConnectX-5 EN (second)
\t101b  MT28908 Family [ConnectX-6]
\t1017  duplicate device line (the first one wins)
8086  Intel Corporation  \t
\t0953  PCIe Data Center SSD \u00e9\u00e8 \u2014 \u{1f600}
15B3  Duplicate vendor (the last one wins)
\tabcd  Its device
C 01  Mass storage controller
\t08  Non-Volatile memory controller
\t\t02  NVM Express
C 02  Network controller
\t00  Ethernet controller
ffff  Illegal Vendor ID`;

function sameAnswers(text: string, db: PciNameDb): void {
  const ref = textPciNameDb(indexPciIds(text));
  for (const q of queries(text)) expect(db.lookup(...q), q.join(':')).toStrictEqual(ref.lookup(...q));
  const codes = new Set<string>(['0x000000', '0xffffff', '0x0f0000', '0x0108', '0X010802']);
  for (const m of text.matchAll(/^C ([0-9a-f]{2})/gm)) for (let sub = 0; sub < 256; sub += 1) codes.add(`0x${m[1]}${sub.toString(16).padStart(2, '0')}02`);
  for (const c of codes) {
    expect(db.className(c), c).toBe(ref.className(c));
    expect(db.progIfName(c), c).toBe(ref.progIfName(c));
  }
}

describe('compact pci.ids index', () => {
  it('answers as the text index on a sample with duplicates, comments and non-ASCII names', () => {
    sameAnswers(SAMPLE, compactOf(SAMPLE).db);
  });

  it('answers as the text index on the whole shipped database, reading little of it', () => {
    const text = gunzipSync(readFileSync(join(__dirname, '../../../electron/topology/data/pci.ids.gz'))).toString('utf8');
    sameAnswers(text, compactOf(text).db);
    const one = compactOf(text);
    expect(one.db.lookup('0x8086', '0x0953').deviceName).toBe('PCIe Data Center SSD');
    expect(one.db.className('0x060400')).toBe('PCI bridge');
    expect(one.bytes).toBeLessThan(64 * 1024);
  });

  it('is not built when ids are not 4 printable characters', () => {
    expect(buildCompactPciIds('12\n\tabcd  x\n', 1)).toBeNull();
    expect(buildCompactPciIds('1234  v\n\tab\n', 1)).toBeNull();
  });

  it('rejects a header that is not an index', () => {
    expect(compactPciIdsSource(new Uint8Array(32))).toBeNull();
    expect(compactPciIdsSource(new Uint8Array(4))).toBeNull();
  });
});
