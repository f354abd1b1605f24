// The CLI's `serve`: start the server, print its URL, serve until SIGINT/SIGTERM.
// Output and signals only; the server is server.ts.
import type { CommandIo } from '../command';
import { isLoopback } from './guards';
import { startServe, type ServeHandle } from './server';

export interface RunServeOptions {
  readonly input?: string;
  readonly port?: number;
  readonly host?: string;
  readonly allowRemote?: boolean;
}

/** Exit status: 0 after a signal, 2 when the port is taken (InputError for unusable INPUT or host). */
export async function runServe(opts: RunServeOptions, io: CommandIo): Promise<number> {
  let h: ServeHandle;
  try {
    h = await startServe({ ...opts, log: (l) => io.note(l) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.note(`topolens: port ${opts.port} is in use (try --port 0 for any free port)`);
      return 2;
    }
    throw e;
  }
  if (opts.allowRemote && !isLoopback(opts.host ?? '127.0.0.1')) {
    io.note(`topolens: WARNING: listening on ${opts.host}, not only loopback: anyone who can reach it and has the URL sees this machine's topology.`);
  }
  await io.emit(
    `topolens: serving ${opts.input ?? 'live'} at ${h.url}\n` +
      `topolens: open that URL in a browser (from a laptop: ssh -L ${h.port}:127.0.0.1:${h.port} THIS-HOST). Ctrl-C stops.\n`,
  );
  await new Promise<void>((res) => {
    process.once('SIGINT', () => res());
    process.once('SIGTERM', () => res());
  });
  await h.close();
  return 0;
}
