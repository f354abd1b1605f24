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
