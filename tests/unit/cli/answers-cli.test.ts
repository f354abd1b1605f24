// `topolens matrix`, `advise` and `check` as scripts use them: the JSON contracts of
// issue 17 (fields and their meaning, symmetric matrix, socketMem per node in id order,
// cpumask as hex of the lcores), exit statuses (check: 0 none, 1 warnings, 2 unusable
// input; unknown SEL tokens are usage errors), and the JSON equal to what the engine's
// answers compute for the same file.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMatrix } from '../../../electron/topology/answers/matrix';
import { selectDevices } from '../../../electron/topology/answers/select';
import { parseCpuList } from '../../../electron/topology/parse/cpulist';
import { loadInput } from '../../../electron/topology/load';

const repo = join(__dirname, '../../..');
const bin = join(repo, 'bin/topolens.mjs');
const lab = join(repo, 'fixtures/lab/x86-q35-dpdk-spdk/capture.tar.gz');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('answers through the CLI', () => {
  it('matrix --format json: the contract, symmetric, X on the diagonal, equal to the engine\'s', async () => {
    const r = cli(['matrix', lab, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { devices: string[]; matrix: string[][]; numaNode: (number | null)[]; cpus: (string | null)[] };
    const t = (await loadInput(lab, { hostFacts: false })).topology;
    const m = buildMatrix(t, selectDevices(t).devices);
    expect(j.devices).toEqual(m.devices);
    expect(j.matrix).toEqual(m.matrix);
    expect(j.numaNode).toEqual(t.pci.devices.filter((d) => j.devices.includes(d.address)).map((d) => d.numaNode));
    expect(j.cpus).toHaveLength(j.devices.length);
    j.matrix.forEach((row, i) => row.forEach((c, k) => expect(c).toBe(j.matrix[k]![i])));
    j.matrix.forEach((row, i) => expect(row[i]).toBe('X'));
  });
  it('advise --format json: lcores and cpumask agree, socketMem one value per node, allow = the devices', () => {
    const r = cli(['advise', lab, '--devices', '81:00.0,eth3', '--cores', '2', '--format', 'json']);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.out);
    for (const k of ['devices', 'numaNode', 'cores', 'dpdk', 'spdk', 'hugepages', 'commands', 'warnings']) expect(a).toHaveProperty(k);
    expect(a.devices).toEqual(['0000:81:00.0', '0000:82:00.0']);
    expect(parseCpuList(a.dpdk.lcores)).toEqual(a.cores);
    expect(BigInt(a.spdk.cpumask)).toBe(a.cores.reduce((m: bigint, c: number) => m | (1n << BigInt(c)), 0n));
    expect(a.dpdk.socketMem.split(',')).toHaveLength(2);
    expect(a.dpdk.allow).toEqual(a.devices);
  });
  it('advise without --devices, or with a token that matches nothing: usage error, exit 2', () => {
    expect(cli(['advise', lab]).code).toBe(2);
    const r = cli(['matrix', lab, '--devices', 'nosuchdev']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no device matches "nosuchdev"/);
  });
  it('check: 1 with warnings (SR-IOV VFs unbound), 0 without, 2 for unusable input; JSON lists findings', () => {
    const r = cli(['check', join(repo, 'fixtures/lab/x86-q35-sriov-nvme/capture.tar.gz'), '--format', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.warnings).toBeGreaterThan(0);
    expect(j.findings.some((f: { check: string; device: string }) => f.check === 'sriov' && f.device === '0000:81:00.0')).toBe(true);
    expect(cli(['check', join(repo, 'fixtures/hwloc/xml/24em64t-2n6c2t-pci.xml')]).code).toBe(0);
    const bad = cli(['check', join(repo, 'fixtures/README.md')]);
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toMatch(/^topolens: .*README\.md: /);
  });
});
