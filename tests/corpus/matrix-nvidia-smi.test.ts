// `topolens matrix` against `nvidia-smi topo -m` of the same machine. Each paste
// (fixtures/pastes/README.md) holds `lspci -tv`, `lspci -vvv` of the GPUs and NICs,
// `numactl --hardware`, `nvidia-smi` (each GPU's Bus-Id), `nvidia-smi topo -m` (GPUs, NICs,
// NIC legend, CPU and NUMA affinity) and `ibv_devinfo`: the ASUS ESC8000A-E12 (2 nodes,
// NUMA lines on the endpoints) and the Puget WRX90 (1 node, no NUMA lines at all).
// nvidia-smi's tables are read here, independently of the engine, and every pair's class
// is compared.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMatrix } from '../../electron/topology/answers/matrix';
import { loadInput } from '../../electron/topology/load';
import type { Snapshot } from '../../electron/topology/model';

const PASTES = join(__dirname, '..', '..', 'fixtures', 'pastes');

/** `nvidia-smi`: GPU index → PCI address, from the Bus-Id column ("00000000:C1:00.0"). */
function gpuBusIds(s: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of s.matchAll(/^\|\s+(\d+)\s+NVIDIA .*?\|\s+([0-9A-Fa-f]{8}):([0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-7])\s/gm)) {
    out.set(`GPU${m[1]}`, `${m[2]!.slice(4)}:${m[3]}`.toLowerCase());
  }
  return out;
}

/** `nvidia-smi topo -m`: the column labels and each row's classes. */
function topoMatrix(s: string): { labels: string[]; rows: Map<string, string[]> } {
  const lines = s.split('\n');
  const head = lines.findIndex((l) => /^\s+GPU0\s+GPU1\b/.test(l));
  const labels = lines[head]!.trim().split(/\s+/).filter((w) => /^(GPU|NIC)\d+$/.test(w));
  const rows = new Map<string, string[]>();
  for (const l of lines.slice(head + 1)) {
    const w = l.trim().split(/\s+/);
    if (!/^(GPU|NIC)\d+$/.test(w[0] ?? '')) break;
    rows.set(w[0]!, w.slice(1, 1 + labels.length));
  }
  return { labels, rows };
}

/** `ibv_devinfo`: RDMA device → sys_image_guid (one per adapter card). */
function imageGuids(s: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of s.matchAll(/^hca_id:\s+(\S+)[\s\S]*?sys_image_guid:\s+(\S+)/gm)) out.set(m[1]!, m[2]!);
  return out;
}

const CASES = [
  { file: 'stelline-asus-esc8000a-e12.md', gpus: ['0000:01:00.0', '0000:41:00.0', '0000:c1:00.0', '0000:e1:00.0'], nics: ['0000:21:00.0', '0000:21:00.1', '0000:81:00.0', '0000:81:00.1'] },
  { file: 'stelline-puget-threadripper-pro-wrx90.md', gpus: ['0000:c1:00.0', '0000:c2:00.0'], nics: ['0000:21:00.0', '0000:21:00.1'] },
];

describe.each(CASES)('$file: topolens matrix vs nvidia-smi topo -m', (c) => {
  let t: Snapshot;
  const PASTE = join(PASTES, c.file);
  const text = readFileSync(PASTE, 'utf8');
  const gpus = gpuBusIds(text);
  const topo = topoMatrix(text);
  const nicLegend = new Map([...text.matchAll(/^\s+(NIC\d+): (mlx5_\d+)$/gm)].map((m) => [m[1]!, m[2]!] as const));
  beforeAll(async () => {
    t = (await loadInput(PASTE, { hostFacts: false })).topology;
  });

  const gpuLabels = c.gpus.map((_, i) => `GPU${i}`);
  const nicLabels = c.nics.map((_, i) => `NIC${i}`);

  it('reads nvidia-smi as printed: GPUs with Bus-Ids, the matrix, NICs in the legend', () => {
    expect([...gpus]).toEqual(c.gpus.map((a, i) => [`GPU${i}`, a]));
    expect(topo.labels).toEqual([...gpuLabels, ...nicLabels]);
    expect([...nicLegend.values()]).toEqual(c.nics.map((_, i) => `mlx5_${i}`));
  });

  /**
   * NICx → PCI function. The paste names no mlx5_N's address. Assumption: mlx5_core
   * registers RDMA devices in probe order, which is ascending PCI address, so the four
   * ConnectX-7 functions in address order are mlx5_0..3. What the paste does say agrees:
   * ibv_devinfo gives mlx5_0/mlx5_1 one sys_image_guid and mlx5_2/mlx5_3 another (two
   * dual-function cards), as the tree has two cards of two functions each.
   */
  function nicAddresses(): Map<string, string> {
    const cx7 = t.pci.devices.filter((d) => d.vendorId === '0x15b3' && /ConnectX-7/.test(d.deviceName ?? '')).map((d) => d.address).sort();
    expect(cx7).toEqual(c.nics);
    // Functions 0 and 1 of one card share its sys_image_guid; cards differ.
    const guid = imageGuids(text);
    cx7.forEach((a, i) => cx7.forEach((b, j) => expect(guid.get(`mlx5_${i}`) === guid.get(`mlx5_${j}`), `mlx5_${i} mlx5_${j}`).toBe(a.slice(0, -2) === b.slice(0, -2))));
    return new Map([...nicLegend].map(([nic, ib]) => [nic, cx7[Number(ib.slice(5))]!] as const));
  }

  function compare(labels: readonly string[], addrOf: ReadonlyMap<string, string>) {
    const devs = labels.map((l) => t.pci.devices.find((d) => d.address === addrOf.get(l))!);
    const m = buildMatrix(t, devs);
    const agree: string[] = [];
    const differ: string[] = [];
    labels.forEach((a, i) => labels.forEach((b, j) => {
      if (j <= i) return;
      const theirs = topo.rows.get(a)![topo.labels.indexOf(b)]!;
      (m.matrix[i]![j] === theirs ? agree : differ).push(`${a}-${b}: topolens ${m.matrix[i]![j]}, nvidia-smi ${theirs}`);
    }));
    return { agree, differ, m };
  }

  const pairs = (n: number) => (n * (n - 1)) / 2;

  it('GPU<->GPU: every pair agrees; each GPU\'s node has the CPUs nvidia-smi gives it', () => {
    const { agree, differ, m } = compare(gpuLabels, gpus);
    expect(differ).toEqual([]);
    expect(agree).toHaveLength(pairs(gpuLabels.length));
    gpuLabels.forEach((g, i) => {
      const row = text.split('\n').find((l) => l.startsWith(`${g} `))!.trim().split(/\s+/);
      const [cpus, numa] = [row[1 + topo.labels.length]!, Number(row[2 + topo.labels.length])];
      // Where the paste gives the GPU no node (no NUMA line), only a one-node machine's node fits.
      const node = m.numaNode[i] ?? (t.numaNodes.length === 1 ? t.numaNodes[0]!.id : null);
      expect(node, g).toBe(numa);
      expect(t.numaNodes.find((x) => x.id === node)!.cpus, g).toBe(cpus);
      // The matrix's own CPU Affinity column, where the GPU's node is known.
      if (m.numaNode[i] !== null) expect(m.cpus[i], g).toBe(cpus);
    });
  });

  it('every pair of GPUs and NICs agrees, NICs mapped by the stated assumption', () => {
    const { agree, differ } = compare(topo.labels, new Map([...gpus, ...nicAddresses()]));
    expect(differ).toEqual([]);
    expect(agree).toHaveLength(pairs(topo.labels.length));
  });
});
