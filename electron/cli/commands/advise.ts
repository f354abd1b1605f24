// `topolens advise [INPUT] --devices SEL`: DPDK/SPDK placement for the chosen devices
// (node, cores, EAL arguments, core mask, hugepages, bind commands, warnings). Argument
// handling only; the answer is topology/answers/advise's. It runs nothing.
import { emitReport, formatFlag, intFlag, loadTopology, REPORT_OPTIONS, reportHelp, selectOrRefuse, stringFlag, usageText, UsageError, type Command } from '../command';

export const advise: Command = {
  name: 'advise',
  summary: 'DPDK/SPDK placement for devices: NUMA node, cores, EAL args, core mask, hugepages, bind commands',
  usage: usageText(
    'topolens advise [INPUT] --devices SEL [--cores N] [--mem MB] [--format text|json] [-o FILE] [--force]',
    [
      'The NUMA node the devices share; N cores on it (not CPU 0, no two SMT siblings,',
      'isolated CPUs first); DPDK -l / --socket-mem / -a and the SPDK -m mask; hugepages per',
      'node with the counts the input has; dpdk-devbind.py commands for devices on kernel',
      'drivers; warnings for what a split or unknown locality costs and for a missing IOMMU.',
    ].join('\n'),
    [
      ['-d, --devices SEL', 'addresses, OS device names, roles (dpdk, nvme, rdma...), net; comma-separated (required)'],
      ['-c, --cores N', 'polling cores wanted (default 2)'],
      ['--mem MB', 'hugepage memory per process in MiB (default 1024)'],
      ...reportHelp('text (default) or json: {"devices","numaNode","cores","dpdk","spdk","hugepages","commands","warnings"}'),
    ],
  ),
  options: {
    devices: { type: 'string', short: 'd' },
    cores: { type: 'string', short: 'c' },
    mem: { type: 'string' },
    ...REPORT_OPTIONS,
  },
  maxPositionals: 1,
  async run(args, io) {
    const format = formatFlag(args, ['text', 'json'], 'text');
    const selText = stringFlag(args, 'devices');
    if (!selText) throw new UsageError('advise needs --devices SEL (the devices one process will drive)');
    const cores = intFlag(args, 'cores', 1, 4096, 2);
    const memMb = intFlag(args, 'mem', 1, 4096, 1024);
    const a = await import('../../topology/answers/advise');
    const topology = await loadTopology(args.positionals[0]);
    const advice = a.advise(topology, await selectOrRefuse(topology, selText), { cores, memMb });
    await emitReport(io, args, format === 'json' ? a.adviceJson(advice) : a.adviceText(advice));
    return 0;
  },
};
