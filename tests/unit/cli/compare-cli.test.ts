// `topolens diff` and `topolens fleet` as a user runs them: exit statuses like diff(1),
// the JSON contracts, one-line errors, members named by file or folder, and the
// parallel loader giving the same report as loading in this process.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyTree, moveToNode, removeTempTrees, unpack } from '../../support/mutate-sysfs';

const repo = join(__dirname, '../../..');
const bin = join(repo, 'bin/topolens.cjs');
const HWLOC = join(repo, 'fixtures/hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2');
const LAB = join(repo, 'fixtures/lab/x86-q35-2numa-switch/capture.tar.gz');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const work = mkdtempSync(join(tmpdir(), 'topolens-cmpcli-'));
afterAll(() => {
  removeTempTrees();
  rmSync(work, { recursive: true, force: true });
});

describe('topolens diff', () => {
  it('identical inputs: exit 0, "no differences"', () => {
    const r = cli(['diff', HWLOC, HWLOC]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^no differences$/m);
    // The header names the inputs as typed: two captures are often both "capture.tar.gz".
    expect(r.out.split('\n').slice(0, 2)).toEqual([`--- ${HWLOC}`, `+++ ${HWLOC}`]);
  });
  it('different inputs: exit 1 and the JSON contract', () => {
    const tree = copyTree(unpack(HWLOC));
    moveToNode(tree, '0000:02:00.0', 1);
    const r = cli(['diff', HWLOC, tree, '--format', 'json']);
    expect(r.code).toBe(1);
    const d = JSON.parse(r.out);
    expect(Object.keys(d)).toEqual(expect.arrayContaining(['added', 'removed', 'changed', 'machine']));
    expect(d.changed).toEqual([
      { address: '0000:02:00.0', field: 'numaNode', before: 0, after: 1 },
      { address: '0000:02:00.0', field: 'localCpus', before: '0-7', after: '8-15' },
    ]);
  });
  it('trouble: exit 2 with one line naming the file', () => {
    const r = cli(['diff', HWLOC, join(work, 'nope.tar.gz')]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`topolens: ${join(work, 'nope.tar.gz')}: no such file or folder\n`);
    expect(cli(['diff', HWLOC]).code).toBe(2);
    expect(cli(['diff', HWLOC, HWLOC, '--format', 'yaml']).code).toBe(2);
  });
});

describe('topolens fleet', () => {
  /** 4 hosts of one model (folders per host), one with a node moved; a lab machine as a file. */
  function makeFleet(): string {
    const dir = join(work, 'fleet');
    for (const h of ['a1', 'a2', 'a3']) {
      mkdirSync(join(dir, h), { recursive: true });
      cpSync(HWLOC, join(dir, h, 'capture.tar.bz2'));
    }
    const odd = copyTree(unpack(HWLOC));
    moveToNode(odd, '0000:02:00.0', 1);
    mkdirSync(join(dir, 'a4'));
    cpSync(odd, join(dir, 'a4', 'tree'), { recursive: true, verbatimSymlinks: true });
    cpSync(LAB, join(dir, 'lab.tar.gz'));
    return dir;
  }

  it('groups by fingerprint, names members by folder or file, explains the outlier; --jobs 1 gives the same report', () => {
    const dir = makeFleet();
    const r = cli(['fleet', dir, '--format', 'json']);
    expect(r.code, r.err).toBe(1);
    const rep = JSON.parse(r.out);
    expect(rep.groups.map((g: { members: string[] }) => g.members).sort()).toEqual([['a1', 'a2', 'a3'], ['a4'], ['lab.tar.gz']]);
    expect(rep.outliers).toHaveLength(1);
    expect(rep.outliers[0]).toMatchObject({ member: 'a4', reference: 'a1' });
    expect(rep.outliers[0].differences).toEqual([
      { address: '0000:02:00.0', field: 'numaNode', before: 0, after: 1 },
      { address: '0000:02:00.0', field: 'localCpus', before: '0-7', after: '8-15' },
    ]);
    const serial = cli(['fleet', dir, '--format', 'json', '--jobs', '1']);
    expect(serial.out).toBe(r.out);
    const text = cli(['fleet', dir]);
    expect(text.out).toMatch(/^5 machines, 2 models, 3 groups, 1 outlier$/m);
    expect(text.out).toContain('0000:02:00.0  numaNode: 0 → 1');
    expect(text.err).toBe(''); // not a terminal: no progress
  });

  it('identical machines: exit 0; an unusable capture is reported and exits 2, the rest still grouped', () => {
    const dir = join(work, 'same');
    for (const h of ['b1', 'b2']) {
      mkdirSync(join(dir, h), { recursive: true });
      cpSync(HWLOC, join(dir, h, 'c.tar.bz2'));
    }
    expect(cli(['fleet', dir]).code).toBe(0);
    writeFileSync(join(dir, 'broken.tar.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
    const r = cli(['fleet', dir, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^topolens: broken\.tar\.gz: .+\n$/);
    const rep = JSON.parse(r.out);
    expect(rep.groups.map((g: { members: string[] }) => g.members)).toEqual([['b1', 'b2']]);
    expect(rep.errors).toHaveLength(1);
  });
});
