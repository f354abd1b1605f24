// `topolens fleet DIR|FILE...`: many captures grouped by fingerprint, and each outlier
// explained by its diff from the majority of its model. Argument handling only: the
// members and the parallel loading are fleet-load's, the analysis compare/fleet's.
// Exit status: 0 no outliers, 1 outliers, 2 an input was unusable (the rest is reported).
import { emitReport, formatFlag, intFlag, REPORT_OPTIONS, reportHelp, usageText, UsageError, type Command } from '../command';

export const fleet: Command = {
  name: 'fleet',
  summary: 'group many captures by topology fingerprint and explain each outlier',
  usage: usageText(
    'topolens fleet DIR|FILE... [--format text|json] [--jobs N] [-o FILE] [--force]',
    [
      'Each FILE, and each capture file or folder inside a DIR, is one machine (a folder per',
      'host holding one capture is named by the folder). Machines are grouped by model (DMI',
      'product, arch, CPU model) and by fingerprint: functions by vendor:device and address,',
      'the tree, NUMA locality, drivers, links, SR-IOV, NUMA nodes and CPUs; not hostnames,',
      'serials, MACs, device names or capture times. Outliers are compared with the majority.',
      'Exit status: 0 no outliers, 1 outliers found, 2 an input was unusable.',
    ].join('\n'),
    [
      ...reportHelp('text (default) or json: {"groups":[{"fingerprint","members"}],"outliers":[{"member","differences"}]}'),
      ['-j, --jobs N', 'loader processes (default: one per core)'],
    ],
  ),
  options: {
    ...REPORT_OPTIONS,
    jobs: { type: 'string', short: 'j' },
  },
  maxPositionals: Number.MAX_SAFE_INTEGER,
  async run(args, io) {
    const fl = await import('../fleet-load');
    if (process.env[fl.WORKER_ENV] === '1' && process.send) return fl.serveAsWorker();
    const format = formatFlag(args, ['text', 'json'], 'text');
    if (args.positionals.length === 0) throw new UsageError('fleet needs captures: DIR or FILE...');
    const jobs = intFlag(args, 'jobs', 1, 999);
    const members = fl.listMembers(args.positionals);
    const { planFleet, explainFleet, membersToExplain } = await import('../../topology/compare/fleet');
    const fleet = await fl.loadFleet(members, jobs);
    let report;
    try {
      const plan = planFleet(fleet.keys);
      const snaps = await fleet.snapshots(membersToExplain(plan));
      report = explainFleet(plan, (m) => snaps.get(m)!, fleet.errors);
    } finally {
      fleet.close();
    }
    const text = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : (await import('../../topology/compare/format')).formatFleetText(report);
    await emitReport(io, args, text);
    for (const e of report.errors) io.note(`topolens: ${e.member}: ${e.error}`);
    return report.errors.length ? 2 : report.outliers.length ? 1 : 0;
  },
};
