// Loads a topolens snapshot (contract v1) from JSON text: checks format and version,
// and the shape of what the app relies on. Unknown extra fields are kept.
import { InputError } from '../errors';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Diagnostic, type Snapshot } from '../model';

export function looksLikeSnapshot(text: string): boolean {
  return /^\s*\{/.test(text) && text.slice(0, 4096).includes(`"${SNAPSHOT_FORMAT}"`);
}

function fail(name: string, what: string): never {
  throw new InputError(`not a valid topolens snapshot: ${what}`, name);
}

/** Parse and check a snapshot. Throws InputError for unusable input. */
export function parseSnapshot(text: string, name: string): { topology: Snapshot; diagnostics: Diagnostic[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`, name);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail(name, 'top level is not an object');
  const o = data as Record<string, unknown>;
  if (o['format'] !== SNAPSHOT_FORMAT) fail(name, `"format" is ${JSON.stringify(o['format'])}, expected "${SNAPSHOT_FORMAT}"`);
  if (typeof o['version'] !== 'number') fail(name, '"version" is missing');
  if (o['version'] > SNAPSHOT_VERSION) {
    throw new InputError(`snapshot version ${o['version']} is newer than this topolens understands (${SNAPSHOT_VERSION}); update topolens`, name);
  }
  if (o['version'] !== SNAPSHOT_VERSION) fail(name, `unknown version ${JSON.stringify(o['version'])}`);
  const pci = o['pci'] as Record<string, unknown> | undefined;
  if (!pci || !Array.isArray(pci['devices'])) fail(name, '"pci.devices" is not a list');
  if (!o['machine'] || typeof o['machine'] !== 'object') fail(name, '"machine" is missing');
  if (!Array.isArray(o['numaNodes'])) fail(name, '"numaNodes" is not a list');
  const seen = new Set<string>();
  (pci['devices'] as unknown[]).forEach((d, i) => {
    if (!d || typeof d !== 'object') fail(name, `pci.devices[${i}] is not an object`);
    const a = (d as Record<string, unknown>)['address'];
    if (typeof a !== 'string') fail(name, `pci.devices[${i}].address is not a string`);
    if (seen.has(a)) fail(name, `duplicate device address ${a}`);
    seen.add(a);
  });
  const topology = data as Snapshot;
  return { topology, diagnostics: [...(topology.diagnostics ?? [])] };
}
