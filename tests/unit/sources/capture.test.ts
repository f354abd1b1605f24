// A capture keeps every file lspci and hwloc read for a PCI function, although the
// reader itself takes ids and the driver from uevent and the link from config space.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openArchiveBytes } from '../../../electron/topology/sources/archive';
import { captureArchive } from '../../../electron/topology/sources/capture';
import { resolveLink } from '../../../electron/topology/sources/sysfs-root';

const fixtures = join(__dirname, '..', '..', '..', 'fixtures');

describe('capture', () => {
  it('re-capturing a real guest keeps the classic attribute files and driver links of every function', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-capture-'));
    expect(spawnSync('tar', ['-xzf', join(fixtures, 'lab', 'x86-q35-dpdk-spdk', 'capture.tar.gz'), '-C', dir]).status).toBe(0);
    const top = join(dir, readdirSync(dir)[0]!);
    const original = openArchiveBytes(spawnSync('tar', ['-czf', '-', '-C', top, '.'], { maxBuffer: 1 << 28 }).stdout, 'orig').root;
    const again = openArchiveBytes(captureArchive(top).bytes, 'again').root;
    const files = ['vendor', 'device', 'class', 'current_link_speed', 'current_link_width', 'max_link_speed', 'max_link_width', 'driver'];
    let checked = 0;
    for (const name of original.list('sys/bus/pci/devices')) {
      const a = resolveLink(original, `sys/bus/pci/devices/${name}`)!;
      const b = resolveLink(again, `sys/bus/pci/devices/${name}`);
      expect(b, name).toBe(a);
      for (const f of files) {
        if (f === 'driver') expect(again.readLink(`${b}/driver`), `${name}/driver`).toBe(original.readLink(`${a}/driver`));
        else expect(again.readOptional(`${b}/${f}`), `${name}/${f}`).toBe(original.readOptional(`${a}/${f}`));
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(8 * 10);
  });

  it("a capture of another root names that root's host, never the machine running the capture", () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-capture-'));
    expect(spawnSync('tar', ['-xjf', join(fixtures, 'hwloc', 'linux', '40intel64-2g2n4c+pcilocality.tar.bz2'), '-C', dir]).status).toBe(0);
    const top = join(dir, readdirSync(dir)[0]!);
    const res = captureArchive(top);
    const meta = JSON.parse(openArchiveBytes(res.bytes, 'again').root.readOptional('topolens-capture.json') ?? '{}');
    // hwloc's archive has no proc/sys/kernel/hostname: the name is unknown, not this machine's.
    expect(meta.hostname).toBeNull();
    expect(meta.uname).toBeUndefined();
    expect(res.top).toMatch(/^topolens-capture-host-/);
  });
});
