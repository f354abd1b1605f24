// `topolens serve [INPUT]`: the app's UI over loopback HTTP with a random token.
// Argument handling only; the server is cli/serve/.
import { boolFlag, intFlag, stringFlag, usageText, type Command } from '../command';

export const serve: Command = {
  name: 'serve',
  summary: "the app's UI over loopback HTTP, with a token (for headless servers, through ssh -L)",
  usage: usageText('topolens serve [INPUT] [--port N] [--host ADDR --allow-remote]', 'Prints a URL with a random token; each browser tab opens files of its own, INPUT stays one click away.', [
    ['--port N', 'port to listen on (default 0: any free port)'],
    ['--host ADDR', 'address to listen on (default 127.0.0.1)'],
    ['--allow-remote', 'allow a non-loopback ADDR (anyone with the URL sees this machine)'],
  ]),
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'allow-remote': { type: 'boolean' },
  },
  maxPositionals: 1,
  async run(args, io) {
    const p = intFlag(args, 'port', 0, 65535, 0);
    const { runServe } = await import('../serve/run');
    return runServe({ input: args.positionals[0], port: p, host: stringFlag(args, 'host'), allowRemote: boolFlag(args, 'allow-remote') }, io);
  },
};
