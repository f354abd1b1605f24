// DOT export: each function is declared inside the cluster of its own NUMA node (the
// cluster Graphviz draws it in), every tree edge is kept.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportDot } from '../../../electron/topology/export/dot';
import { loadInput } from '../../../electron/topology/load';

const REPO = join(__dirname, '../../..');

describe('DOT export locality', () => {
  it('declares every function in its own NUMA node cluster, once', async () => {
    for (const f of ['fixtures/hwloc/linux/40intel64-2g2n4c+pcilocality.tar.bz2', 'fixtures/lab/x86-q35-cxl/capture.tar.gz']) {
      const { topology: t } = await loadInput(join(REPO, f), { hostFacts: false });
      const dot = exportDot(t);
      const where = new Map<string, string[]>();
      for (const m of dot.matchAll(/subgraph cluster_\d+ \{\n\s+label="([^"]+)";\n([\s\S]*?)\n {2}\}/g)) {
        for (const d of m[2]!.matchAll(/^\s+"([0-9a-f]{4,}:[0-9a-f]{2}:[0-9a-f]{2}\.\d)" \[/gm)) where.set(d[1]!, [...(where.get(d[1]!) ?? []), m[1]!]);
      }
      for (const d of t.pci.devices) expect(where.get(d.address), `${f} ${d.address}`).toEqual([d.numaNode === null ? 'locality unknown' : `NUMA node ${d.numaNode}`]);
      expect(dot.match(/ -> /g)!.length).toBe(t.pci.devices.length);
    }
  });
});
