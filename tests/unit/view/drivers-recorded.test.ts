// "no driver" only where the input records drivers. hwloc XML, NCCL XML and lspci run
// without -k (plain, -vmm, -tv) carry no driver at all: the picture (SVG), the text
// tree and the details must not call their functions driverless. Which files record
// drivers is read from the raw file itself (lspci -k prints "Kernel driver in use"),
// not from our parser.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { driversRecorded, driverText, noDriversReason } from '../../../electron/topology/export/describe';
import { exportSvg } from '../../../electron/topology/export/svg';
import { exportText } from '../../../electron/topology/export/text';
import { loadInput } from '../../../electron/topology/load';
import { buildScene } from '../../../electron/topology/view/scene';

const REPO = join(__dirname, '../../..');
const files = ['fixtures/lspci', 'fixtures/lspci-no-nn', 'fixtures/hwloc/xml', 'fixtures/nccl']
  .filter((d) => existsSync(join(REPO, d)))
  .flatMap((d) => readdirSync(join(REPO, d)).filter((f) => /\.(txt|xml)$/.test(f)).map((f) => `${d}/${f}`));

/** lspci -k blocks without "Kernel driver in use": functions the file says are unbound. */
function unboundInRaw(text: string): number {
  return text.split(/\n\s*\n/).filter((b) => /^[0-9a-f]{2,}:[0-9a-f]{2}[.:]/i.test(b.trim()) && !/Kernel driver in use/.test(b)).length;
}

describe('drivers: "no driver" only where the input records drivers', () => {
  let unboundSeen = 0;
  for (const f of files) {
    it(f, async () => {
      const raw = readFileSync(join(REPO, f), 'utf8');
      const { topology: t } = await loadInput(join(REPO, f), { hostFacts: false });
      const recorded = /Kernel driver in use|Kernel modules/.test(raw);
      expect(driversRecorded(t)).toBe(recorded);
      const svg = exportSvg(t);
      const text = exportText(t, { all: true });
      const lines = buildScene(t).nodes.flatMap((n) => n.lines);
      if (!recorded) {
        expect(noDriversReason(t)).toMatch(/records no drivers/);
        expect(svg).not.toMatch(/no driver/);
        expect(text).not.toMatch(/no driver/);
        expect(lines.filter((l) => /no driver/.test(l))).toEqual([]);
        for (const d of t.pci.devices) expect(driverText(d, noDriversReason(t))).toMatch(/^not recorded \(/);
      } else {
        expect(noDriversReason(t)).toBeNull();
        // A function the file shows unbound still says so (the rule can fail both ways).
        const unbound = t.pci.devices.filter((d) => d.driver === null);
        expect(unbound.length).toBe(unboundInRaw(raw));
        for (const d of unbound) expect(driverText(d, null)).toBe('none (unbound)');
        if (unbound.length && lines.some((l) => /no driver/.test(l))) unboundSeen += 1;
      }
    });
  }
  it('some lspci -k file draws an unbound function as "no driver"', () => {
    expect(unboundSeen).toBeGreaterThan(0);
  });
});
