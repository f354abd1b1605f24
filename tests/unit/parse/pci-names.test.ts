// Reverse pci.ids lookups, checked against the real lspci: the same machines printed with
// and without -nn (fixtures/lspci-no-nn vs fixtures/lspci-from-sysfs and the lab dumps),
// and real servers' -vvnn text whose pci.ids is older than ours with the IDs taken out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLspci, type LspciRecord } from '../../../electron/topology/parse/lspci';
import { resolveClassName, resolveNamePair, resolveSubsystem, resolveVendorAndDevice, reversePciIds, type PciReverseIndex } from '../../../electron/topology/parse/pci-names';
import { indexPciIds } from '../../../electron/topology/parse/pci-ids';
import { gunzipSync } from 'node:zlib';

const ROOT = join(__dirname, '../../..');
const fx = (p: string): string => readFileSync(join(ROOT, 'fixtures', p), 'latin1');
const rx: PciReverseIndex = reversePciIds(indexPciIds(gunzipSync(readFileSync(join(ROOT, 'electron/topology/data/pci.ids.gz'))).toString('utf8')));

interface Tally { n: number; resolved: number; wrong: string[]; unexplained: string[]; classWrong: string[]; classNull: number }

/** Resolve every record of `plain` and hold it to the -nn record of the same address. */
function compare(plain: LspciRecord[], nn: readonly LspciRecord[]): Tally {
  const ref = new Map(nn.map((r) => [r.address, r]));
  const t: Tally = { n: 0, resolved: 0, wrong: [], unexplained: [], classWrong: [], classNull: 0 };
  for (const r of plain) {
    const want = ref.get(r.address);
    if (!want) continue;
    t.n++;
    const got = r.nameText !== null ? resolveNamePair(rx, r.nameText) : resolveVendorAndDevice(rx, r.vendorName!, r.deviceName);
    if (got.vendorId !== null && got.vendorId !== want.vendorId) t.wrong.push(`${r.address} vendor ${got.vendorId} != ${want.vendorId}`);
    if (got.deviceId !== null && got.deviceId !== want.deviceId) t.wrong.push(`${r.address} device ${got.deviceId} != ${want.deviceId}`);
    if (got.vendorId !== null && got.deviceId !== null) t.resolved++;
    else if (!got.problem) t.unexplained.push(r.address);
    if (r.className) {
      const c = resolveClassName(rx, r.className, r.progIf);
      if (c.classCode === null) t.classNull++;
      else if (c.classCode.slice(0, 4) !== want.classId || (c.classCode.length === 6 && want.progIf !== null && c.classCode.slice(4) !== want.progIf)) {
        t.classWrong.push(`${r.address} ${c.classCode} != ${want.classId}${want.progIf ?? ''}`);
      }
    }
  }
  return t;
}

const SYSFS_CASES = ['2pa-pcidomain32bits', '32em64t-2n8c+dax+nvme+mic+dimms', '40intel64-2g2n4c+pcilocality'];

