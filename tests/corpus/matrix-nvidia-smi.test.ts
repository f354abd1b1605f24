// `topolens matrix` against `nvidia-smi topo -m` of the same machine: the ASUS ESC8000A-E12
// paste (fixtures/pastes/README.md) holds `lspci -tv`, `lspci -vvv` of the GPUs and NICs
// with their NUMA lines, `nvidia-smi` (each GPU's Bus-Id), `nvidia-smi topo -m` (GPU0-3,
// NIC0-3 with its NIC legend) and `ibv_devinfo`. nvidia-smi's tables are read here,
// independently of the engine, and every pair's class is compared.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMatrix } from '../../electron/topology/answers/matrix';
import { loadInput } from '../../electron/topology/load';
import type { Snapshot } from '../../electron/topology/model';

const PASTE = join(__dirname, '..', '..', 'fixtures', 'pastes', 'stelline-asus-esc8000a-e12.md');
const text = readFileSync(PASTE, 'utf8');

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

describe('ESC8000A: topolens matrix vs nvidia-smi topo -m', () => {
  let t: Snapshot;
  const gpus = gpuBusIds(text);
  const topo = topoMatrix(text);
  const nicLegend = new Map([...text.matchAll(/^\s+(NIC\d+): (mlx5_\d+)$/gm)].map((m) => [m[1]!, m[2]!] as const));
  beforeAll(async () => {
    t = (await loadInput(PASTE, { hostFacts: false })).topology;
  });

  it('reads nvidia-smi as printed: 4 GPUs with Bus-Ids, an 8x8 matrix, 4 NICs in the legend', () => {
    expect([...gpus]).toEqual([['GPU0', '0000:01:00.0'], ['GPU1', '0000:41:00.0'], ['GPU2', '0000:c1:00.0'], ['GPU3', '0000:e1:00.0']]);
    expect(topo.labels).toEqual(['GPU0', 'GPU1', 'GPU2', 'GPU3', 'NIC0', 'NIC1', 'NIC2', 'NIC3']);
    expect([...nicLegend.values()]).toEqual(['mlx5_0', 'mlx5_1', 'mlx5_2', 'mlx5_3']);
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
    expect(cx7).toEqual(['0000:21:00.0', '0000:21:00.1', '0000:81:00.0', '0000:81:00.1']);
    const guid = imageGuids(text);
    expect(guid.get('mlx5_0')).toBe(guid.get('mlx5_1'));
    expect(guid.get('mlx5_2')).toBe(guid.get('mlx5_3'));
    expect(guid.get('mlx5_0')).not.toBe(guid.get('mlx5_2'));
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

  it('GPU<->GPU: all 6 pairs agree, and each GPU has nvidia-smi NUMA affinity', () => {
    const labels = ['GPU0', 'GPU1', 'GPU2', 'GPU3'];
    const { agree, differ, m } = compare(labels, gpus);
    expect(differ).toEqual([]);
    expect(agree).toHaveLength(6);
    const affinity = labels.map((g) => {
      const row = text.split('\n').find((l) => l.startsWith(`${g} `))!.trim().split(/\s+/);
      return Number(row[1 + topo.labels.length + 1]);
    });
    expect(m.numaNode).toEqual(affinity);
  });

  it('every pair of the 8 devices (28) agrees, NICs mapped by the stated assumption', () => {
    const { agree, differ } = compare(topo.labels, new Map([...gpus, ...nicAddresses()]));
    expect(differ).toEqual([]);
    expect(agree).toHaveLength(28);
  });
});
