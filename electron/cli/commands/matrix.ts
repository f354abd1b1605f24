// `topolens matrix [INPUT] [--devices SEL]`: the nvidia-smi-style distance class of
// every pair of chosen PCI functions. Argument handling only; the answer is
// topology/answers/matrix's.
import { emitReport, formatFlag, loadTopology, REPORT_OPTIONS, reportHelp, selectOrRefuse, stringFlag, usageText, type Command } from '../command';

export const matrix: Command = {
  name: 'matrix',
  summary: 'distance class (X, PIX, PXB, PHB, NODE, SYS) of every pair of devices, like nvidia-smi topo -m',
  usage: usageText(
    'topolens matrix [INPUT] [--devices SEL] [--format text|json] [-o FILE] [--force]',
    [
      'For every pair of the chosen PCI functions, the class of the path between them:',
      'X self, PIX at most one bridge (a PCIe switch counts as one), PXB several bridges,',
      'PHB through the host bridge, NODE across host bridges of one NUMA node, SYS across',
      'NUMA nodes, UNK when the NUMA node of a device on another host bridge is unknown.',
      'Default devices: GPU, accelerator, RDMA, NVMe and network endpoints (no VFs).',
    ].join('\n'),
    [
      ['-d, --devices SEL', 'addresses, OS device names, roles (gpu, rdma, nvme, dpdk...), net, all; comma-separated'],
      ...reportHelp('text (default) or json: {"devices","matrix","numaNode","cpus","labels","legend"}'),
    ],
  ),
  options: {
    devices: { type: 'string', short: 'd' },
    ...REPORT_OPTIONS,
  },
  maxPositionals: 1,
  async run(args, io) {
    const format = formatFlag(args, ['text', 'json'], 'text');
    const m = await import('../../topology/answers/matrix');
    const topology = await loadTopology(args.positionals[0]);
    const devices = await selectOrRefuse(topology, stringFlag(args, 'devices'));
    const r = m.buildMatrix(topology, devices);
    await emitReport(io, args, format === 'json' ? m.matrixJson(r) : m.matrixText(r, devices));
    return 0;
  },
};
