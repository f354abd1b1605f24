// `topolens matrix [INPUT] [--devices SEL]`: the nvidia-smi-style distance class of
// every pair of chosen PCI functions. Argument handling only; the answer is
// topology/answers/matrix's.
import { boolFlag, stringFlag, usageText, UsageError, type Command } from '../command';

const FORMATS = ['text', 'json'] as const;

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
      ['-f, --format F', 'text (default) or json: {"devices","matrix","numaNode","cpus","labels","legend"}'],
      ['-o, --output FILE', 'write FILE (atomically) instead of standard output'],
      ['--force', 'replace FILE if it exists'],
    ],
  ),
  options: {
    devices: { type: 'string', short: 'd' },
    format: { type: 'string', short: 'f' },
    output: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
  },
  maxPositionals: 1,
  async run(args, io) {
    const format = stringFlag(args, 'format') ?? 'text';
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format "${format}" (${FORMATS.join(', ')})`);
    const { loadInput } = await import('../../topology/load');
    const { selectDevices, SELECTOR_HELP } = await import('../../topology/answers/select');
    const m = await import('../../topology/answers/matrix');
    const { topology } = await loadInput(args.positionals[0]);
    const sel = selectDevices(topology, stringFlag(args, 'devices'));
    if (sel.unmatched.length) throw new UsageError(`--devices: no device matches ${sel.unmatched.map((s) => `"${s}"`).join(', ')} (${SELECTOR_HELP})`);
    const r = m.buildMatrix(topology, sel.devices);
    const text = format === 'json' ? m.matrixJson(r) : m.matrixText(r, sel.devices);
    await io.emit(text, stringFlag(args, 'output'), boolFlag(args, 'force'));
    return 0;
  },
};
