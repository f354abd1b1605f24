// `topolens check [INPUT] [--for dpdk|spdk]`: health findings with device, evidence and
// what to do. Argument handling only; the findings are topology/answers/check's.
// Exit status: 0 no warnings, 1 warnings, 2 unusable input.
import { boolFlag, stringFlag, usageText, UsageError, type Command } from '../command';

const FORMATS = ['text', 'json'] as const;

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
      ['-f, --format F', 'text (default) or json: {"findings":[{"severity","check","device","devices","message","evidence","action"}],"warnings"}'],
      ['-o, --output FILE', 'write FILE (atomically) instead of standard output'],
      ['--force', 'replace FILE if it exists'],
    ],
  ),
  options: {
    for: { type: 'string' },
    devices: { type: 'string', short: 'd' },
    format: { type: 'string', short: 'f' },
    output: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
  },
  maxPositionals: 1,
  async run(args, io) {
    const format = stringFlag(args, 'format') ?? 'text';
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format "${format}" (${FORMATS.join(', ')})`);
    const forWhat = stringFlag(args, 'for');
    if (forWhat !== undefined && forWhat !== 'dpdk' && forWhat !== 'spdk') throw new UsageError(`--for wants dpdk or spdk (got "${forWhat}")`);
    const { loadInput } = await import('../../topology/load');
    const { selectDevices, SELECTOR_HELP } = await import('../../topology/answers/select');
    const c = await import('../../topology/answers/check');
    const { topology } = await loadInput(args.positionals[0]);
    let scope: string[] | null = null;
    const selText = stringFlag(args, 'devices');
    if (selText) {
      const sel = selectDevices(topology, selText);
      if (sel.unmatched.length) throw new UsageError(`--devices: no device matches ${sel.unmatched.map((s) => `"${s}"`).join(', ')} (${SELECTOR_HELP})`);
      scope = sel.devices.map((d) => d.address);
    }
    const r = c.checkTopology(topology, { for: forWhat ?? null, devices: scope });
    await io.emit(format === 'json' ? c.checkJson(r) : c.checkText(r), stringFlag(args, 'output'), boolFlag(args, 'force'));
    return r.exitCode;
  },
};
