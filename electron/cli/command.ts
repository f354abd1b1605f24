// The shape of one `topolens` command: its own options (node:util parseArgs config),
// its own usage text, and what it does. The CLI's dispatcher (main.ts) parses argv
// against the command's options only, so an unknown flag is an error with that
// command's usage. Commands live in electron/cli/commands/<name>.ts, one per file, and
// are listed in commands/index.ts. A command module stays small: heavy code (the
// engine, exporters, the server) is loaded with `await import(...)` inside run().
import type { ParseArgsConfig } from 'node:util';
import type { PciDevice, Snapshot } from '../topology/model';

export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** What parseArgs gave for this command: flag values and positionals. */
export interface CommandArgs {
  readonly values: Readonly<Record<string, string | boolean | string[] | boolean[] | undefined>>;
  readonly positionals: readonly string[];
}

/** Output helpers the dispatcher hands to a command (stdout with EPIPE handling, atomic files). */
export interface CommandIo {
  /** Standard output, or FILE written atomically when `out` is set and not "-". */
  emit(text: string | Uint8Array, out?: string, force?: boolean): Promise<void>;
  /** One line on stderr (progress, notes); a newline is added. */
  note(line: string): void;
}

export interface Command {
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** The synopsis and this command's flags, shown by `topolens NAME --help` and on usage errors. */
  readonly usage: string;
  /** This command's flags; the dispatcher adds -h/--help to every command. */
  readonly options: CommandOptions;
  /** Most commands take at most one INPUT; diff takes two, fleet many. */
  readonly maxPositionals: number;
  /** Returns the exit status (0 ok, 1 findings/differences where the command says so, 2 unusable input). */
  run(args: CommandArgs, io: CommandIo): Promise<number>;
}

/** Bad arguments: the dispatcher prints the message and the command's usage, exit 2. */
export class UsageError extends Error {}

/** A string flag's value (undefined when absent); parseArgs already refused a missing value. */
export function stringFlag(args: CommandArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolFlag(args: CommandArgs, name: string): boolean {
  return args.values[name] === true;
}

/**
 * Usage text in one layout for every command: the synopsis, then one line per flag.
 * `flags` pairs the flag as typed (`-o, --output FILE`) with what it does.
 */
export function usageText(synopsis: string, about: string, flags: ReadonlyArray<readonly [string, string]>): string {
  const all = [...flags, ['-h, --help', 'this help'] as const];
  const width = Math.max(...all.map(([f]) => f.length));
  return [`Usage: ${synopsis}`, '', about, '', 'Options:', ...all.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`), ''].join('\n');
}

// Shared by the commands that write a report (show, export, matrix, advise, check, diff,
// fleet): the -f/-o/--force flags, their help lines, the format check and the write.

/** -o/--output and --force: where a report goes. */
export const OUTPUT_OPTIONS = {
  output: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
} as const satisfies CommandOptions;

/** -f/--format with the output flags. */
export const REPORT_OPTIONS = { format: { type: 'string', short: 'f' }, ...OUTPUT_OPTIONS } as const satisfies CommandOptions;

/** Help lines of -o and --force. */
export const OUTPUT_HELP: ReadonlyArray<readonly [string, string]> = [
  ['-o, --output FILE', 'write FILE (atomically) instead of standard output'],
  ['--force', 'replace FILE if it exists'],
];

/** Help lines of -f (what it takes, `about`) and the output flags. */
export function reportHelp(about: string): ReadonlyArray<readonly [string, string]> {
  return [['-f, --format F', about], ...OUTPUT_HELP];
}

/** The --format value when it is one of `formats` (else `fallback` when absent); a UsageError naming them otherwise. */
export function formatFlag<F extends string>(args: CommandArgs, formats: readonly F[], fallback: F): F {
  const format = stringFlag(args, 'format') ?? fallback;
  if (!(formats as readonly string[]).includes(format)) throw new UsageError(`unknown format "${format}" (${formats.join(', ')})`);
  return format as F;
}

/** A whole-number flag from `min` to `max` (`fallback` when absent); a UsageError otherwise. */
export function intFlag(args: CommandArgs, name: string, min: number, max: number, fallback: number): number;
export function intFlag(args: CommandArgs, name: string, min: number, max: number): number | undefined;
export function intFlag(args: CommandArgs, name: string, min: number, max: number, fallback?: number): number | undefined {
  const v = stringFlag(args, name);
  if (v === undefined) return fallback;
  if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`--${name} wants a whole number from ${min} to ${max} (got "${v}")`);
  return Number(v);
}

/** Writes a report where -o/--force say (standard output by default). */
export function emitReport(io: CommandIo, args: CommandArgs, text: string | Uint8Array): Promise<void> {
  return io.emit(text, stringFlag(args, 'output'), boolFlag(args, 'force'));
}

/** The topology of one INPUT (undefined: this machine); the engine is loaded on first use. */
export async function loadTopology(input: string | undefined): Promise<Snapshot> {
  const { loadInput } = await import('../topology/load');
  return (await loadInput(input)).topology;
}

/** The functions `--devices SEL` chooses (SEL undefined: the selector's default); a UsageError naming what matched nothing. */
export async function selectOrRefuse(topology: Snapshot, sel: string | undefined): Promise<readonly PciDevice[]> {
  const { selectDevices, SELECTOR_HELP } = await import('../topology/answers/select');
  const r = selectDevices(topology, sel);
  if (r.unmatched.length) throw new UsageError(`--devices: no device matches ${r.unmatched.map((s) => `"${s}"`).join(', ')} (${SELECTOR_HELP})`);
  return r.devices;
}
