// Shared fuzz harness: runs a target over fast-check inputs, counts inputs and failures
// instead of stopping at the first one, times each input (a hang is a bug), watches
// memory, and prints one summary line per target ("fuzz lspci: 2000 inputs, 0 failures").
// FUZZ_RUNS=N multiplies every target's input count; FUZZ_SEED=N replays a run; CI=true
// uses a fixed seed.
import fc from 'fast-check';
import { expect } from 'vitest';
import { InputError } from '../../electron/topology/errors';
import { annotateTopology } from '../../electron/topology/annotate';
import { exportDot } from '../../electron/topology/export/dot';
import { exportJson } from '../../electron/topology/export/json';
import { exportText } from '../../electron/topology/export/text';
import type { Snapshot } from '../../electron/topology/model';
import { describeSchemaError, parseSnapshot, snapshotValidator } from '../../electron/topology/sources/snapshot';

export const SCALE = Math.max(0.01, Number(process.env['FUZZ_RUNS'] ?? '1') || 1);
// CI (CI=true) replays one fixed seed so a landing never depends on the dice; runs on a
// developer's machine draw a new seed each time (printed) to keep finding new inputs.
const CI_SEED = 20261125;
export const SEED =
  process.env['FUZZ_SEED'] !== undefined ? Number(process.env['FUZZ_SEED']) : process.env['CI'] ? CI_SEED : Date.now() % 1_000_000_007;
/**
 * Most CPU time (user + system, so a busy shared machine does not make it flaky) any
 * single input may take: far below a hang, generous for slow CI. FUZZ_MAX_MS overrides.
 */
export const MAX_MS_PER_INPUT = Number(process.env['FUZZ_MAX_MS'] ?? '2000') || 2000;
/** Resident memory the process may grow by over one target. */
export const MAX_RSS_GROWTH = 1024 * 1024 * 1024;

export interface FuzzOptions<T> {
  readonly runs: number;
  /** Short text for a failing input in the report. */
  readonly show?: (x: T) => string;
  readonly maxMs?: number;
}

export interface FuzzReport {
  readonly name: string;
  readonly inputs: number;
  readonly failures: number;
  /** Inputs refused with the documented InputError (not failures). */
  readonly refused: number;
  readonly slowestMs: number;
  readonly rssGrowthMb: number;
  readonly examples: string[];
}

/**
 * `fn` may return normally or throw InputError; any other exception, or a run over
 * the time limit, is a failure. `fn` makes its own checks on the result by throwing.
 */
export function fuzz<T>(name: string, arb: fc.Arbitrary<T>, fn: (x: T) => void, opts: FuzzOptions<T>): FuzzReport {
  const runs = Math.max(1, Math.round(opts.runs * SCALE));
  const maxMs = opts.maxMs ?? MAX_MS_PER_INPUT;
  let inputs = 0;
  let failures = 0;
  let refused = 0;
  let slowest = 0;
  const examples: string[] = [];
  const kinds = new Set<string>();
  const rss0 = process.memoryUsage.rss();
  let rssPeak = rss0;
  const show = opts.show ?? ((x: T) => preview(x));
  fc.assert(
    fc.property(arb, (x) => {
      inputs += 1;
      const c0 = process.cpuUsage();
      let problem: string | null = null;
      try {
        fn(x);
      } catch (e) {
        if (e instanceof InputError) refused += 1;
        else problem = `${(e as Error)?.name}: ${String((e as Error)?.message ?? e).slice(0, 300)}\n${String((e as Error)?.stack ?? '').split('\n').slice(1, 4).join('\n')}`;
      }
      const c = process.cpuUsage(c0);
      const ms = (c.user + c.system) / 1000;
      slowest = Math.max(slowest, ms);
      if (problem === null && ms > maxMs) problem = `took ${ms.toFixed(0)} ms of CPU (limit ${maxMs} ms)`;
      if (problem !== null) {
        failures += 1;
        // Keep one example per kind of failure (the message with its values blanked).
        const kind = problem.split('\n')[0]!.replace(/"[^"]*"|\d+/g, '#');
        if (examples.length < 8 && !kinds.has(kind)) {
          kinds.add(kind);
          examples.push(`${problem}\n  input: ${show(x)}`);
        }
      }
      if ((inputs & 15) === 0) rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
      return true;
    }),
    { numRuns: runs, seed: SEED, endOnFailure: true },
  );
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  const report: FuzzReport = {
    name,
    inputs,
    failures,
    refused,
    slowestMs: Math.round(slowest),
    rssGrowthMb: Math.round((rssPeak - rss0) / 1048576),
    examples,
  };
  console.log(
    `fuzz ${name}: ${inputs} inputs, ${failures} failures (${refused} refused with InputError, slowest ${report.slowestMs} ms CPU, rss +${report.rssGrowthMb} MB, seed ${SEED})`,
  );
  for (const ex of examples) console.log(`  FAIL ${ex}`);
  expect(examples, `fuzz ${name}: ${failures} of ${inputs} inputs failed`).toEqual([]);
  expect(rssPeak - rss0).toBeLessThan(MAX_RSS_GROWTH);
  return report;
}

