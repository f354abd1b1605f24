// Root complexes are named only when the input records them. NCCL's topology XML lists
// every second PCI level (no root ports, no host bridges): its top functions are not on
// a root bus, so their own bus is not a root complex's name. Checked against the raw
// files: no "pciDDDD:BB" name appears in them, so none may appear in the picture.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportDot } from '../../../electron/topology/export/dot';
import { exportSvg } from '../../../electron/topology/export/svg';
import { exportText } from '../../../electron/topology/export/text';
import { loadInput } from '../../../electron/topology/load';
import { buildScene } from '../../../electron/topology/view/scene';

const REPO = join(__dirname, '../../..');
const nccl = readdirSync(join(REPO, 'fixtures/nccl')).filter((f) => f.endsWith('.xml')).map((f) => `fixtures/nccl/${f}`);

describe('root complexes the input does not record', () => {
  for (const f of nccl) {
    it(f, async () => {
      const raw = readFileSync(join(REPO, f), 'utf8');
      expect(raw).not.toMatch(/pci[0-9a-f]{4}:[0-9a-f]{2}/i);
      const { topology: t } = await loadInput(join(REPO, f), { hostFacts: false });
      const frames = buildScene(t).nodes.filter((n) => n.kind === 'complex');
      expect(frames.length).toBeGreaterThan(0);
      for (const fr of frames) {
        expect(fr.lines[0]).toBe('root complex not recorded');
        expect(fr.title).toBe('Root complex not recorded: NCCL lists every second PCI level');
      }
      for (const out of [exportSvg(t), exportText(t, { all: true }), exportDot(t)]) {
        expect(out).not.toMatch(/pci[0-9a-f]{4}:[0-9a-f]{2}/i);
        expect(out).toMatch(/root complex not recorded/);
      }
      // One frame per NUMA box at most: the roots are not split by their own bus.
      expect(new Set(frames.map((fr) => fr.group)).size).toBe(frames.length);
    });
  }
  it('a capture that records its host bridges keeps their names', async () => {
    const { topology: t } = await loadInput(join(REPO, 'fixtures/lab/x86-q35-cxl/capture.tar.gz'), { hostFacts: false });
    const ids = (t.pci.hostBridges ?? []).map((h) => h.id);
    expect(ids.length).toBeGreaterThan(0);
    const labels = buildScene(t).nodes.filter((n) => n.kind === 'complex').map((n) => n.lines[0]!.split(' ')[0]);
    for (const l of labels) expect(ids).toContain(l);
  });
});
