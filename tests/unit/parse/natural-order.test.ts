// compareNatural must order names exactly as the numeric ICU collation it replaces did,
// for the kernel object names it sorts (dax devices, CXL memdevs, regions).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareNatural } from '../../../electron/topology/parse/natural-order';

const icu = (a: string, b: string) => Math.sign(a.localeCompare(b, 'en', { numeric: true }));

describe('compareNatural', () => {
  it('orders digit runs by value', () => {
    expect(['dax1.10', 'dax1.9', 'dax0.0', 'dax10.0', 'dax2.1'].sort(compareNatural)).toEqual(['dax0.0', 'dax1.9', 'dax1.10', 'dax2.1', 'dax10.0']);
    expect(['mem10', 'mem2', 'mem1'].sort(compareNatural)).toEqual(['mem1', 'mem2', 'mem10']);
  });

  it('agrees with localeCompare(numeric) on kernel-style names', () => {
    const name = fc.tuple(fc.constantFrom('dax', 'mem', 'region', 'decoder', 'port', 'endpoint'), fc.nat(200), fc.constantFrom('', '.', '-', '_'), fc.nat(40))
      .map(([p, a, sep, b]) => `${p}${a}${sep}${sep ? b : ''}`);
    fc.assert(fc.property(name, name, (a, b) => Math.sign(compareNatural(a, b)) === icu(a, b)), { numRuns: 3000, seed: 20261207 });
  });

  it('leading zeros and very long digit runs neither overflow nor tie unequal names', () => {
    expect(compareNatural('dax007', 'dax7')).not.toBe(0);
    expect(compareNatural('x99999999999999999999', 'x100000000000000000000')).toBeLessThan(0);
  });
});
