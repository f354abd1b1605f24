// parseNumactlHardware on the numactl blocks of the real pastes, and on damaged blocks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNumactlHardware } from '../../../electron/topology/parse/numactl';

const paste = (f: string) => readFileSync(join(__dirname, '../../../fixtures/pastes', f), 'utf8');

describe('parseNumactlHardware', () => {
  it('reads the ESC8000A block: two nodes, their CPUs, sizes and distances, and the lines used', () => {
    const text = paste('stelline-asus-esc8000a-e12.md');
    const hw = parseNumactlHardware(text)!;
    expect(hw.nodes).toEqual([
      { id: 0, cpus: '0-31', memoryBytes: 193129 * 1024 * 1024, distances: [10, 32] },
      { id: 1, cpus: '32-63', memoryBytes: 193477 * 1024 * 1024, distances: [32, 10] },
    ]);
    const lines = text.split('\n');
    expect(lines[hw.line - 1]).toBe('available: 2 nodes (0-1)');
    // Every line used is a numactl line; the fence after the block is not used.
    expect([...hw.lines].map((n) => lines[n - 1]).every((l) => /^(available|node|\s+\d+:)/.test(l!))).toBe(true);
    expect(hw.lines.size).toBe(11);
  });

  it('reads the Puget block: one node', () => {
    expect(parseNumactlHardware(paste('stelline-puget-threadripper-pro-wrx90.md'))!.nodes).toEqual([{ id: 0, cpus: '0-23', memoryBytes: 128295 * 1024 * 1024, distances: [10] }]);
  });

  it('takes no block that lacks a node it announced, and no distance row that does not fit the header', () => {
    expect(parseNumactlHardware('available: 2 nodes (0-1)\nnode 0 cpus: 0 1\nnode 0 size: 10 MB\n')).toBeNull();
    expect(parseNumactlHardware('available: 3 nodes (0-1)\nnode 0 cpus: 0\nnode 1 cpus: 1\n')).toBeNull();
    const hw = parseNumactlHardware('available: 2 nodes (0-1)\nnode 0 cpus: 0\nnode 1 cpus:\nnode distances:\nnode   0   2\n  0:  10  20\n  1:  20  10\n')!;
    expect(hw.nodes.map((n) => [n.cpus, n.distances])).toEqual([['0', []], ['', []]]);
    expect(parseNumactlHardware('no numactl here')).toBeNull();
  });
});
