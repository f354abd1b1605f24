// Plain `lspci` and `lspci -vmm` print no bridge bus ranges and no tree, so they cannot
// say which bridge leads to a bus. Checked against the sysfs capture of the same machine
// (real lspci run over it, fixtures/lspci-no-nn/README.md, fixtures/lab/*/README.md):
// every root complex the lspci reading names is the one sysfs names, and every function
// whose bus is not plausibly a root bus (bus 00, or a bus with a host bridge function)
// is left without one, with one note per bus.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInput } from '../../electron/topology/load';

const FIX = join(__dirname, '..', '..', 'fixtures');
const HW = (c: string) => join(FIX, 'hwloc', 'linux', `${c}.tar.bz2`);
const LAB = (s: string) => join(FIX, 'lab', s, 'capture.tar.gz');
const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ...['32em64t-2n8c+dax+nvme+mic+dimms', '40intel64-2g2n4c+pcilocality', '2pa-pcidomain32bits'].flatMap((c) => [
    [`lspci-no-nn/${c}.plain.txt`, HW(c)] as const,
    [`lspci-no-nn/${c}.vmm-D.txt`, HW(c)] as const,
  ]),
  ...['x86-q35-2numa-switch', 'x86-q35-dpdk-spdk', 'arm64-virt-acpi-neoverse-n1'].map((s) => [`lspci-no-nn/lab-${s}.plain.txt`, LAB(s)] as const),
  ...['x86-q35-2numa-switch', 'x86-q35-dpdk-spdk', 'x86-q35-cxl', 'x86-q35-rxe', 'x86-q35-sriov-nvme', 'arm64-virt-acpi-neoverse-n1', 'arm64-virt-cortex-a72', 'arm64-virt-neoverse-n1']
    .map((s) => [`lab/${s}/lspci-vmm-nn-D.txt`, LAB(s)] as const),
];

const busOf = (a: string) => a.replace(/^([0-9a-f]+):([0-9a-f]{2}):.*$/, '$1:$2');

describe('lspci without bus ranges or tree: no invented root complexes', () => {
  it.each(PAIRS)('%s', async (text, capture) => {
    const [{ topology: l }, { topology: s }] = await Promise.all([loadInput(join(FIX, text), { hostFacts: false }), loadInput(capture, { hostFacts: false })]);
    const truth = new Map(s.pci.devices.map((d) => [d.address, d.hostBridge] as const));
    const wrong: string[] = [];
    const unrooted = new Set<string>();
    for (const d of l.pci.devices) {
      expect(d.parent, d.address).toBeNull(); // nothing says which bridge is above
      if (!truth.has(d.address)) continue;
      if (d.hostBridge === null) unrooted.add(busOf(d.address));
      else if (d.hostBridge !== truth.get(d.address)) wrong.push(`${d.address}: ${d.hostBridge}, sysfs ${truth.get(d.address)}`);
    }
    expect(wrong).toEqual([]);
    // Each bus left without a root complex is one sysfs puts below some other bus's
    // root, or a root bus nothing in the text can tell apart (none here is bus 00).
    for (const b of unrooted) expect(b.endsWith(':00'), b).toBe(false);
    // Exactly one note per such bus, naming it.
    const notes = l.diagnostics.filter((x) => /bridge above bus \S+ is not recorded/.test(x.message));
    expect(notes.map((x) => /bus (\S+) is/.exec(x.message)![1]!.replace(/^(?![0-9a-f]+:)/, '0000:')).sort()).toEqual([...unrooted].sort());
    // The root complexes listed are only those some function names.
    const named = new Set(l.pci.devices.map((d) => d.hostBridge).filter((h) => h !== null));
    expect((l.pci.hostBridges ?? []).map((h) => h.id).filter((id) => !named.has(id))).toEqual([]);
  });

  it('32em64t plain: the I350s on bus 02, the display on 05 and the ConnectX-3 on 82 have no root complex; bus 00 keeps pci0000:00', async () => {
    const { topology: t } = await loadInput(join(FIX, 'lspci-no-nn/32em64t-2n8c+dax+nvme+mic+dimms.plain.txt'), { hostFacts: false });
    const hb = new Map(t.pci.devices.map((d) => [d.address, d.hostBridge] as const));
    for (const a of ['0000:02:00.0', '0000:02:00.3', '0000:05:00.0', '0000:82:00.0', '0000:80:02.2']) expect(hb.get(a), a).toBeNull();
    expect(hb.get('0000:00:02.0')).toBe('pci0000:00');
    expect((t.pci.hostBridges ?? []).map((h) => h.id)).toEqual(['pci0000:00']);
  });
});
