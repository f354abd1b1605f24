// `topolens show [INPUT]`: the text tree of a topology. Argument handling only; the
// tree is export/text's.
import { boolFlag, stringFlag, usageText, type Command } from '../command';

export const show: Command = {
  name: 'show',
  summary: 'text tree of the topology: NUMA nodes, root complexes, bridges, functions',
  usage: usageText('topolens show [INPUT] [--all] [-o FILE] [--force]', 'Prints the tree per NUMA node, with drivers, OS devices, link health and roles.', [
    ['--all', 'every function and VF (otherwise plain functions are hidden and VFs summarised)'],
    ['-o, --output FILE', 'write FILE (atomically) instead of standard output'],
    ['--force', 'replace FILE if it exists'],
  ]),
  options: {
    all: { type: 'boolean' },
    output: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
  },
  maxPositionals: 1,
  async run(args, io) {
    const { loadInput } = await import('../../topology/load');
    const { exportText } = await import('../../topology/export/text');
    const { topology } = await loadInput(args.positionals[0]);
    await io.emit(exportText(topology, { all: boolFlag(args, 'all') }), stringFlag(args, 'output'), boolFlag(args, 'force'));
    return 0;
  },
};
