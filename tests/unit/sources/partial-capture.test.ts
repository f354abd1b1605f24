// A capture whose sys/bus/pci/devices lacks a bridge (a partial copy): its functions hang
// below the nearest listed ancestor, as hwloc does, with a warning naming the missing
// bridge. Independent check: hwloc 2.9's `lstopo-no-graphics --whole-io` on this archive
// unpacked with the 0000:04:00.0 link removed shows `PCI 05:00.0 (VGA)` directly below the
// 0000:00:1c.0 bridge (one PCIBridge level instead of two).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromRoot } from '../../../electron/topology/load';
import { openArchiveFile } from '../../../electron/topology/sources/archive';
import type { SysfsRoot } from '../../../electron/topology/sources/sysfs-root';

const ARCHIVE = join(__dirname, '../../../fixtures/hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2');

/** The same root with some entries of sys/bus/pci/devices hidden. */
function without(root: SysfsRoot, hidden: readonly string[]): SysfsRoot {
  const gone = (p: string): boolean => hidden.some((a) => p.endsWith(`sys/bus/pci/devices/${a}`) || p.includes(`sys/bus/pci/devices/${a}/`));
  return {
    name: root.name,
    readOptional: (p, max) => (gone(p) ? null : root.readOptional(p, max)),
    readLink: (p) => (gone(p) ? null : root.readLink(p)),
    list: (p) => (p.endsWith('sys/bus/pci/devices') ? root.list(p).filter((n) => !hidden.includes(n)) : root.list(p)),
    exists: (p) => !gone(p) && root.exists(p),
    readBytes: (p, max) => (gone(p) ? null : root.readBytes(p, max)),
  };
}

describe('partial sysfs captures', () => {
  const { root } = openArchiveFile(ARCHIVE);

  it('whole capture: the VGA sits below the AST1150 bridge below root port 00:1c.0', () => {
    const t = snapshotFromRoot(root, 'archive', 'whole').topology;
    expect(t.pci.devices.find((d) => d.address === '0000:05:00.0')!.parent).toBe('0000:04:00.0');
    expect(t.pci.devices.find((d) => d.address === '0000:04:00.0')!.parent).toBe('0000:00:1c.0');
  });

  it('bridge 04:00.0 left out: the VGA hangs below 00:1c.0, and a warning names the missing bridge', () => {
    const t = snapshotFromRoot(without(root, ['0000:04:00.0']), 'archive', 'partial').topology;
    expect(t.pci.devices.some((d) => d.address === '0000:04:00.0')).toBe(false);
    const vga = t.pci.devices.find((d) => d.address === '0000:05:00.0')!;
    expect(vga).toMatchObject({ parent: '0000:00:1c.0', hostBridge: 'pci0000:00' });
    const w = t.diagnostics.filter((d) => d.address === '0000:05:00.0' && d.severity === 'warning');
    expect(w.map((d) => d.message)).toEqual([expect.stringMatching(/bridge 0000:04:00\.0 is not listed.*below 0000:00:1c\.0/)]);
  });

  it('every bridge above left out: the function sits at the top of its root complex, all of them named', () => {
    const t = snapshotFromRoot(without(root, ['0000:04:00.0', '0000:00:1c.0']), 'archive', 'partial2').topology;
    expect(t.pci.devices.find((d) => d.address === '0000:05:00.0')!.parent).toBeNull();
    const msg = t.diagnostics.find((d) => d.address === '0000:05:00.0' && d.severity === 'warning')!.message;
    expect(msg).toMatch(/bridges 0000:04:00\.0, 0000:00:1c\.0 are not listed.*its root complex/);
  });
});
