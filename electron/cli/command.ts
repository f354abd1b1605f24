// The shape of one `topolens` command: its own options (node:util parseArgs config),
// its own usage text, and what it does. The CLI's dispatcher (main.ts) parses argv
// against the command's options only, so an unknown flag is an error with that
// command's usage. Commands live in electron/cli/commands/<name>.ts, one per file, and
// are listed in commands/index.ts. A command module stays small: heavy code (the
// engine, exporters, the server) is loaded with `await import(...)` inside run().
import type { ParseArgsConfig } from 'node:util';

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
