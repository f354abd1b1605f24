// Mutations of a copied sysfs tree that mirror real events (a card pulled, the BIOS
// moving a device to the other socket, a driver rebound, a link retrained), for the
// compare tests. Each changes exactly the files the kernel would change and that
// sources/read-sysfs.ts reads (uevent DRIVER=, the driver link, config space LnkSta).
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const made: string[] = [];

/** Remove every temp dir unpack/copyTree made (call from afterAll). */
export function removeTempTrees(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Unpack an archive (tar.gz / tar.bz2) into a fresh temp dir; returns the folder holding sys/. */
export function unpack(archive: string, prefix = 'topolens-cmp-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  execFileSync('tar', ['xf', archive, '-C', dir]);
  const top = readdirSync(dir).find((n) => existsSync(join(dir, n, 'sys')));
  if (!top) throw new Error(`${archive}: no sys/ inside`);
  return join(dir, top);
}

/** Copy a tree (links kept). */
export function copyTree(src: string, prefix = 'topolens-cmp-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  execFileSync('cp', ['-a', src, dir]);
  return join(dir, src.split('/').pop()!);
}

/** The real directory of a PCI function in the tree. */
export function functionDir(root: string, address: string): string {
  return realpathSync(join(root, 'sys/bus/pci/devices', address));
}

/** Every link under sys/class/<cls>/ whose target lies inside `dir`. */
function classLinksInto(root: string, dir: string): string[] {
  const out: string[] = [];
  const classes = join(root, 'sys/class');
  for (const cls of existsSync(classes) ? readdirSync(classes) : []) {
    for (const n of readdirSync(join(classes, cls))) {
      const l = join(classes, cls, n);
      if (!lstatSync(l).isSymbolicLink()) continue;
      try {
        if (realpathSync(l).startsWith(`${dir}/`)) out.push(l);
      } catch {
        // dangling
      }
    }
  }
  return out;
}

/** A card pulled: its function directory, its bus link and the class devices it owned go. */
export function removeFunction(root: string, address: string): void {
  const dir = functionDir(root, address);
  for (const l of classLinksInto(root, dir)) unlinkSync(l);
  unlinkSync(join(root, 'sys/bus/pci/devices', address));
  rmSync(dir, { recursive: true });
}

/** The firmware reports the function on another node: numa_node and its CPU mask/list change together. */
export function moveToNode(root: string, address: string, node: number): void {
  const dir = functionDir(root, address);
  const nodeDir = join(root, 'sys/devices/system/node', `node${node}`);
  writeFileSync(join(dir, 'numa_node'), `${node}\n`);
  if (existsSync(join(dir, 'local_cpus'))) writeFileSync(join(dir, 'local_cpus'), readFileSync(join(nodeDir, 'cpumap')));
  if (existsSync(join(dir, 'local_cpulist'))) writeFileSync(join(dir, 'local_cpulist'), readFileSync(join(nodeDir, 'cpulist')));
}

/**
 * `dpdk-devbind.py -b vfio-pci`: the kernel driver lets go (its netdevs vanish), the
 * driver link and uevent's DRIVER= name the new driver.
 */
export function rebindDriver(root: string, address: string, driver: string): void {
  const dir = functionDir(root, address);
  for (const l of classLinksInto(root, dir)) {
    rmSync(realpathSync(l), { recursive: true });
    unlinkSync(l);
  }
  const ue = join(dir, 'uevent');
  if (existsSync(ue)) writeFileSync(ue, readFileSync(ue, 'utf8').replace(/^DRIVER=.*$/m, `DRIVER=${driver}`));
  const link = join(dir, 'driver');
  if (existsSync(link) || lstatSync(link, { throwIfNoEntry: false })) unlinkSync(link);
  symlinkSync(relative(dir, join(root, 'sys/bus/pci/drivers', driver)), link);
}

/** `echo 0 > sriov_numvfs`: the VFs go away with their functions, the PF's virtfnN links with them. */
export function disableVfs(root: string, pf: string): string[] {
  const dir = functionDir(root, pf);
  const vfs = readdirSync(dir)
    .filter((n) => /^virtfn\d+$/.test(n))
    .map((n) => realpathSync(join(dir, n)).split('/').pop()!);
  for (const n of readdirSync(dir)) if (/^virtfn\d+$/.test(n)) unlinkSync(join(dir, n));
  for (const vf of vfs) removeFunction(root, vf);
  writeFileSync(join(dir, 'sriov_numvfs'), '0\n');
  return vfs.sort();
}

/** Offset of the PCI Express capability in config space, or null (64-byte or no capability list). */
export function pcieCapOffset(cfg: Uint8Array): number | null {
  if (cfg.length < 256 || !(cfg[0x06]! & 0x10)) return null;
  let p = cfg[0x34]! & 0xfc;
  for (let hops = 0; p >= 0x40 && hops < 48; hops += 1) {
    if (cfg[p] === 0x10) return p;
    p = cfg[p + 1]! & 0xfc;
  }
  return null;
}

/**
 * Set the link a function reports. Where the reader decodes config space (a PCIe
 * capability in a readable `config`) it patches LnkCap (cap+0x0c) and LnkSta (cap+0x12)
 * as the hardware would show them; otherwise it writes the sysfs link files.
 * Speeds are the PCIe encoding: 1 = 2.5 GT/s, 2 = 5, 3 = 8, 4 = 16.
 */
export function setLink(root: string, address: string, l: { speed: number; width: number; maxSpeed?: number; maxWidth?: number }): 'config' | 'files' {
  const dir = functionDir(root, address);
  const cfgFile = join(dir, 'config');
  const cfg = existsSync(cfgFile) ? new Uint8Array(readFileSync(cfgFile)) : new Uint8Array();
  const cap = pcieCapOffset(cfg);
  if (cap !== null) {
    const view = new DataView(cfg.buffer, cfg.byteOffset, cfg.byteLength);
    if (l.maxSpeed !== undefined && l.maxWidth !== undefined) {
      const lnkcap = view.getUint32(cap + 0x0c, true);
      view.setUint32(cap + 0x0c, (lnkcap & ~0x3ff) | (l.maxWidth << 4) | l.maxSpeed, true);
      // PCIe 3.0+ devices list supported speeds in LnkCap2 (bit n = speed code n), which
      // the kernel's max_link_speed prefers (and needs above 5 GT/s): set it like the hardware would.
      const version = cfg[cap + 2]! & 0x0f;
      const lnkcap2 = view.getUint32(cap + 0x2c, true);
      if (version > 1) view.setUint32(cap + 0x2c, (lnkcap2 & ~0xfe) | ((1 << (l.maxSpeed + 1)) - 2), true);
    }
    const sta = view.getUint16(cap + 0x12, true);
    view.setUint16(cap + 0x12, (sta & ~0x3ff) | (l.width << 4) | l.speed, true);
    writeFileSync(cfgFile, cfg);
    return 'config';
  }
  const gts = ['', '2.5 GT/s PCIe', '5.0 GT/s PCIe', '8.0 GT/s PCIe', '16.0 GT/s PCIe'];
  writeFileSync(join(dir, 'current_link_speed'), `${gts[l.speed]}\n`);
  writeFileSync(join(dir, 'current_link_width'), `${l.width}\n`);
  if (l.maxSpeed !== undefined) writeFileSync(join(dir, 'max_link_speed'), `${gts[l.maxSpeed]}\n`);
  if (l.maxWidth !== undefined) writeFileSync(join(dir, 'max_link_width'), `${l.maxWidth}\n`);
  return 'files';
}
