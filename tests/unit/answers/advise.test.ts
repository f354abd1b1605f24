// advise's core choice on a machine with SMT and interleaved CPU numbers (hwloc's
// 24em64t-2n6c2t-pci XML: 2 packages x 6 cores x 2 threads, node 0 = even CPUs): the
// cores are on the devices' node, never CPU 0, never two threads of one core, and not
// CPU 0's sibling while other cores remain — each checked against the XML's own Core
// objects read here with a plain SAX walk, not through the importer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { advise } from '../../../electron/topology/answers/advise';
import { selectDevices } from '../../../electron/topology/answers/select';
import { snapshotFromHwlocXml } from '../../../electron/topology/sources/hwloc-xml';

const file = join(__dirname, '../../../fixtures/hwloc/xml/24em64t-2n6c2t-pci.xml');
const text = readFileSync(file, 'utf8');

/** PU os_index → the Core object it sits in (its order in the document), and NUMA node → PUs. */
function coresOf(xml: string): { coreOf: Map<number, number>; nodePus: Map<number, number[]> } {
  const coreOf = new Map<number, number>();
  const nodePus = new Map<number, number[]>();
  const stack: Array<{ type: string; core: number | null }> = [];
  let cores = 0;
  const p = new SaxesParser();
  p.on('opentag', (tag) => {
    if (tag.name !== 'object') return;
    const type = String(tag.attributes['type']);
    const up = stack[stack.length - 1]?.core ?? null;
    const core = type === 'Core' ? cores++ : up;
    if (type === 'PU') coreOf.set(Number(tag.attributes['os_index']), core!);
    if (type === 'NUMANode') {
      const set = String(tag.attributes['cpuset']);
      const bits = BigInt(`0x${set.replace(/0x/g, '').replace(/,/g, '')}`);
      const pus: number[] = [];
      for (let i = 0; i < 64; i += 1) if ((bits >> BigInt(i)) & 1n) pus.push(i);
      nodePus.set(Number(tag.attributes['os_index']), pus);
    }
    stack.push({ type, core });
  });
  p.on('closetag', (tag) => {
    if (tag.name === 'object') stack.pop();
  });
  p.write(xml).close();
  return { coreOf, nodePus };
}

describe('advise: cores on an SMT machine with interleaved CPU numbers', () => {
  const t = snapshotFromHwlocXml(text, '24em64t-2n6c2t-pci.xml').topology;
  const { coreOf, nodePus } = coresOf(text);

  it('the XML has SMT: two PUs per core', () => {
    const perCore = new Map<number, number>();
    for (const c of coreOf.values()) perCore.set(c, (perCore.get(c) ?? 0) + 1);
    expect([...perCore.values()].every((n) => n === 2)).toBe(true);
  });

  for (const n of [2, 4, 5]) {
    it(`${n} cores for the node-0 NIC: node 0 PUs, not CPU 0 nor its sibling, one per core`, () => {
      const a = advise(t, selectDevices(t, '0000:04:00.0').devices, { cores: n });
      expect(a.numaNode).toBe(0);
      expect(a.cores).toHaveLength(n);
      expect(a.cores.every((c) => nodePus.get(0)!.includes(c))).toBe(true);
      expect(a.cores).not.toContain(0);
      const cpu0Core = coreOf.get(0)!;
      expect(a.cores.some((c) => coreOf.get(c) === cpu0Core)).toBe(false);
      expect(new Set(a.cores.map((c) => coreOf.get(c))).size).toBe(n);
      const mask = a.cores.reduce((m, c) => m | (1n << BigInt(c)), 0n);
      expect(a.spdk.cpumask).toBe(`0x${mask.toString(16)}`);
      expect(a.warnings.some((w) => /SMT siblings/.test(w))).toBe(false);
    });
  }

  it('more cores than the node has physical cores: CPU 0\'s sibling and shared cores only then, and the warning says so', () => {
    const a = advise(t, selectDevices(t, '0000:04:00.0').devices, { cores: 8 });
    // node 0: 6 cores; 5 without CPU 0, then CPU 0's sibling, then second threads.
    expect(a.cores).toHaveLength(8);
    expect(a.cores).not.toContain(0);
    expect(new Set(a.cores.map((c) => coreOf.get(c))).size).toBe(6);
    expect(a.warnings.some((w) => /share a core/.test(w))).toBe(true);
  });

  it('socketMem has one value per node in id order, memory only on the devices\' node', () => {
    expect(advise(t, selectDevices(t, '0000:14:00.0').devices).dpdk.socketMem).toBe('0,1024');
    expect(advise(t, selectDevices(t, '0000:04:00.0').devices).dpdk.socketMem).toBe('1024,0');
  });
});
