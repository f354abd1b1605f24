// `topolens capture`: archive exactly the sysfs/procfs files topolens reads on this
// machine (or under TOPOLENS_FS_ROOT). Argument handling only; the capture is
// sources/capture's.
import { boolFlag, stringFlag, usageText, UsageError, type Command } from '../command';

export const capture: Command = {
  name: 'capture',
  summary: 'archive what topolens reads on this machine (open it anywhere later)',
  usage: usageText('topolens capture [-o FILE.tar.gz] [--force]', 'Reads this machine (TOPOLENS_FS_ROOT=DIR: that root instead). "-o -" writes the archive to standard output.', [
    ['-o, --output FILE', 'the archive to write (default HOST-DATE.tar.gz here)'],
    ['--force', 'replace FILE if it exists'],
  ]),
  options: {
    output: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
  },
  maxPositionals: 1,
  async run(args, io) {
    if (args.positionals.length) throw new UsageError('capture reads this machine; it takes no INPUT (use TOPOLENS_FS_ROOT to capture another root)');
    const { captureArchive } = await import('../../topology/sources/capture');
    const res = captureArchive(process.env['TOPOLENS_FS_ROOT'] ?? '/');
    const out = stringFlag(args, 'output') ?? `${res.top}.tar.gz`;
    await io.emit(res.bytes, out, boolFlag(args, 'force'));
    if (out !== '-') io.note(`topolens: captured ${res.files} files and ${res.links} links into ${out} (${res.bytes.length} bytes)`);
    return 0;
  },
};
