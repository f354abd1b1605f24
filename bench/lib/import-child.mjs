// One import measurement in a fresh process: parse + build a snapshot from lspci text
// or hwloc XML (pci.ids loaded beforehand, timed apart). Prints JSON.
//   node bench/lib/import-child.mjs ENGINE_URL lspci|hwloc-xml FILE
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [engineUrl, kind, file] = process.argv.slice(2);
const E = await import(engineUrl);
E.loadPciIds();
const text = readFileSync(file, 'utf8');
const t = performance.now();
const r = kind === 'lspci' ? E.snapshotFromLspci(text, basename(file)) : E.snapshotFromHwlocXml(text, basename(file));
const ms = performance.now() - t;
const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
console.log(JSON.stringify({ ms, functions: r.topology.pci.devices.length, bytes: text.length, peakRssMiB: hwm }));
