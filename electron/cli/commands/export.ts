// `topolens export [INPUT] --format F`: the snapshot (contract v1) or another format.
// Argument handling only; each format is its exporter's, loaded on the path that needs it.
import { emitReport, formatFlag, loadTopology, REPORT_OPTIONS, reportHelp, usageText, UsageError, type Command } from '../command';
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
  usage: usageText('topolens export [INPUT] [--format json|text|dot|svg|nccl] [-o FILE] [--force]', 'json is the snapshot contract v1; files are written atomically, never replaced without --force.', reportHelp(`${FORMATS.join(', ')} (default json)`)),
  options: REPORT_OPTIONS,
  maxPositionals: 1,
  async run(args, io) {
    // Refuse a wrong format before reading the input (which may be slow).
    const format = formatFlag(args, FORMATS, 'json');
    await emitReport(io, args, await render(format, await loadTopology(args.positionals[0])));
    return 0;
  },
};
