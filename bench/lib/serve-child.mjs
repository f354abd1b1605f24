// `topolens serve FILE` of a checkout (ROOT) as a child process, for the view benchmarks:
// resolves with the URL (token included) it prints and the child to kill afterwards.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export function serveFile(root, file) {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(root, 'bin/topolens.mjs'), 'serve', file, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const on = (b) => {
      out += b.toString();
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m) res({ url: m[1], child });
    };
    child.stdout.on('data', on);
    child.stderr.on('data', (b) => (out += b.toString()));
    child.on('exit', (c) => rej(new Error(`serve exited ${c}: ${out}`)));
  });
}
