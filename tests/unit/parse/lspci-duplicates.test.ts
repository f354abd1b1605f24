// Two functions with one address in one file are never merged silently: two real servers'
// `lspci -vvnn` pasted into one file warn once for every address both use with another
// device there; the same output pasted twice, or -vmm after -vvv, merges quietly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLspci } from '../../../electron/topology/parse/lspci';

const fx = (p: string): string => readFileSync(join(__dirname, '../../../fixtures', p), 'latin1');
const addressesWithIds = (text: string): Map<string, string> =>
  new Map(parseLspci(text).records.map((r) => [r.address, `${r.vendorId}:${r.deviceId}:${r.classId}`]));

describe('one address, two functions', () => {
  it('two servers in one file: a warning for each shared address whose device differs', () => {
    const a = fx('lspci/x86-1s-xeon-e2300-asrockrack-ovh-nvme-x710.txt');
    const b = fx('lspci/x86-2s-xeon-e5-sandybridge-ibm-dx360m4-infiniband.txt');
    const ia = addressesWithIds(a);
    const ib = addressesWithIds(b);
    const differing = [...ia].filter(([addr, id]) => ib.has(addr) && ib.get(addr) !== id).map(([addr]) => addr).sort();
    expect(differing.length).toBeGreaterThan(0);
    const r = parseLspci(`${a}\n${b}`, 'two.txt');
    const warned = r.diagnostics.filter((d) => /appears again .* as a different function/.test(d.message)).map((d) => d.address).sort();
    expect(warned).toEqual(differing);
  });

  it('the same output twice, and -vmm after -vvv of one machine, merge without a warning', () => {
    const vvv = fx('lspci-from-sysfs/40intel64-2g2n4c+pcilocality.vvv-nn-D-k.txt');
    expect(parseLspci(`${vvv}\n${vvv}`).diagnostics.filter((d) => /appears again/.test(d.message))).toEqual([]);
    const vmm = fx('lspci-no-nn/40intel64-2g2n4c+pcilocality.vmm-D.txt');
    const plain = fx('lspci-no-nn/40intel64-2g2n4c+pcilocality.vvv-D-k.txt');
    expect(parseLspci(`${plain}\n${vmm}`).diagnostics.filter((d) => /appears again/.test(d.message))).toEqual([]);
  });
});
