// A root complex that hangs below a PCI device (Intel VMD: the kernel's vmd driver makes
// a domain 10000+ whose host bridge's parent is the VMD endpoint). No fixture here has
// one, so this case is built from the real 2pa-pcidomain32bits capture (domain 10000
// and domain 0000) by saying its pci10000:00 hangs below 0000:00:03.0 — constructed,
// to hold the rule: traffic of the VMD domain goes through the VMD device.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMatrix } from '../../../electron/topology/answers/matrix';
import { loadInput } from '../../../electron/topology/load';
import type { Snapshot } from '../../../electron/topology/model';

describe('matrix across a VMD-style domain', async () => {
  const real = (await loadInput(join(__dirname, '../../../fixtures/hwloc/linux/2pa-pcidomain32bits.tar.bz2'), { hostFacts: false })).topology;
  const t: Snapshot = { ...real, pci: { ...real.pci, hostBridges: (real.pci.hostBridges ?? []).map((hb) => (hb.id === 'pci10000:00' ? { ...hb, behind: '0000:00:03.0' } : hb)) } };
  const cls = (s: Snapshot, a: string, b: string) => {
    const d = (x: string) => s.pci.devices.find((p) => p.address === x)!;
    return buildMatrix(s, [d(a), d(b)]).matrix[0]![1];
  };
  it('the capture has both domains on root buses', () => {
    expect(real.pci.devices.filter((d) => d.address.startsWith('10000:')).every((d) => d.parent === null && d.hostBridge === 'pci10000:00')).toBe(true);
  });
  it('without "behind", two root complexes of one node: NODE', () => {
    expect(cls(real, '10000:00:04.0', '0000:00:02.0')).toBe('NODE');
  });
  it('behind 0000:00:03.0: a device of the domain and one on the outer root bus meet at the outer host bridge (PHB)', () => {
    expect(cls(t, '10000:00:04.0', '0000:00:02.0')).toBe('PHB');
  });
  it('... and reach the VMD device itself through no bridge (PIX)', () => {
    expect(cls(t, '10000:00:04.0', '0000:00:03.0')).toBe('PIX');
  });
});
