// Issue 17: `topolens capture` records the files check and advise need (hugepage pools
// per node, IOMMU groups, isolated CPUs, AER counters). Checked on this machine: every
// such file in the archive holds what the real file holds, and the IOMMU group folder
// lists the same entries. Skipped (and said so) where there is no Linux /sys.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openArchiveBytes } from '../../electron/topology/sources/archive';
import { captureArchive } from '../../electron/topology/sources/capture';
import { resolveLink } from '../../electron/topology/sources/sysfs-root';

const linux = process.platform === 'linux' && existsSync('/sys/devices/system/node');

function readReal(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return null;
  }
}

describe.skipIf(!linux)('capture records the answers\' files (live /sys)', () => {
  it('hugepage pools, IOMMU groups, isolated CPUs and AER counters match the real files', () => {
    const root = openArchiveBytes(captureArchive('/').bytes, 'live-capture').root;
    let compared = 0;
    for (const node of readdirSync('/sys/devices/system/node').filter((n) => /^node\d+$/.test(n))) {
      const dir = `/sys/devices/system/node/${node}/hugepages`;
      if (!existsSync(dir)) continue;
      for (const pool of readdirSync(dir)) {
        for (const f of ['nr_hugepages', 'free_hugepages']) {
          expect(root.readOptional(`${dir.slice(1)}/${pool}/${f}`), `${node} ${pool} ${f}`).toBe(readReal(`${dir}/${pool}/${f}`));
          compared += 1;
        }
      }
    }
    if (existsSync('/sys/kernel/iommu_groups')) {
      expect(root.exists('sys/kernel/iommu_groups'), 'iommu_groups folder kept even when empty').toBe(true);
      expect(root.list('sys/kernel/iommu_groups').sort()).toEqual(readdirSync('/sys/kernel/iommu_groups').sort());
      compared += 1;
    }
    const isolated = readReal('/sys/devices/system/cpu/isolated');
    if (isolated !== null) {
      expect(root.readOptional('sys/devices/system/cpu/isolated')).toBe(isolated);
      compared += 1;
    }
    for (const dev of readdirSync('/sys/bus/pci/devices')) {
      const real = readReal(`/sys/bus/pci/devices/${dev}/aer_dev_correctable`);
      if (real === null) continue;
      const dir = resolveLink(root, `sys/bus/pci/devices/${dev}`);
      for (const f of ['aer_dev_correctable', 'aer_dev_nonfatal', 'aer_dev_fatal']) {
        expect(root.readOptional(`${dir}/${f}`), `${dev}/${f}`).toBe(readReal(`/sys/bus/pci/devices/${dev}/${f}`));
      }
      compared += 1;
    }
    expect(compared).toBeGreaterThan(0);
  });
});
