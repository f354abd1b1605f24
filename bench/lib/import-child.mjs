// One import measurement in a fresh process. Prints JSON.
//   node bench/lib/import-child.mjs ENGINE_URL lspci|hwloc-xml FILE
// ms: parse + build + annotate from the text already in memory; fileMs: what opening
// the file in topolens costs (loadInput: read, decode, sniff, parse, build, annotate),
// measured in the same process afterwards, after the pci.ids database is loaded.
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
} else {
  const text = readFileSync(file, 'utf8');
  const t = performance.now();
  const r = kind === 'lspci' ? E.snapshotFromLspci(text, basename(file)) : E.snapshotFromHwlocXml(text, basename(file));
  const ms = performance.now() - t;
  console.log(JSON.stringify({ ms, functions: r.topology.pci.devices.length, bytes: text.length, peakRssMiB: hwm() }));
}
