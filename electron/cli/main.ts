// The `topolens` command: show, export, capture, serve. Argument handling and output
// only; all topology work is the engine's. Bad input → one line on stderr, exit 2.
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { InputError } from '../topology/errors';
import type { Snapshot } from '../topology/model';

const USAGE = `topolens — PCIe / NUMA topology explorer

Usage:
  topolens show    [INPUT] [--all]                 text tree of the topology
  topolens export  [INPUT] --format json|text|dot|svg [-o FILE] [--force]
  topolens capture [-o FILE.tar.gz] [--force]      archive what topolens reads on this machine
  topolens serve   [INPUT] [--port N]              the app's UI over loopback HTTP, with a token

INPUT is "live" (the default: this machine), a folder holding sys/ and proc/, a
capture archive (.tar.gz/.tar.bz2, including hwloc-gather-topology's), a topolens
snapshot (.json), lspci text or hwloc XML. TOPOLENS_FS_ROOT=DIR makes "live" read DIR.
Exit status: 0 ok, 2 unusable input or arguments, 1 internal error.
`;

export class UsageError extends Error {}

async function load(input: string | undefined): Promise<Snapshot> {
  const { loadInput } = await import('../topology/load');
  return (await loadInput(input)).topology;
}

let stdoutStream: NodeJS.WriteStream | null = null;

/** process.stdout, with `topolens show | head` (the reader went away) ending quietly, like other Unix tools. */
function stdout(): NodeJS.WriteStream {
  if (!stdoutStream) {
    stdoutStream = process.stdout;
    stdoutStream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
  return stdoutStream;
}

/**
 * Write to standard output. With fs.writeSync on fd 1 rather than process.stdout, whose
 * first use builds a stream (and for a pipe a net.Socket): ≈ 5–10 ms of a short run.
 * process.stdout writes files and pipes synchronously on Linux too, so the order and
 * completeness are the same. EPIPE is thrown to run(), which exits 0; a non-blocking
 * descriptor that would block (EAGAIN) hands the rest to process.stdout.
 */
export function writeStdout(text: string | Uint8Array): void {
  if (stdoutStream) {
    stdoutStream.write(text);
    return;
  }
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  let off = 0;
  try {
    while (off < buf.length) off += writeSync(1, buf, off, buf.length - off);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    stdout().write(buf.subarray(off));
  }
}

async function emit(text: string | Uint8Array, out: string | undefined, force: boolean): Promise<void> {
  if (!out || out === '-') {
    writeStdout(text);
    return;
  }
  const { writeFileAtomic } = await import('../topology/export/write-file');
  writeFileAtomic(out, text, { force });
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    writeStdout(USAGE);
    return cmd ? 0 : 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        force: { type: 'boolean' },
        all: { type: 'boolean' },
        port: { type: 'string' },
        host: { type: 'string' },
        'allow-remote': { type: 'boolean' },
        'no-open': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    writeStdout(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`one INPUT at most (got ${positionals.length})`);
  const input = positionals[0];
  switch (cmd) {
    case 'show': {
      const { exportText } = await import('../topology/export/text');
      await emit(exportText(await load(input), { all: v.all ?? false }), v.output, v.force ?? false);
      return 0;
    }
    case 'export': {
      const format = v.format ?? 'json';
      const t = await load(input);
      let text: string;
      if (format === 'json') text = (await import('../topology/export/json')).exportJson(t);
      else if (format === 'text') text = (await import('../topology/export/text')).exportText(t, { all: true });
      else if (format === 'dot') text = (await import('../topology/export/dot')).exportDot(t);
      else if (format === 'svg') {
        const mod = await import('../topology/export/svg').catch(() => null);
        if (!mod) throw new UsageError('svg export is not available in this build');
        text = mod.exportSvg(t);
      } else throw new UsageError(`unknown format "${format}" (json, text, dot, svg)`);
      await emit(text, v.output, v.force ?? false);
      return 0;
    }
    case 'capture': {
      if (input) throw new UsageError('capture reads this machine; it takes no INPUT (use TOPOLENS_FS_ROOT to capture another root)');
      const { captureArchive } = await import('../topology/sources/capture');
      const root = process.env['TOPOLENS_FS_ROOT'] ?? '/';
      const res = captureArchive(root);
      const out = v.output ?? `${res.top}.tar.gz`;
      if (out === '-') writeStdout(res.bytes);
      else {
        await emit(res.bytes, out, v.force ?? false);
        process.stderr.write(`topolens: captured ${res.files} files and ${res.links} links into ${out} (${res.bytes.length} bytes)\n`);
      }
      return 0;
    }
    case 'serve': {
      const mod = await import('./serve').catch((e: unknown) => {
        if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return null;
        throw e;
      });
      if (!mod) throw new UsageError('serve is not available in this build');
      stdout(); // serve writes its URL through process.stdout: the EPIPE handler first
      return mod.runServe({ input, port: v.port ? Number(v.port) : 0, host: v.host, allowRemote: v['allow-remote'] ?? false });
    }
    default:
      throw new UsageError(`unknown command "${cmd}" (show, export, capture, serve)`);
  }
}

/** Run and map errors to exit codes and one-line messages. */
export async function run(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`topolens: ${e.path ? `${e.path}: ` : ''}${e.message}\n`);
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
