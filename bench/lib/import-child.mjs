// One import measurement in a fresh process. Prints JSON.
//   node bench/lib/import-child.mjs ENGINE_URL lspci|hwloc-xml FILE [--file|--phases]
// ms: parse + build + annotate from the text already in memory; fileMs: what opening
// the file in topolens costs (loadInput: read, decode, sniff, parse, build, annotate),
// measured in the same process afterwards, after the pci.ids database is loaded; cpuMs:
// user+sys of the parse + build (GC threads included), steadier than wall time under load.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [engineUrl, kind, file, mode] = process.argv.slice(2);
const E = await import(engineUrl);
E.loadPciIds();
const hwm = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
if (mode === '--file') {
  // Cold, in its own process: the whole open of the file.
  const t = performance.now();
  const r = await E.loadInput(file);
  const fileMs = performance.now() - t;
  console.log(JSON.stringify({ fileMs, functions: r.topology.pci.devices.length, peakRssMiB: hwm() }));
} else if (mode === '--phases') {
  // Cold, in its own process: the parser alone, then records (a second, warm parse
  // included), then build + annotate of those records; CPU time (user+sys) of each.
  const text = readFileSync(file, 'utf8');
  const cpu = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const t0 = cpu();
  if (kind === 'lspci') E.parseLspci(text, basename(file));
  else E.parseHwlocXml(text, basename(file));
  const t1 = cpu();
  const rec = kind === 'lspci' ? E.readLspci(text, basename(file)) : E.readHwlocXml(text, basename(file), {});
  const t2 = cpu();
  E.buildTopology(rec);
  const t3 = cpu();
  console.log(JSON.stringify({ parseCpuMs: t1 - t0, recordsCpuMs: t2 - t1, buildCpuMs: t3 - t2 }));
} else {
  const text = readFileSync(file, 'utf8');
  const c0 = process.cpuUsage();
  const t = performance.now();
  const r = kind === 'lspci' ? E.snapshotFromLspci(text, basename(file)) : E.snapshotFromHwlocXml(text, basename(file));
  const ms = performance.now() - t;
  const cu = process.cpuUsage(c0);
  console.log(JSON.stringify({ ms, cpuMs: (cu.user + cu.system) / 1000, functions: r.topology.pci.devices.length, bytes: text.length, peakRssMiB: hwm() }));
}
