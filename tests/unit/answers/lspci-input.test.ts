// The answers on lspci text, which names NUMA nodes ("NUMA node: N") but never their
// CPUs: no device is called CPU-less, and advise chooses no cores rather than invent
// some (real server: IBM dx360 M4, 2 sockets, QLogic InfiniBand HCA at 20:00.0).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { advise } from '../../../electron/topology/answers/advise';
import { checkTopology } from '../../../electron/topology/answers/check';
import { selectDevices } from '../../../electron/topology/answers/select';
import { snapshotFromLspci } from '../../../electron/topology/sources/lspci';

const name = 'x86-2s-xeon-e5-sandybridge-ibm-dx360m4-infiniband.txt';
const text = readFileSync(join(__dirname, '../../../fixtures/lspci', name), 'utf8');

describe('answers on lspci text (nodes known, their CPUs not)', () => {
  const t = snapshotFromLspci(text, name).topology;
  const hcaNode = Number(/^20:00\.0 [\s\S]*?NUMA node: (\d+)/m.exec(text)![1]);
  it('check: no cpuless-node finding', () => {
    expect(checkTopology(t).findings.filter((f) => f.check === 'cpuless-node')).toEqual([]);
  });
  it('advise for the HCA: its node from lspci, no cores, no mask, a warning saying where to look', () => {
    const a = advise(t, selectDevices(t, '20:00.0').devices);
    expect(a.numaNode).toBe(hcaNode);
    expect(a.cores).toEqual([]);
    expect(a.dpdk.lcores).toBeNull();
    expect(a.spdk.cpumask).toBeNull();
    expect(a.dpdk.eal.startsWith('--socket-mem')).toBe(true);
    expect(a.warnings.some((w) => w.includes(`/sys/devices/system/node/node${hcaNode}/cpulist`))).toBe(true);
  });
});