describe('reverse lookups against the real lspci on the same machine', () => {
  for (const c of SYSFS_CASES) {
    const nn = parseLspci(fx(`lspci-from-sysfs/${c}.vvv-nn-D-k.txt`)).records;
    for (const variant of ['vvv-D-k', 'plain', 'vmm-D']) {
      it(`${c} (${variant}): no wrong id, ≥90% of functions recovered, the rest explained`, () => {
        const plain = parseLspci(fx(`lspci-no-nn/${c}.${variant}.txt`)).records;
        expect(plain.length).toBe(nn.length);
        expect(plain.every((r) => r.vendorId === null)).toBe(true); // really printed without IDs
        const t = compare(plain, nn);
        expect(t.wrong).toEqual([]);
        expect(t.classWrong).toEqual([]);
        expect(t.unexplained).toEqual([]);
        expect(t.classNull).toBe(0);
        expect(t.resolved / t.n).toBeGreaterThanOrEqual(0.9);
      });
    }
  }
  for (const shape of ['x86-q35-2numa-switch', 'x86-q35-dpdk-spdk', 'arm64-virt-acpi-neoverse-n1']) {
    it(`lab ${shape} (-vvv from the same -xxx dump): no wrong id; only names pci.ids lists twice stay open`, () => {
      const nn = parseLspci(fx(`lspci-no-nn/lab-${shape}.vvv-nn-D.txt`)).records;
      const plain = parseLspci(fx(`lspci-no-nn/lab-${shape}.vvv-D.txt`)).records;
      const t = compare(plain, nn);
      expect(t.n).toBe(nn.length);
      expect(t).toMatchObject({ wrong: [], classWrong: [], unexplained: [], classNull: 0 });
      // QEMU's e1000e is "82574L Gigabit Network Connection", which pci.ids gives to 10d3 and 10f6.
      const open = plain.filter((r) => resolveNamePair(rx, r.nameText!).deviceId === null);
      for (const r of open) expect(resolveNamePair(rx, r.nameText!).problem).toMatch(/matches \d+ pci.ids entries/);
      expect(t.resolved + open.length).toBe(t.n);
    });
  }
});

/**
 * lspci -vvnn text as lspci -vv prints it (pciutils lib/names.c format_name_pair): "V D
 * [vvvv:dddd]" → "V D", "V Device [vvvv:dddd]" → "V Device dddd", "Device [vvvv:dddd]" →
 * "Device vvvv:dddd"; the class's " [ccss]" goes unless only the class is named.
 */
