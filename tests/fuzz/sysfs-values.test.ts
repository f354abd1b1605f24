// Fuzz: single-value sysfs parsers and kernel list/mask parsers. They return null for
// what the kernel would not write; they never throw and never run away on huge lists.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { canonicalCpuList, formatCpuList, MAX_LIST_ID, parseCpuList, parseCpuMask } from '../../electron/topology/parse/cpulist';
import {
  parseConfigHeader,
  parseConfigLink,
  parseCpuinfo,
  parsePciUevent,
  parseDistances,
  parseHexId,
  parseIntValue,
  parseKeyValues,
  parseLinkSpeed,
  parseLinkWidth,
  parseNodeMemTotal,
} from '../../electron/topology/parse/sysfs-values';
import { fuzz, nastyNumber } from './harness';

const listPart = fc.oneof(
  { weight: 3, arbitrary: nastyNumber },
  { weight: 3, arbitrary: fc.nat({ max: 5000 }).map(String) },
  { weight: 1, arbitrary: fc.nat({ max: 2_000_000 }).map(String) },
  { weight: 3, arbitrary: fc.tuple(fc.nat({ max: 5000 }), fc.nat({ max: 5000 })).map(([a, b]) => `${a}-${b}`) },
  { weight: 1, arbitrary: fc.tuple(fc.nat({ max: 2_000_000 }), fc.nat({ max: 2_000_000 })).map(([a, b]) => `${a}-${b}`) },
  { weight: 2, arbitrary: fc.constantFrom('0-1048576', '0-1048576:1/2', '0-15:2/4', '5-3', '1-', '-1', ',', '') },
);
const lists = fc.oneof(
  { weight: 8, arbitrary: fc.array(listPart, { maxLength: 12 }).map((p) => p.join(',')) },
  // Many huge ranges: a naive parser does billions of steps here.
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((n) => Array.from({ length: n }, () => '0-1048576').join(',')) },
  { weight: 3, arbitrary: fc.string({ maxLength: 200 }) },
);
const masks = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^(0x)?[0-9a-f,]{0,300}$/) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 70_000 }).map((n) => 'f'.repeat(n)) },
  { weight: 3, arbitrary: fc.string({ maxLength: 100 }) },
);
const values = fc.oneof(nastyNumber, fc.string({ maxLength: 100 }), fc.string({ unit: 'binary', maxLength: 100 }), fc.constantFrom('0x8086\n', '16.0 GT/s PCIe\n', 'Unknown\n', 'x16', '10 21 21 10', 'Node 0 MemTotal: 123 kB', 'MemTotal: 99999999999999999999 kB'));

function checkList(ids: number[] | null): void {
  if (ids === null) return;
  for (let i = 0; i < ids.length; i += 1) {
    const v = ids[i]!;
    if (!Number.isSafeInteger(v) || v < 0 || v > MAX_LIST_ID) throw new Error(`id ${v} out of range`);
    if (i > 0 && v <= ids[i - 1]!) throw new Error('ids not sorted and unique');
  }
}

describe('fuzz: sysfs values and lists', () => {
  it('cpu/node lists', () => {
    fuzz('cpulist', lists, (s) => {
      const ids = parseCpuList(s);
      checkList(ids);
      const c = canonicalCpuList(s);
      if (ids !== null && ids.length < 100_000 && c !== formatCpuList(ids)) throw new Error('canonical form differs');
    }, { runs: 700 });
  });
  it('cpu masks', () => {
    fuzz('cpumask', masks, (s) => checkList(parseCpuMask(s)), { runs: 800 });
  });
  it('single values', () => {
    fuzz('sysfs values', values, (s) => {
      const n = parseIntValue(s);
      if (n !== null && !Number.isSafeInteger(n)) throw new Error(`parseIntValue gave ${n}`);
      parseHexId(s);
      parseHexId(s, 6);
      const sp = parseLinkSpeed(s);
      if (sp !== null && !Number.isFinite(sp)) throw new Error(`speed ${sp}`);
      parseLinkWidth(s);
      const m = parseNodeMemTotal(s);
      if (m !== null && !Number.isFinite(m)) throw new Error(`memory ${m}`);
      parseDistances(s);
      parseCpuinfo(s);
      parseKeyValues(s);
    }, { runs: 3000 });
  });
  it('config space headers', () => {
    fuzz('config header', fc.uint8Array({ maxLength: 300 }), (b) => {
      parseConfigHeader(b);
      parseConfigLink(b, parseConfigHeader(b));
    }, { runs: 1500 });
  });
  it('link state from config space: a PCIe capability planted in random bytes', () => {
    const speeds = new Set([0, 2.5, 5, 8, 16, 32, 64]);
    const planted = fc.tuple(fc.uint8Array({ minLength: 64, maxLength: 300 }), fc.integer({ min: 0x40, max: 0xfc })).map(([b, at]) => {
      const c = new Uint8Array(b);
      if (c.length > 0x34) {
        c[0x06]! |= 0x10;
        c[0x34] = at & 0xfc;
        if ((at & 0xfc) < c.length) c[at & 0xfc] = 0x10;
      }
      return c;
    });
    fuzz('config link', planted, (b) => {
      const l = parseConfigLink(b, parseConfigHeader(b));
      if (l === null) return;
      for (const w of [l.width, l.maxWidth]) if (!Number.isInteger(w) || w < 0 || w > 32) throw new Error(`width ${w}`);
      for (const v of [l.speed, l.maxSpeed]) if (!speeds.has(v)) throw new Error(`speed ${v}`);
    }, { runs: 2000 });
  });
  it('PCI uevent text', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.tuple(fc.constantFrom('DRIVER', 'PCI_ID', 'PCI_CLASS', 'PCI_SLOT_NAME', 'PCI_SUBSYS_ID', 'MODALIAS'), fc.string({ maxLength: 30 })).map(([k, v]) => `${k}=${v}`),
    );
    fuzz('pci uevent', fc.array(line, { maxLength: 12 }).map((ls) => ls.join('\n')), (s) => {
      const u = parsePciUevent(s);
      if (u === null) return;
      for (const id of [u.vendorId, u.deviceId]) if (id !== null && !/^0x[0-9a-f]{4}$/.test(id)) throw new Error(`id ${id}`);
      if (u.classCode !== null && !/^0x[0-9a-f]{6}$/.test(u.classCode)) throw new Error(`class ${u.classCode}`);
      if (u.driver !== null && (u.driver.includes('/') || u.driver === '..' || u.driver.length > 64)) throw new Error(`driver ${u.driver}`);
    }, { runs: 3000 });
  });
});
