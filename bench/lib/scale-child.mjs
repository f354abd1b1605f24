// One measurement in a fresh process: read + build + annotate a sysfs tree (the
// pci.ids database loaded beforehand and timed apart). Prints JSON.
//   node bench/lib/scale-child.mjs ENGINE_URL DIR
import { readFileSync } from 'node:fs';

const hwm = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
const [engineUrl, dir] = process.argv.slice(2);
const E = await import(engineUrl);
let t = performance.now();
E.loadPciIds();
const pciIdsMs = performance.now() - t;
const before = hwm();
t = performance.now();
const r = E.snapshotFromRoot(new E.DiskRoot(dir), 'sysfs-dir', dir);
const ms = performance.now() - t;
const after = hwm();
console.log(JSON.stringify({
  ms,
  pciIdsMs,
  functions: r.topology.pci.devices.length,
  warnings: r.diagnostics.filter((d) => d.severity === 'warning').length,
  peakRssMiB: after,
  rssBeforeMiB: before,
  heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20,
}));
