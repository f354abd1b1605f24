// The `topolens` command: a small dispatcher over the command registry
// (commands/index.ts). It parses argv against the chosen command's own options
// (node:util parseArgs, strict), prints help, and maps errors to exit codes and one-line
// messages. It does no topology work and knows no command's flags.
import { parseArgs } from 'node:util';
import { InputError } from '../topology/errors';
import { UsageError, type Command, type CommandArgs } from './command';
import * as registry from './commands';
import { processIo, writeStdout } from './io';

export { UsageError } from './command';
export { writeStdout } from './io';

/** Every command, sorted by name. */
export const COMMANDS: readonly Command[] = Object.values(registry as Record<string, Command>).sort((a, b) => (a.name < b.name ? -1 : 1));

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export function topUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'topolens — PCIe / NUMA topology explorer',
    '',
    'Usage: topolens COMMAND [INPUT] [options]     (topolens COMMAND --help for its options)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'INPUT is "live" (the default: this machine), a folder holding sys/ and proc/, a',
    'capture archive (.tar.gz/.tar.bz2, including hwloc-gather-topology\'s), a topolens',
    'snapshot (.json), lspci text or hwloc XML. TOPOLENS_FS_ROOT=DIR makes "live" read DIR.',
    'Exit status: 0 ok, 2 unusable input or arguments, 1 internal error.',
    '',
  ].join('\n');
}

/** A usage error that knows which command it belongs to (its usage is printed with it). */
class CommandUsageError extends UsageError {
  constructor(
    message: string,
    readonly command: Command,
  ) {
    super(message);
  }
}

function parseFor(cmd: Command, argv: readonly string[]): CommandArgs & { help: boolean } {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { ...cmd.options, help: { type: 'boolean', short: 'h' } },
    });
    const { help, ...own } = values as Record<string, string | boolean | undefined>;
    return { values: own, positionals, help: help === true };
  } catch (e) {
    throw new CommandUsageError((e as Error).message, cmd);
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help') {
    writeStdout(topUsage());
    return name ? 0 : 2;
  }
  if (name === 'help') {
    const c = rest[0] ? findCommand(rest[0]) : undefined;
    if (rest[0] && !c) throw new UsageError(`unknown command "${rest[0]}" (${COMMANDS.map((x) => x.name).join(', ')})`);
    writeStdout(c ? c.usage : topUsage());
    return 0;
  }
  const cmd = findCommand(name);
  if (!cmd) throw new UsageError(`unknown command "${name}" (${COMMANDS.map((c) => c.name).join(', ')})`);
  const args = parseFor(cmd, rest);
  if (args.help) {
    writeStdout(cmd.usage);
    return 0;
  }
  if (args.positionals.length > cmd.maxPositionals) {
    throw new CommandUsageError(`${cmd.name} takes ${cmd.maxPositionals === 1 ? 'one INPUT' : `${cmd.maxPositionals} arguments`} at most (got ${args.positionals.length})`, cmd);
  }
  try {
    return await cmd.run(args, processIo);
  } catch (e) {
    if (e instanceof UsageError && !(e instanceof CommandUsageError)) throw new CommandUsageError(e.message, cmd);
    throw e;
  }
}

/** Run and map errors to exit codes and messages (one line for input; message + usage for arguments). */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`topolens: ${e.path ? `${e.path}: ` : ''}${e.message}\n`);
      return 2;
    }
    if (e instanceof CommandUsageError) {
      process.stderr.write(`topolens ${e.command.name}: ${e.message}\n\n${e.command.usage}`);
      return 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`topolens: ${e.message}\n(topolens --help for usage)\n`);
      return 2;
    }
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    process.stderr.write(`topolens: internal error: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}
