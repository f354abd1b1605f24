// Standard output and files for the CLI's commands: fd-1 writes that end quietly when
// the reader goes away (`topolens show | head`), and atomic file writes. No argument
// handling, no topology work.
import { writeSync } from 'node:fs';
import type { CommandIo } from './command';

let stdoutStream: NodeJS.WriteStream | null = null;

/** process.stdout, with `topolens show | head` (the reader went away) ending quietly, like other Unix tools. */
export function stdout(): NodeJS.WriteStream {
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

async function emit(text: string | Uint8Array, out?: string, force = false): Promise<void> {
  if (!out || out === '-') {
    writeStdout(text);
    return;
  }
  const { writeFileAtomic } = await import('../topology/export/write-file');
  writeFileAtomic(out, text, { force });
}

export const processIo: CommandIo = {
  emit,
  note: (line) => void process.stderr.write(`${line}\n`),
};
