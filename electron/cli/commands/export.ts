// `topolens export [INPUT] --format F`: the snapshot (contract v1) or another format.
// Argument handling only; each format is its exporter's, loaded on the path that needs it.
import { boolFlag, stringFlag, usageText, UsageError, type Command } from '../command';
import type { Snapshot } from '../../topology/model';

const FORMATS = ['json', 'text', 'dot', 'svg', 'nccl'] as const;

async function render(format: string, t: Snapshot): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('../../topology/export/json')).exportJson(t);
    case 'text':
      return (await import('../../topology/export/text')).exportText(t, { all: true });
    case 'dot':
      return (await import('../../topology/export/dot')).exportDot(t);
    case 'svg':
      return (await import('../../topology/export/svg')).exportSvg(t);
    case 'nccl':
      return (await import('../../topology/export/nccl-xml')).exportNcclXml(t);
    default:
      throw new UsageError(`unknown format "${format}" (${FORMATS.join(', ')})`);
  }
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'write the topology as json (snapshot v1), text, dot or svg',
  usage: usageText('topolens export [INPUT] [--format json|text|dot|svg|nccl] [-o FILE] [--force]', 'json is the snapshot contract v1; files are written atomically, never replaced without --force.', [
    ['-f, --format F', `${FORMATS.join(', ')} (default json)`],
    ['-o, --output FILE', 'write FILE instead of standard output'],
    ['--force', 'replace FILE if it exists'],
  ]),
  options: {
    format: { type: 'string', short: 'f' },
    output: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
  },
  maxPositionals: 1,
  async run(args, io) {
    const format = stringFlag(args, 'format') ?? 'json';
    // Refuse a wrong format before reading the input (which may be slow).
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format "${format}" (${FORMATS.join(', ')})`);
    const { loadInput } = await import('../../topology/load');
    const { topology } = await loadInput(args.positionals[0]);
    await io.emit(await render(format, topology), stringFlag(args, 'output'), boolFlag(args, 'force'));
    return 0;
  },
};
