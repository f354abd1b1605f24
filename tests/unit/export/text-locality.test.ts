// `topolens show` lists every function in the section of its own NUMA node, as the
// picture draws it; the section its root complex sits in points there.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportText } from '../../../electron/topology/export/text';
import { loadInput } from '../../../electron/topology/load';

const REPO = join(__dirname, '../../..');

/** Section headers and the lines under each. */
function sections(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur = '';
  for (const l of text.split('\n')) {
    if (/^(NUMA node \d+|Locality unknown)/.test(l)) out.set((cur = l.split(' (')[0]!.split(' ·')[0]!), []);
    else if (cur && l.startsWith('  ')) out.get(cur)!.push(l);
  }
  return out;
}

describe('text tree locality', () => {
  it("lists 40intel64's RDMA card (numa_node 2) and its root port (numa_node -1, node from its root complex) under NUMA node 2", async () => {
    const { topology: t } = await loadInput(join(REPO, 'fixtures/hwloc/linux/40intel64-2g2n4c+pcilocality.tar.bz2'), { hostFacts: false });
    const s = sections(exportText(t));
    expect(s.get('NUMA node 2')!.some((l) => l.includes('0000:43:00.0  InfiniBand'))).toBe(true);
    expect(s.get('NUMA node 2')![0]).toMatch(/^  pci0000:40 root complex$/);
    expect(s.get('NUMA node 2')!.find((l) => l.includes('0000:40:03.0'))).toMatch(/\(node from root-complex\)/);
    expect(s.get('Locality unknown')!.some((l) => l.includes('0000:43:00.0') || l.includes('pci0000:40'))).toBe(false);
  });
  it('every function is listed (with --all) in the section of its own numaNode, exactly once', async () => {
    for (const f of ['fixtures/hwloc/linux/40intel64-2g2n4c+pcilocality.tar.bz2', 'fixtures/hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2', 'fixtures/lab/x86-q35-cxl/capture.tar.gz']) {
      const { topology: t } = await loadInput(join(REPO, f), { hostFacts: false });
      const s = sections(exportText(t, { all: true }));
      for (const d of t.pci.devices) {
        const want = d.numaNode === null ? 'Locality unknown' : `NUMA node ${d.numaNode}`;
        const hits = [...s].filter(([, lines]) => lines.some((l) => l.includes(`${d.address}  `)));
        expect(hits.map(([k]) => k), `${f} ${d.address}`).toEqual([want]);
      }
    }
  });
});
