// Regression (found by tests/fuzz/sysfs-values.test.ts): a list of thousands of huge
// ranges used to expand every range before de-duplicating: seconds and gigabytes.
import { describe, expect, it } from 'vitest';
import { formatCpuList, MAX_LIST_ID, parseCpuList } from '../../../electron/topology/parse/cpulist';

describe('parseCpuList on hostile lists', () => {
  it('merges repeated huge ranges in bounded time and memory', () => {
    const t0 = Date.now();
    const ids = parseCpuList(Array.from({ length: 5000 }, () => `0-${MAX_LIST_ID}`).join(','))!;
    expect(ids).toHaveLength(MAX_LIST_ID + 1);
    expect(formatCpuList(ids)).toBe(`0-${MAX_LIST_ID}`);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
  it('still sorts, merges overlaps and expands groups', () => {
    expect(parseCpuList('8-9,0-3,2-5,1')).toEqual([0, 1, 2, 3, 4, 5, 8, 9]);
    expect(parseCpuList('0-15:2/4')).toEqual([0, 1, 4, 5, 8, 9, 12, 13]);
    expect(parseCpuList('0-15:2/4,1-2')).toEqual([0, 1, 2, 4, 5, 8, 9, 12, 13]);
    expect(parseCpuList(`0-${MAX_LIST_ID + 1}`)).toBeNull();
  });
});

describe('parseCpuList grouped form on hostile lists', () => {
  it('expands a huge grouped range in bounded time and refuses runaway repetition', () => {
    const t0 = Date.now();
    expect(parseCpuList(`0-${MAX_LIST_ID}:1/2`)).toHaveLength(Math.ceil((MAX_LIST_ID + 1) / 2));
    expect(parseCpuList(Array.from({ length: 100 }, () => `0-${MAX_LIST_ID}:1/2`).join(','))).toBeNull();
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
