// Issue 17 acceptance for `topolens matrix`: the class of every pair of PCI functions,
// computed by answers/matrix from each input topolens reads (hwloc's sysfs archives,
// hwloc XML, a public GPU server's lstopo XML), against the class computed by the
// test-only rule (tests/support/path-class.ts) from hwloc's own XML of the same machine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMatrix } from '../../electron/topology/answers/matrix';
import { loadInput } from '../../electron/topology/load';
import type { Snapshot } from '../../electron/topology/model';
import { snapshotFromHwlocXml } from '../../electron/topology/sources/hwloc-xml';
import { readHwlocXml } from '../support/hwloc-ref';
import { lspciTree, ncclTree, truthClasses, type TreeNode } from '../support/path-class';
import { snapshotFromLspci } from '../../electron/topology/sources/lspci';

const fx = join(__dirname, '../../fixtures');
/** Pairs compared per class over every case (checked last). */
const seen = new Map<string, number>();

/** hwloc's tree as plain nodes: parent bridge, host bridge bus range, the one NUMA node of its nodeset. */
function hwlocTree(xmlText: string, skip: readonly string[] = []): TreeNode[] {
  const ref = readHwlocXml(xmlText);
  return [...ref.pci.values()].filter((p) => !skip.includes(p.busid)).map((p) => ({
    id: p.busid,
    parent: p.parent,
    isBridge: p.isBridge,
    hostBridge: p.hostBridgeBuses,
    node: p.nodeset && p.nodeset.length === 1 ? p.nodeset[0]! : ref.numa.size === 1 ? [...ref.numa.keys()][0]! : null,
  }));
}

/** Every pair where our matrix and hwloc's tree disagree, as readable lines. */
function disagreements(t: Snapshot, tree: readonly TreeNode[]): { pairs: number; bad: string[]; counts: Record<string, number> } {
  const byAddr = new Map(t.pci.devices.map((d) => [d.address, d]));
  const ids = tree.map((n) => n.id).filter((id) => byAddr.has(id));
  const m = buildMatrix(t, ids.map((id) => byAddr.get(id)!));
  const truth = truthClasses(tree);
  const bad: string[] = [];
  const counts: Record<string, number> = {};
  let pairs = 0;
  for (let i = 0; i < ids.length; i += 1) {
    for (let j = 0; j < ids.length; j += 1) {
      const want = truth(ids[i]!, ids[j]!);
      const got = m.matrix[i]![j]!;
      if (i < j) counts[want] = (counts[want] ?? 0) + 1;
      pairs += 1;
      if (got !== want) bad.push(`${ids[i]} ${ids[j]}: ${got}, hwloc ${want}`);
      if (got !== m.matrix[j]![i]) bad.push(`${ids[i]} ${ids[j]}: not symmetric`);
    }
  }
  expect(ids.length).toBe(tree.length);
  return { pairs, bad, counts };
}

const SYSFS_CASES = [
  { archive: '32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2', xml: '32em64t-2n8c+dax+nvme+mic+dimms.whole-io.xml', skip: ['0000:00:11.0'] },
  { archive: '40intel64-2g2n4c+pcilocality.tar.bz2', xml: '40intel64-2g2n4c+pcilocality.whole-io-noenv.xml', skip: [] },
  { archive: '2pa-pcidomain32bits.tar.bz2', xml: '2pa-pcidomain32bits.whole-io.xml', skip: ['10000:00:00.0', '10000:00:04.0'] },
];

describe.each(SYSFS_CASES)('matrix of $archive vs hwloc $xml', ({ archive, xml, skip }) => {
  it('every pair has hwloc\'s class', async () => {
    const t = (await loadInput(join(fx, 'hwloc/linux', archive), { hostFacts: false })).topology;
    const tree = hwlocTree(readFileSync(join(fx, 'hwloc/linux', xml), 'utf8'), skip);
    const r = disagreements(t, tree.filter((n) => !skip.includes(n.id)));
    expect(r.bad).toEqual([]);
    expect(r.pairs).toBeGreaterThan(0);
    for (const [k, v] of Object.entries(r.counts)) seen.set(k, (seen.get(k) ?? 0) + v);
  });
});

const XML_CASES = [
  { file: 'hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.whole-io.xml' },
  { file: 'hwloc/linux/40intel64-2g2n4c+pcilocality.whole-io.xml' },
  { file: 'hwloc/xml/24em64t-2n6c2t-pci.xml' },
  { file: 'hwloc/xml/16intel64-manyVFs.xml' },
  { file: 'gpu-server/2rc-dual-k80-lstopo.xml' },
];

describe.each(XML_CASES)('matrix of hwloc XML $file', ({ file }) => {
  it('every pair has the class of hwloc\'s own tree', () => {
    const text = readFileSync(join(fx, file), 'utf8');
    const t = snapshotFromHwlocXml(text, file).topology;
    const r = disagreements(t, hwlocTree(text));
    expect(r.bad).toEqual([]);
    for (const [k, v] of Object.entries(r.counts)) seen.set(k, (seen.get(k) ?? 0) + v);
  });
});