export function preview(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x.length > 200 ? `${x.slice(0, 200)}… (${x.length} chars)` : x);
  if (x instanceof Uint8Array) return `<${x.length} bytes: ${Buffer.from(x.subarray(0, 48)).toString('hex')}…>`;
  try {
    const s = JSON.stringify(x, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length} bytes>` : typeof v === 'string' && v.length > 100 ? `${v.slice(0, 100)}…` : v));
    return s.length > 400 ? `${s.slice(0, 400)}…` : s;
  } catch {
    return String(x);
  }
}

// ---- mutations of real inputs ----

/** One edit of a text or byte image; positions are taken modulo the current length. */
export type TextOp =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'swap'; a: number; b: number }
  | { op: 'delete'; at: number; n: number }
  | { op: 'duplicate'; from: number; n: number; to: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'number'; at: number; value: string }
  | { op: 'longline'; at: number; size: number }
  | { op: 'bytes'; at: number; bytes: number[] };

/** Values that break naive number handling. */
export const NASTY_NUMBERS = [
  '-1', '-2', '-2147483648', '2147483647', '4294967295', '4294967296', '9007199254740993', '99999999999999999999999',
  '1e308', '1e400', 'NaN', 'Infinity', '-0', '0x', '0xffffffffffffffff', '65536', '1024', '1048577', '00', '', ' ', '-',
];

export const nastyNumber = fc.constantFrom(...NASTY_NUMBERS);

export function textOps(opts: { longLines?: boolean } = {}): fc.Arbitrary<TextOp[]> {
  const pos = fc.nat({ max: 1 << 30 });
  const ops: fc.Arbitrary<TextOp>[] = [
    fc.record({ op: fc.constant('truncate' as const), at: pos }),
    fc.record({ op: fc.constant('flip' as const), at: pos, bit: fc.nat({ max: 7 }) }),
    fc.record({ op: fc.constant('swap' as const), a: pos, b: pos }),
    fc.record({ op: fc.constant('delete' as const), at: pos, n: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ op: fc.constant('duplicate' as const), from: pos, n: fc.integer({ min: 1, max: 60 }), to: pos }),
    fc.record({ op: fc.constant('insert' as const), at: pos, text: fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 })) }),
    fc.record({ op: fc.constant('number' as const), at: pos, value: fc.oneof(nastyNumber, fc.integer().map(String)) }),
    fc.record({ op: fc.constant('bytes' as const), at: pos, bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 8 }) }),
  ];
  const weighted = opts.longLines === false ? ops : [...ops, fc.record({ op: fc.constant('longline' as const), at: pos, size: fc.constantFrom(70_000, 1 << 20) })];
  return fc.array(fc.oneof(...weighted), { minLength: 1, maxLength: 5 });
}

/** Apply edits to text treated as lines (swap/delete/duplicate/insert/longline) or bytes (flip/bytes). */
export function mutateText(text: string, ops: readonly TextOp[]): string {
  let lines = text.split('\n');
  const idx = (n: number) => (lines.length === 0 ? 0 : n % lines.length);
  for (const o of ops) {
    switch (o.op) {
      case 'truncate': {
        const s = lines.join('\n');
        lines = s.slice(0, s.length === 0 ? 0 : o.at % s.length).split('\n');
        break;
      }
      case 'flip':
      case 'bytes': {
        // Byte-level damage: the result may not be valid UTF-8 (decoded with U+FFFD).
        const b = Buffer.from(lines.join('\n'), 'utf8');
        if (b.length === 0) break;
        const at = o.at % b.length;
        if (o.op === 'flip') b[at] = b[at]! ^ (1 << o.bit);
        else for (let i = 0; i < o.bytes.length && at + i < b.length; i += 1) b[at + i] = o.bytes[i]!;
        lines = b.toString('utf8').split('\n');
        break;
      }
      case 'swap': {
        const a = idx(o.a);
        const b = idx(o.b);
        [lines[a], lines[b]] = [lines[b]!, lines[a]!];
        break;
      }
      case 'delete':
        lines.splice(idx(o.at), o.n);
        break;
      case 'duplicate': {
        const from = idx(o.from);
        lines.splice(idx(o.to), 0, ...lines.slice(from, from + o.n));
        break;
      }
      case 'insert':
        lines.splice(idx(o.at), 0, o.text);
        break;
      case 'number': {
        // Replace the n-th number in the text (decimal or hex) with a nasty value.
        const s = lines.join('\n');
        const matches = [...s.matchAll(/(?:0x)?[0-9a-f]+/gi)];
        if (matches.length === 0) break;
        const m = matches[o.at % matches.length]!;
        lines = (s.slice(0, m.index) + o.value + s.slice(m.index! + m[0].length)).split('\n');
        break;
      }
      case 'longline':
        lines.splice(idx(o.at), 0, 'x'.repeat(o.size));
        break;
    }
  }
  return lines.join('\n');
}

/** Mutated versions of real texts. */
export function mutatedTexts(bases: readonly string[], opts: { longLines?: boolean } = {}): fc.Arbitrary<string> {
  return fc.tuple(fc.nat({ max: bases.length - 1 }), textOps(opts)).map(([i, ops]) => mutateText(bases[i]!, ops));
}

/** Byte-level mutations for binary images (archives). */
export function mutateBytes(buf: Uint8Array, ops: readonly TextOp[]): Uint8Array {
  let b = Buffer.from(buf);
  for (const o of ops) {
    if (b.length === 0) break;
    const at = ('at' in o ? o.at : 0) % b.length;
    switch (o.op) {
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'flip':
        b[at] = b[at]! ^ (1 << o.bit);
        break;
      case 'bytes':
        for (let i = 0; i < o.bytes.length && at + i < b.length; i += 1) b[at + i] = o.bytes[i]!;
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + o.n * 64))]);
        break;
      case 'duplicate': {
        const from = o.from % b.length;
        const to = o.to % b.length;
        b = Buffer.concat([b.subarray(0, to), b.subarray(from, from + o.n * 512), b.subarray(to)]);
        break;
      }
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(o.text, 'latin1'), b.subarray(at)]);
        break;
      default:
        break;
    }
  }
  return b;
}

// ---- what every produced topology must satisfy ----

/**
 * A topology made from any input is a valid contract-v1 snapshot: it passes the schema,
 * has unique addresses and parent chains that end, loads back unchanged from its own
 * JSON export, and every exporter accepts it.
 */
export function checkSnapshot(t: Snapshot): void {
  const validate = snapshotValidator();
  if (!validate(JSON.parse(JSON.stringify(t)))) throw new Error(`produced an invalid snapshot: ${describeSchemaError(validate.errors![0]!)}`);
  const by = new Map<string, Snapshot['pci']['devices'][number]>();
  for (const d of t.pci.devices) {
    if (by.has(d.address)) throw new Error(`produced duplicate address ${d.address}`);
    by.set(d.address, d);
  }
  for (const d of t.pci.devices) {
    let cur = d;
    for (let n = 0; cur.parent !== null; n += 1) {
      const p = by.get(cur.parent);
      if (!p) throw new Error(`produced a parent ${cur.parent} (of ${cur.address}) that is not a device`);
      if (n > by.size) throw new Error(`produced a parent loop through ${d.address}`);
      cur = p;
    }
  }
  const json = exportJson(t);
  const back = parseSnapshot(json, 'fuzz.json');
  if (exportJson(back.topology) !== json) throw new Error('export json → load → export json is not a fixed point');
  annotateTopology(back.topology);
  exportText(back.topology);
  exportText(back.topology, { all: true });
  exportDot(back.topology);
}
