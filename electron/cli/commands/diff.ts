// `topolens diff A B`: what changed between two inputs of any kind (live, capture,
// sysfs folder, snapshot, lspci, hwloc XML). Argument handling only; the comparison is
// compare/diff's. Exit status like diff(1): 0 identical, 1 different, 2 trouble.
import { emitReport, formatFlag, loadTopology, REPORT_OPTIONS, reportHelp, usageText, UsageError, type Command } from '../command';

export const diff: Command = {
  name: 'diff',
  summary: 'what changed between two captures: functions added/removed/moved, drivers, NUMA, links, VFs, OS devices',
  usage: usageText(
    'topolens diff A B [--format text|json] [-o FILE] [--force]',
    [
      'A and B are any inputs (live, a capture, a folder, a snapshot, lspci text, hwloc XML).',
      'Functions are matched by address; per function the driver, numaNode, localCpus, link,',
      'SR-IOV VF counts, OS devices and roles are compared, and the machine\'s CPUs, NUMA nodes',
      'and memory. Fields one of the two formats cannot carry are not compared (listed at the end).',
      'Exit status: 0 identical, 1 different, 2 trouble.',
    ].join('\n'),
    [
      ...reportHelp('text (default) or json: {"added","removed","changed":[{"address","field","before","after"}],"machine","moved","notCompared"}'),
    ],
  ),
  options: REPORT_OPTIONS,
  maxPositionals: 2,
  async run(args, io) {
    const format = formatFlag(args, ['text', 'json'], 'text');
    if (args.positionals.length !== 2) throw new UsageError(`diff takes two inputs, A and B (got ${args.positionals.length})`);
    const { diffSnapshots, isIdentical } = await import('../../topology/compare/diff');
    const [a, b] = await Promise.all(args.positionals.map(loadTopology));
    const d = diffSnapshots(a!, b!);
    const text = format === 'json' ? `${JSON.stringify(d, null, 2)}\n` : (await import('../../topology/compare/format')).formatDiffText(d, a!, b!, [args.positionals[0]!, args.positionals[1]!]);
    await emitReport(io, args, text);
    return isIdentical(d) ? 0 : 1;
  },
};
