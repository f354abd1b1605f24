// `topolens check [INPUT] [--for dpdk|spdk]`: health findings with device, evidence and
// what to do. Argument handling only; the findings are topology/answers/check's.
// Exit status: 0 no warnings, 1 warnings, 2 unusable input.
import { emitReport, formatFlag, loadTopology, REPORT_OPTIONS, reportHelp, selectOrRefuse, stringFlag, usageText, UsageError, type Command } from '../command';

export const check: Command = {
  name: 'check',
  summary: 'health findings: downgraded links, numa_node -1, shared IOMMU groups, AER errors, SR-IOV, drivers, hugepages',
  usage: usageText(
    'topolens check [INPUT] [--for dpdk|spdk] [--devices SEL] [--format text|json] [-o FILE] [--force]',
    [
      'Each finding names the device, the evidence (file and value) and what to do: links',
      'trained below their capability; numa_node -1 and the fallback that answered; devices on',
      'a node without CPUs; SR-IOV VFs unbound or on mixed drivers; NICs/NVMe still on kernel',
      'drivers (with --for); IOMMU groups shared by several functions; non-zero AER counters;',
      'hugepages missing on the node a userspace-driven device needs.',
      'Exit status: 0 no warnings, 1 warnings, 2 unusable input.',
    ].join('\n'),
    [
      ['--for W', 'dpdk: report NICs on kernel drivers; spdk: NVMe controllers on kernel drivers'],
      ['-d, --devices SEL', 'only findings about these devices (see topolens matrix --help)'],
      ...reportHelp('text (default) or json: {"findings":[{"severity","check","device","devices","message","evidence","action"}],"warnings"}'),
    ],
  ),
  options: {
    for: { type: 'string' },
    devices: { type: 'string', short: 'd' },
    ...REPORT_OPTIONS,
  },
  maxPositionals: 1,
  async run(args, io) {
    const format = formatFlag(args, ['text', 'json'], 'text');
    const forWhat = stringFlag(args, 'for');
    if (forWhat !== undefined && forWhat !== 'dpdk' && forWhat !== 'spdk') throw new UsageError(`--for wants dpdk or spdk (got "${forWhat}")`);
    const c = await import('../../topology/answers/check');
    const topology = await loadTopology(args.positionals[0]);
    const selText = stringFlag(args, 'devices');
    // No --devices: every finding (not the selector's default set).
    const scope = selText ? (await selectOrRefuse(topology, selText)).map((d) => d.address) : null;
    const r = c.checkTopology(topology, { for: forWhat ?? null, devices: scope });
    await emitReport(io, args, format === 'json' ? c.checkJson(r) : c.checkText(r));
    return r.exitCode;
  },
};
