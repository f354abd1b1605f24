// The `topolens` command as a user runs it: exit codes, one-line errors without stack
// traces, atomic writes that never overwrite without --force, capture → load.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(__dirname, '../../..');
const bin = join(repo, 'bin/topolens.mjs');
const fx = (p: string) => join(repo, 'fixtures', p);

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('topolens CLI', () => {
  it('show prints the tree with the machine header, roles and link health', () => {
    const r = cli(['show', fx('hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Machine: .* · x86_64 · Intel\(R\) Xeon\(R\) CPU E5-2680/);
    expect(r.out).toMatch(/NUMA node 1 \(dram\) · CPUs 8-15/);
    expect(r.out).toMatch(/0000:82:00\.0 .*ConnectX-3.*driver mlx4_core.*\[net ib0, rdma mlx4_0\].*\{rdma\}/);
  });
  it('show flags AArch64 and names the cores', () => {
    const r = cli(['show', fx('hwloc/linux/128arm-2pa2n8cluster4co.tar.bz2')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/AArch64: HiSilicon Kunpeng 920 · HiSilicon TSV110 ×128/);
  });
  it('export json is snapshot v1 and loads back identically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-cli-'));
    const out = join(dir, 's.json');
    expect(cli(['export', fx('hwloc/linux/2pa-pcidomain32bits.tar.bz2'), '--format', 'json', '-o', out]).code).toBe(0);
    const snap = JSON.parse(readFileSync(out, 'utf8'));
    expect(snap).toMatchObject({ format: 'topolens-snapshot', version: 1, source: { kind: 'archive' } });
    const again = join(dir, 't.json');
    expect(cli(['export', out, '--format', 'json', '-o', again]).code).toBe(0);
    expect(JSON.parse(readFileSync(again, 'utf8'))).toEqual(snap);
  });
  it('export dot and text', () => {
    const dot = cli(['export', fx('hwloc/linux/2pa-pcidomain32bits.tar.bz2'), '--format', 'dot']);
    expect(dot.code).toBe(0);
    expect(dot.out).toMatch(/^digraph topology \{/);
    expect(dot.out).toContain('"pci10000:00" -> "10000:00:00.0"');
    const txt = cli(['export', fx('hwloc/linux/2pa-pcidomain32bits.tar.bz2'), '--format', 'text']);
    expect(txt.out).toContain('10000:00:04.0');
  });
  it('never overwrites without --force, and a failed write keeps the old file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-cli-'));
    const out = join(dir, 'keep.txt');
    writeFileSync(out, 'precious');
    const r = cli(['export', fx('hwloc/linux/2pa-pcidomain32bits.tar.bz2'), '--format', 'text', '-o', out]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^topolens: .*keep\.txt: already exists \(use --force to replace it\)\n$/);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    writeFileSync(join(ro, 'old.json'), 'old');
    chmodSync(ro, 0o500);
    const asRoot = process.getuid?.() === 0;
    const r2 = cli(['export', fx('hwloc/linux/2pa-pcidomain32bits.tar.bz2'), '-o', join(ro, 'old.json'), '--force']);
    if (!asRoot) {
      expect(r2.code).toBe(2);
      expect(r2.err).toMatch(/cannot write .*nothing was changed/);
      expect(readFileSync(join(ro, 'old.json'), 'utf8')).toBe('old');
    }
    chmodSync(ro, 0o700);
    expect(readdirSync(ro).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(cli(['export', fx('hwloc/linux/2pa-pcidomain32bits.tar.bz2'), '--format', 'text', '-o', out, '--force']).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('10000:00:04.0');
  });
  it('refuses to replace a device file, even with --force', () => {
    const r = cli(['export', fx('hwloc/linux/2pa-pcidomain32bits.tar.bz2'), '-o', '/dev/null', '--force']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^topolens: \/dev\/null: exists and is not a regular file/);
  });
  it('a full disk leaves the old file intact (a 16 KiB tmpfs)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-full-'));
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', dir]);
    if (m.status !== 0) {
      console.log('cli.test: cannot mount a tmpfs here (not root?): the real full-disk case was NOT run; write-file.test covers ENOSPC by injection');
      return;
    }
    try {
      writeFileSync(join(dir, 'snap.json'), 'old');
      const r = cli(['export', fx('hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2'), '-o', join(dir, 'snap.json'), '--force']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/cannot write \(ENOSPC\); nothing was changed/);
      expect(readFileSync(join(dir, 'snap.json'), 'utf8')).toBe('old');
      expect(readdirSync(dir)).toEqual(['snap.json']);
    } finally {
      spawnSync('umount', [dir]);
    }
  });
  it('unusable input: one line on stderr, exit 2, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-cli-'));
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31 + 7) % 256)));
    const trunc = join(dir, 'cut.tar.bz2');
    writeFileSync(trunc, readFileSync(fx('hwloc/linux/2pa-pcidomain32bits.tar.bz2')).subarray(0, 5000));
    for (const [input, re] of [
      [junk, /binary data|not a/],
      [trunc, /corrupt or truncated/],
      [join(dir, 'missing'), /no such file/],
      [dir, /not a sysfs capture/],
    ] as const) {
      const r = cli(['show', input]);
      expect(r.code, input).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).not.toMatch(/\bat .*\.(ts|js|mjs):\d+/);
    }
    expect(cli(['frobnicate']).code).toBe(2);
    expect(cli(['export', fx('hwloc/linux/2pa-pcidomain32bits.tar.bz2'), '--format', 'pdf']).err).toMatch(/unknown format "pdf"/);
  });
  it('capture archives what it reads, and the archive loads to the same topology', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-cli-'));
    const cap = join(dir, 'cap.tar.gz');
    const r = cli(['capture', '-o', cap]);
    expect(r.code, r.err).toBe(0);
    const a = JSON.parse(cli(['export', cap, '--format', 'json']).out);
    const b = JSON.parse(cli(['export', 'live', '--format', 'json']).out);
    // Memory sizes are left out: this VM's balloon driver changes MemTotal between reads.
    const strip = (s: { pci: { devices: unknown[] }; numaNodes: Array<Record<string, unknown>>; machine: { cpus: unknown[] } }) => ({
      d: s.pci.devices,
      n: s.numaNodes.map(({ memoryBytes: _m, ...rest }) => rest),
      c: s.machine.cpus,
    });
    expect(strip(a)).toEqual(strip(b));
    expect(a.source.kind).toBe('archive');
    expect(cli(['capture', '-o', cap]).code).toBe(2); // exists
  });
  it('capture of another root (TOPOLENS_FS_ROOT) round-trips a real capture', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-cli-'));
    spawnSync('tar', ['-xjf', fx('hwloc/linux/40intel64-2g2n4c+pcilocality.tar.bz2'), '-C', dir]);
    const root = join(dir, '40intel64-2g2n4c+pci');
    const cap = join(dir, 'again.tar.gz');
    expect(cli(['capture', '-o', cap], { TOPOLENS_FS_ROOT: root }).code).toBe(0);
    const a = JSON.parse(cli(['export', cap]).out);
    const b = JSON.parse(cli(['export', fx('hwloc/linux/40intel64-2g2n4c+pcilocality.tar.bz2')]).out);
    expect(a.pci.devices).toEqual(b.pci.devices);
    expect(a.numaNodes).toEqual(b.numaNodes);
  });
  it('stops quietly when the reader of its output goes away (| head)', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" export "${fx('hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2')}" | head -c 10 >/dev/null; echo "status:\${PIPESTATUS:-}"`], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
  });
});
