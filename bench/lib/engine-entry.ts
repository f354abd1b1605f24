// What the in-process benchmarks call: the engine's entry points, bundled once by
// bench/lib/engine.mjs with the same esbuild settings as the CLI.
export { readSysfs } from '../../electron/topology/sources/read-sysfs';
export { snapshotFromRoot, loadInput } from '../../electron/topology/load';
export { DiskRoot, MemRoot } from '../../electron/topology/sources/sysfs-root';
export { openArchiveFile, openArchiveBytes } from '../../electron/topology/sources/archive';
export { annotateTopology } from '../../electron/topology/annotate';
export { loadPciIds } from '../../electron/topology/sources/pci-ids-file';
export { snapshotFromLspci } from '../../electron/topology/sources/lspci';
export { snapshotFromHwlocXml } from '../../electron/topology/sources/hwloc-xml';
export { captureArchive } from '../../electron/topology/sources/capture';
export { exportJson } from '../../electron/topology/export/json';
// Import phases (bench/imports.mjs --phases): parse alone, records, then the builder.
export { parseLspci } from '../../electron/topology/parse/lspci';
export { parseHwlocXml } from '../../electron/topology/parse/hwloc-xml';
export { readLspci } from '../../electron/topology/sources/lspci';
export { readHwlocXml } from '../../electron/topology/sources/hwloc-xml';
export { buildTopology } from '../../electron/topology/build';