// lspci prints "Name [ccss]" even without -nn when pci.ids names only the class (names.c
// forces PCI_LOOKUP_MIXED then), e.g. "Non-Essential Instrumentation [1300]".
const classOnly = (head: string): boolean => {
  const name = head.replace(/^[0-9a-f:.]+ /, '');
  return rx.classByName.has(name) && !rx.subclassByName.has(name);
};
const withoutIds = (text: string): string =>
  text
    .replace(/(^|: |\t)Device \[([0-9a-f]{4}:[0-9a-f]{4})\]/gm, '$1Device $2')
    .replace(/ Device \[[0-9a-f]{4}:([0-9a-f]{4})\]/g, ' Device $1')
    .replace(/ \[[0-9a-f]{4}:[0-9a-f]{4}\]/g, '')
    .replace(/^([0-9a-f:.]+ [^[\n]+) \[[0-9a-f]{4}\]:/gm, (m: string, head: string) => (classOnly(head) ? m : `${head}:`));

describe('names printed by older pci.ids versions (real servers, 2018-2022 captures)', () => {
  for (const f of [
    'x86-2s-xeon-e5-sandybridge-ibm-dx360m4-infiniband.txt',
    'aarch64-huawei-taishan2280v2-kunpeng920-hi1822-switch.txt',
    'x86-1s-epyc-naples-4numa-gigabyte-mz31-bnx2x.txt',
    'x86-1s-xeon-e2300-asrockrack-ovh-nvme-x710.txt',
    'aarch64-ampere-altra-adlink-rtx3090-nvme.txt',
  ]) {
    it(`${f}: no id disagrees with the one lspci printed`, () => {
      const text = fx(`lspci/${f}`);
      const nn = parseLspci(text).records;
      const plain = parseLspci(withoutIds(text)).records;
      expect(plain.filter((r) => r.vendorId !== null)).toEqual([]);
      const t = compare(plain, nn);
      expect(t.n).toBe(nn.length);
      expect(t.wrong).toEqual([]);
      expect(t.classWrong).toEqual([]);
      expect(t.unexplained).toEqual([]);
      // Renamed entries stay unresolved, but most names are stable across versions.
      expect(t.resolved / t.n).toBeGreaterThanOrEqual(0.75);
    });
  }
});

describe('the printed forms of pciutils names.c', () => {
  it('"Device vvvv:dddd" (vendor unknown to lspci) and "Vendor Device dddd" (device unknown)', () => {
    expect(resolveNamePair(rx, 'Device 1d0f:efa1')).toMatchObject({ vendorId: '1d0f', deviceId: 'efa1', problem: null });
    // From the ASRock Rack capture: lspci printed "Intel Corporation Device [8086:4c53]".
    expect(resolveNamePair(rx, 'Intel Corporation Device 4c53')).toMatchObject({ vendorId: '8086', deviceId: '4c53', problem: null });
    expect(resolveNamePair(rx, 'Advanced Micro Devices, Inc. [AMD] Device 14a4')).toMatchObject({ vendorId: '1022', deviceId: '14a4' });
  });

  it('a vendor name that prefixes another ("Broadcom" / "Broadcom Inc. and subsidiaries") splits where a device entry fits', () => {
    const r = resolveNamePair(rx, 'Broadcom Inc. and subsidiaries Device 1750');
    expect(r).toMatchObject({ vendorId: '14e4', deviceId: '1750', vendorName: 'Broadcom Inc. and subsidiaries' });
  });

  it('an unknown device name keeps the vendor and says why; a name held by two ids is ambiguous, not guessed', () => {
    const r = resolveNamePair(rx, 'NVIDIA Corporation GB999 [Imaginary 9000]');
    expect(r.vendorId).toBe('10de');
    expect(r.deviceId).toBeNull();
    expect(r.problem).toMatch(/not listed under vendor 0x10de/);
    // pci.ids lists "Xeon E5/Core i7 QPI Link Reut 0" twice (3c83 and 3c84).
    const a = resolveNamePair(rx, 'Intel Corporation Xeon E5/Core i7 QPI Link Reut 0');
    expect(a).toMatchObject({ vendorId: '8086', deviceId: null });
    expect(a.problem).toMatch(/matches 2 pci.ids entries/);
    expect(resolveNamePair(rx, 'Totally Unknown Vendor Thing').problem).toMatch(/no vendor name/);
  });

  it('class forms: subclass name, "Class name [ccss]" when only the class is known, "Class ccss"', () => {
    expect(resolveClassName(rx, '3D controller', null)).toEqual({ classCode: '0302', problem: null });
    expect(resolveClassName(rx, 'Non-Volatile memory controller', '02')).toEqual({ classCode: '010802', problem: null });
    expect(resolveClassName(rx, 'Processing accelerators', null)).toEqual({ classCode: '1200', problem: null });
    expect(resolveClassName(rx, 'Mass storage controller [0180]', null).classCode).toBe('0180');
    expect(resolveClassName(rx, 'Class ff00', null).classCode).toBe('ff00');
    expect(resolveClassName(rx, 'Flux capacitor', null)).toMatchObject({ classCode: null });
  });

  it('subsystems: per-device entry, "SV Device ssss", and the device-name fallback udev hwdb prints', () => {
    // From the same capture with -nn: "Subsystem: Intel Corporation DC P3600 SSD [Add-in Card] [8086:3709]".
    expect(resolveSubsystem(rx, 'Intel Corporation DC P3600 SSD [Add-in Card]', '8086', '0953')).toEqual({ subsystemVendorId: '8086', subsystemDeviceId: '3709' });
    expect(resolveSubsystem(rx, 'Dell Device 1f3f', '8086', '1521')).toEqual({ subsystemVendorId: '1028', subsystemDeviceId: '1f3f' });
    // "Subsystem: Dell Xeon E5/Core i7 DMI2 [1028:0518]": the subsystem device is not in pci.ids.
    expect(resolveSubsystem(rx, 'Dell Xeon E5/Core i7 DMI2', '8086', '3c00')).toEqual({ subsystemVendorId: '1028', subsystemDeviceId: null });
  });
});
