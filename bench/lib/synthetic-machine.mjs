// Synthetic big machines for the view benchmarks: real lab captures' devices replicated
// under new PCI domains (0001, 0002, ...) until N devices, alternating NUMA nodes.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The lab captures the synthetic machines are made of. */
export const SOURCES = ['fixtures/lab/x86-q35-dpdk-spdk/capture.tar.gz', 'fixtures/lab/x86-q35-sriov-nvme/capture.tar.gz', 'fixtures/lab/x86-q35-2numa-switch/capture.tar.gz'];

/** A fixture's snapshot through the CLI (the same path a user takes). */
export function exportJson(file) {
  const r = spawnSync(process.execPath, [join(repo, 'bin/topolens.mjs'), 'export', join(repo, file), '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`export of ${file} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Replicate the base snapshots' devices under domains 0001, 0002, ... until n devices. */
export function synthesize(bases, n) {
  const base = bases[0];
  const devices = [];
  for (let copy = 1; devices.length < n; copy += 1) {
    const src = bases[copy % bases.length];
    const dom = copy.toString(16).padStart(4, '0');
    const re = (a) => (a ? a.replace(/^[0-9a-f]+:/, `${dom}:`) : a);
    for (const d of src.pci.devices) {
      devices.push({
        ...d,
        address: re(d.address),
        parent: re(d.parent),
        hostBridge: d.hostBridge ? d.hostBridge.replace(/^pci[0-9a-f]+:/, `pci${dom}:`) : d.hostBridge,
        numaNode: d.numaNode === null ? null : copy % 2,
        localityRule: d.numaNode === null ? d.localityRule : 'imported',
        sriov: d.sriov ? { ...d.sriov, physfn: re(d.sriov.physfn), vfs: d.sriov.vfs.map(re) } : null,
        osDevices: d.osDevices.map((o) => ({ ...o, name: `${o.name}_${copy}` })),
      });
    }
  }
  const kept = devices.slice(0, n);
  const have = new Set(kept.map((d) => d.address));
  for (const d of kept) {
    if (d.parent && !have.has(d.parent)) d.parent = null;
    if (d.sriov) d.sriov = { ...d.sriov, physfn: d.sriov.physfn && have.has(d.sriov.physfn) ? d.sriov.physfn : null, vfs: d.sriov.vfs.filter((v) => have.has(v)) };
  }
  return { ...base, source: { kind: 'snapshot', name: `synthetic-${n}` }, machine: { ...base.machine, hostname: `bench-${n}` }, pci: { devices: kept, hostBridges: [] }, diagnostics: [] };
}
