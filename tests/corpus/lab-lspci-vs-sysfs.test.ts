// Issue 5's cross-check on captures a real kernel wrote: for each lab fixture, the
// guest's own `lspci -vvv -nn -D -k` (run as root inside the guest, so it shows the
// PCIe capability) imported with the lspci importer, against the sysfs reader on the
// same guest's capture: functions, parents, drivers and link state agree.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInput } from '../../electron/topology/load';
import { snapshotFromLspci } from '../../electron/topology/sources/lspci';

const LAB = join(__dirname, '../../fixtures/lab');
const cases = existsSync(LAB)
  ? readdirSync(LAB).filter((d) => existsSync(join(LAB, d, 'capture.tar.gz')) && existsSync(join(LAB, d, 'lspci-vvv-nn-D-k.txt')))
  : [];

describe.each(cases)('%s: lspci importer vs sysfs reader', (name) => {
  it('same functions, parents, drivers, port kinds and link state', async () => {
    const sys = (await loadInput(join(LAB, name, 'capture.tar.gz'), { hostFacts: false })).topology;
    const imp = snapshotFromLspci(readFileSync(join(LAB, name, 'lspci-vvv-nn-D-k.txt'), 'utf8'), 'lspci').topology;
    const a = new Map(sys.pci.devices.map((d) => [d.address, d]));
    expect(imp.pci.devices.map((d) => d.address).sort()).toEqual([...a.keys()].sort());
    const problems: string[] = [];
    for (const x of imp.pci.devices) {
      const s = a.get(x.address)!;
      if (s.parent !== x.parent) problems.push(`${x.address} parent ${s.parent} / lspci ${x.parent}`);
      if (s.driver !== x.driver) problems.push(`${x.address} driver ${s.driver} / lspci ${x.driver}`);
      // sysfs decides port kinds from the tree's shape or config space; lspci prints the
      // Express capability: they must agree wherever the capability is shown.
      if (x.portKindSource === 'lspci' && s.portKind !== x.portKind) problems.push(`${x.address} port ${s.portKind} / lspci ${x.portKind}`);
      // Link: sysfs current_link_* / max_link_* against LnkSta / LnkCap.
      const sl = s.link;
      const xl = x.link;
      if (sl && xl && sl.speed !== null && xl.speed !== null) {
        for (const k of ['speed', 'width', 'maxSpeed', 'maxWidth', 'downgraded'] as const) {
          if (sl[k] !== xl[k]) problems.push(`${x.address} link.${k} ${sl[k]} / lspci ${xl[k]}`);
        }
      }
    }
    expect(problems).toEqual([]);
    // The comparison must have covered links at all.
    expect(imp.pci.devices.filter((d) => d.link?.speed).length).toBeGreaterThan(0);
  });
});
