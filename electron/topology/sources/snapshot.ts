// Loads a topolens snapshot (contract v1) from JSON text: checks format and version,
// validates the shape against schema/snapshot.schema.json (ajv, compiled once, lazily)
// and repairs what a schema cannot express (duplicate addresses, parents that are
// missing or form a cycle) with a warning each. Unknown extra fields are kept.
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { InputError } from '../errors';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Diagnostic, type Snapshot } from '../model';
import schema from '../schema/snapshot.schema.json';
import { repairPciTree } from '../build';

/** Deepest nesting of arrays/objects accepted; real snapshots are about 6 deep. */
export const MAX_SNAPSHOT_DEPTH = 64;

function fail(name: string, what: string): never {
  throw new InputError(`not a valid topolens snapshot: ${what}`, name);
}

let validator: ValidateFunction | null = null;

/** The compiled schema validator (compiled on first use, then reused). */
export function snapshotValidator(): ValidateFunction {
  if (!validator) {
    // ajv is CommonJS: its default export arrives as the module object under some loaders.
    const mod = Ajv2020 as unknown as { default?: typeof Ajv2020 };
    const Ctor = (mod.default ?? Ajv2020) as typeof Ajv2020;
    const ajv = new Ctor({ allErrors: false, verbose: true, strict: true, strictTypes: false });
    validator = ajv.compile(schema);
  }
  return validator;
}

/** "/pci/devices/3/address" → "pci.devices[3].address". */
function jsonPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? 'the top level' : out;
}

function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** One ajv error as a sentence: "pci.devices[3].address "zz" must match ...". */
export function describeSchemaError(e: ErrorObject): string {
  const at = jsonPath(e.instancePath);
  if (e.keyword === 'required') {
    const prop = String((e.params as { missingProperty: string }).missingProperty);
    return `${at === 'the top level' ? '' : `${at}.`}${prop} is missing`;
  }
  const value = e.keyword === 'type' || e.keyword === 'pattern' || e.keyword === 'enum' || e.keyword === 'minimum' || e.keyword === 'maximum'
    ? ` ${preview(e.data)}`
    : '';
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((x) => JSON.stringify(x)).join(', ');
    return `${at}${value} must be one of ${allowed}`;
  }
  if (e.keyword === 'anyOf') return `${at}${value} has the wrong type or form`;
  return `${at}${value} ${e.message ?? 'is invalid'}`;
}

/** Nesting depth of parsed JSON, without recursion (hostile input may be deep). */
function tooDeep(data: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[data, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * What the schema cannot say (see build/tree.ts). Decided: repaired, not fatal, because
 * the repair is unambiguous and keeps the rest of a stranger's capture usable —
 * duplicates dropped (first kept), missing parents made null, parent loops cut — with
 * one warning diagnostic per repair, added to the snapshot's diagnostics.
 */
export function repairSnapshot(t: Snapshot, name: string): { topology: Snapshot; repairs: Diagnostic[] } {
  const { devices, repairs } = repairPciTree(t.pci.devices, name);
  if (repairs.length === 0) return { topology: t, repairs };
  return { topology: { ...t, pci: { ...t.pci, devices }, diagnostics: [...t.diagnostics, ...repairs] }, repairs };
}

/** Parse and check a snapshot. Throws InputError for unusable input. */
export function parseSnapshot(text: string, name: string): { topology: Snapshot; diagnostics: Diagnostic[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message.slice(0, 200)})`, name);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail(name, 'top level is not an object');
  const o = data as Record<string, unknown>;
  if (o['format'] !== SNAPSHOT_FORMAT) fail(name, `"format" is ${preview(o['format'])}, expected "${SNAPSHOT_FORMAT}"`);
  if (typeof o['version'] !== 'number') fail(name, '"version" is missing');
  if (o['version'] > SNAPSHOT_VERSION) {
    throw new InputError(`snapshot version ${o['version']} is newer than this topolens understands (${SNAPSHOT_VERSION}); update topolens`, name);
  }
  if (o['version'] !== SNAPSHOT_VERSION) fail(name, `unknown version ${preview(o['version'])}`);
  if (tooDeep(data, MAX_SNAPSHOT_DEPTH)) fail(name, `nested more than ${MAX_SNAPSHOT_DEPTH} levels deep`);
  const validate = snapshotValidator();
  if (!validate(data)) fail(name, describeSchemaError(validate.errors![0]!));
  const { topology } = repairSnapshot(data as Snapshot, name);
  return { topology, diagnostics: [...topology.diagnostics] };
}
