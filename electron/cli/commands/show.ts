// `topolens show [INPUT]`: the text tree of a topology. Argument handling only; the
// tree is export/text's.
import { boolFlag, emitReport, loadTopology, OUTPUT_HELP, OUTPUT_OPTIONS, usageText, type Command } from '../command';

export const show: Command = {
  name: 'show',
  summary: 'text tree of the topology: NUMA nodes, root complexes, bridges, functions',
  usage: usageText('topolens show [INPUT] [--all] [-o FILE] [--force]', 'Prints the tree per NUMA node, with drivers, OS devices, link health and roles.', [
    ['--all', 'every function and VF (otherwise plain functions are hidden and VFs summarised)'],
    ...OUTPUT_HELP,
  ]),
  options: {
    all: { type: 'boolean' },
    ...OUTPUT_OPTIONS,
  },
  maxPositionals: 1,
  async run(args, io) {
    const { exportText } = await import('../../topology/export/text');
    const topology = await loadTopology(args.positionals[0]);
    await emitReport(io, args, exportText(topology, { all: boolFlag(args, 'all') }));
    return 0;
  },
};
