// One measurement in a fresh process. Prints JSON.
//   node bench/lib/scale-child.mjs ENGINE_URL DIR          read + build + annotate the
//     tree on disk (the pci.ids database loaded beforehand and timed apart)
//   node bench/lib/scale-child.mjs ENGINE_URL DIR --mem    the same tree loaded into
//     memory first (untimed; what an opened capture gives the engine), then build +
//     annotate timed: the engine's own compute without the file system. The first run
//     is a cold process (what a CLI run pays), the best of three a warmed one.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const hwm = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
const [engineUrl, dir, mode] = process.argv.slice(2);
const E = await import(engineUrl);
let t = performance.now();
E.loadPciIds();
const pciIdsMs = performance.now() - t;

if (mode === '--mem') {
  const entries = new Map();
  const walk = (rel) => {
    for (const e of readdirSync(rel ? `${dir}/${rel}` : dir, { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) entries.set(p, { type: 'link', target: readlinkSync(`${dir}/${p}`) });
      else if (e.isDirectory()) {
        entries.set(p, { type: 'dir' });
        walk(p);
      } else entries.set(p, { type: 'file', data: readFileSync(`${dir}/${p}`) });
    }
  };
  walk('');
  const runs = [];
  const cpus = [];
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let functions = 0;
  for (let i = 0; i < 3; i += 1) {
    const root = new E.MemRoot(entries, dir);
    t = performance.now();
    const c = cpu();
    const r = E.snapshotFromRoot(root, 'sysfs-dir', dir);
    runs.push(performance.now() - t);
    // CPU time (user + sys, GC threads included) says less about the machine's load than wall time.
    cpus.push(cpu() - c);
    functions = r.topology.pci.devices.length;
  }
  console.log(JSON.stringify({ coldMs: runs[0], warmMs: Math.min(...runs.slice(1)), coldCpuMs: cpus[0], warmCpuMs: Math.min(...cpus.slice(1)), functions, files: entries.size }));
} else {
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
}
