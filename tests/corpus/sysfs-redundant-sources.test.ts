// The sysfs reader takes vendor, device, class and the driver from `uevent`, and the
// link state from config space, where those are present: fewer files per function.
// Both are the kernel's own output of the same struct pci_dev fields and registers as
// the separate files. This test holds them against each other on every real capture
// that has both (the hwloc test suite's machines, the QEMU lab's kernel 6.1 guests), so
// a disagreement in any real kernel's spelling fails here, not in a user's diagram.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openArchiveFile } from '../../electron/topology/sources/archive';
import { linkBasename, resolveLink } from '../../electron/topology/sources/sysfs-root';
import {
  parseConfigHeader,
  parseConfigLink,
  parseHexId,
  parseLinkSpeed,
  parseLinkWidth,
  parsePciUevent,
} from '../../electron/topology/parse/sysfs-values';

const fixtures = join(__dirname, '..', '..', 'fixtures');
const archives = [
  ...readdirSync(join(fixtures, 'hwloc', 'linux')).filter((f) => /\.tar\.(bz2|gz)$/.test(f)).map((f) => join(fixtures, 'hwloc', 'linux', f)),
  ...readdirSync(join(fixtures, 'lab'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && !['guest', 'lib'].includes(e.name))
    .map((e) => join(fixtures, 'lab', e.name, 'capture.tar.gz')),
];

describe('redundant kernel sources agree on real captures', () => {
  const totals = { uevent: 0, link: 0 };
  for (const file of archives) {
    it(file.slice(fixtures.length + 1), () => {
      const { root } = openArchiveFile(file);
      for (const name of root.list('sys/bus/pci/devices')) {
        const dir = resolveLink(root, `sys/bus/pci/devices/${name}`);
        if (dir === null) continue;
        const at = `${file}: ${name}`;
        const ue = parsePciUevent(root.readOptional(`${dir}/uevent`));
        if (ue) {
          totals.uevent += 1;
          const vendor = parseHexId(root.readOptional(`${dir}/vendor`));
          const device = parseHexId(root.readOptional(`${dir}/device`));
          const cls = parseHexId(root.readOptional(`${dir}/class`), 6);
          if (vendor) expect(ue.vendorId, `${at} vendor`).toBe(vendor);
          if (device) expect(ue.deviceId, `${at} device`).toBe(device);
          if (cls) expect(ue.classCode, `${at} class`).toBe(cls);
          if (root.exists(`${dir}/driver`)) expect(ue.driver, `${at} driver`).toBe(linkBasename(root, `${dir}/driver`));
        }
        const cfg = root.readBytes(`${dir}/config`, 4096);
        const fromCfg = parseConfigLink(cfg, parseConfigHeader(cfg));
        const files = ['current_link_speed', 'current_link_width', 'max_link_speed', 'max_link_width'].map((f) => root.readOptional(`${dir}/${f}`));
        if (fromCfg && files.every((f) => f !== null)) {
          totals.link += 1;
          expect(
            { speed: fromCfg.speed, width: fromCfg.width, maxSpeed: fromCfg.maxSpeed, maxWidth: fromCfg.maxWidth },
            `${at} link`,
          ).toEqual({
            speed: parseLinkSpeed(files[0]!),
            width: parseLinkWidth(files[1]!),
            maxSpeed: parseLinkSpeed(files[2]!),
            maxWidth: parseLinkWidth(files[3]!),
          });
        }
      }
    });
  }
  it("compared enough functions to mean something", () => {
    console.log(`compared: ${totals.uevent} uevent files, ${totals.link} config-space links`);
    // hwloc's captures carry uevent for hundreds of functions; the lab guests carry
    // config space and the kernel's link files for every PCIe function.
    expect(totals.uevent).toBeGreaterThan(150);
    expect(totals.link).toBeGreaterThan(50);
  });
});