const LSPCI_SERVERS = [
  'aarch64-ampere-altra-adlink-rtx3090-nvme.txt',
  'aarch64-huawei-taishan2280v2-kunpeng920-hi1822-switch.txt',
  'x86-1s-epyc-naples-4numa-gigabyte-mz31-bnx2x.txt',
  'x86-1s-xeon-e2300-asrockrack-ovh-nvme-x710.txt',
  'x86-2s-xeon-e5-sandybridge-ibm-dx360m4-infiniband.txt',
];

describe.each(LSPCI_SERVERS)('matrix of real server lspci %s', (file) => {
  it('every pair has the class of the tree its bus ranges and NUMA lines give', () => {
    const text = readFileSync(join(fx, 'lspci', file), 'utf8');
    const r = disagreements(snapshotFromLspci(text, file).topology, lspciTree(text));
    expect(r.bad).toEqual([]);
    for (const [k, v] of Object.entries(r.counts)) seen.set(k, (seen.get(k) ?? 0) + v);
  });
});

// The lab machines: the matrix from the sysfs capture (topolens's reader) against the
// tree the guest's own `lspci -vvv -nn -D -k` printed (as root: PCIe port types known).
const LAB = ['x86-q35-2numa-switch', 'x86-q35-dpdk-spdk', 'x86-q35-sriov-nvme', 'x86-q35-rxe', 'x86-q35-cxl', 'arm64-virt-neoverse-n1'];

describe.each(LAB)('matrix of lab %s', (name) => {
  it('sysfs capture: every pair has the class of the guest lspci tree', async () => {
    const text = readFileSync(join(fx, 'lab', name, 'lspci-vvv-nn-D-k.txt'), 'utf8');
    const t = (await loadInput(join(fx, 'lab', name, 'capture.tar.gz'), { hostFacts: false })).topology;
    const r = disagreements(t, lspciTree(text));
    expect(r.bad).toEqual([]);
    for (const [k, v] of Object.entries(r.counts)) seen.set(k, (seen.get(k) ?? 0) + v);
  });
});

// NCCL topology XML (a real dump and AWS's hand-written p4d file): GPUs and NICs behind
// one switch are PIX, different <cpu> elements SYS; NCCL records no host bridges, so
// two switches of one CPU are UNK (PHB or NODE), never a guess.
describe.each(['ibm-cloud-gx3d-h100-vsi.xml', 'aws-p4d-24xl-static.xml'])('matrix of NCCL XML %s', (file) => {
  it('every pair has the class of the XML\'s own nesting', async () => {
    const path = join(fx, 'nccl', file);
    const t = (await loadInput(path, { hostFacts: false })).topology;
    const tree = ncclTree(readFileSync(path, 'utf8'));
    const r = disagreements(t, tree.filter((n) => t.pci.devices.some((d) => d.address === n.id)));
    expect(r.bad).toEqual([]);
    expect(r.counts['PIX'] ?? 0).toBeGreaterThan(0);
    expect(r.counts['SYS'] ?? 0).toBeGreaterThan(0);
  });
});

describe('coverage of the comparison', () => {
  it('the cases above exercise every class (so a wrong rule for any of them fails a case)', () => {
    console.log('pairs compared per hwloc class:', Object.fromEntries(seen));
    for (const c of ['PIX', 'PXB', 'PHB', 'NODE', 'SYS', 'UNK']) expect(seen.get(c) ?? 0, c).toBeGreaterThan(0);
  });
});

describe('GPU server with PCIe switches (2 sockets, 2 Tesla K80 cards each with a PEX 8747 switch)', () => {
  const file = join(fx, 'gpu-server/2rc-dual-k80-lstopo.xml');
  const t = snapshotFromHwlocXml(readFileSync(file, 'utf8'), '2rc-dual-k80-lstopo.xml').topology;
  const cls = (a: string, b: string) => {
    const d = (x: string) => t.pci.devices.find((p) => p.address === x)!;
    return buildMatrix(t, [d(a), d(b)]).matrix[0]![1];
  };
  // Hand-checked against the lstopo XML: 04:00.0 is the PEX 8747 upstream port below root
  // port 00:03.0, 05:08.0 and 05:10.0 its downstream ports; likewise 82:00.0 / 83:08.0 /
  // 83:10.0 below 80:03.0 on the second package.
  it('the two GPUs of one K80 card meet in its switch: PIX (the switch is one bridge, not three)', () => {
    expect(cls('0000:06:00.0', '0000:07:00.0')).toBe('PIX');
    expect(cls('0000:84:00.0', '0000:85:00.0')).toBe('PIX');
  });
  it('a GPU and the SAS controller on another root port of the same host bridge: PHB', () => {
    expect(cls('0000:06:00.0', '0000:01:00.0')).toBe('PHB');
  });
  it('the ConnectX-3 on node 1 and the K80 of node 1: PHB; and of node 0: SYS', () => {
    expect(cls('0000:81:00.0', '0000:84:00.0')).toBe('PHB');
    expect(cls('0000:81:00.0', '0000:06:00.0')).toBe('SYS');
  });
  it('the two ports of the I350 (one function each, same root port): PIX', () => {
    expect(cls('0000:02:00.0', '0000:02:00.1')).toBe('PIX');
  });
});
