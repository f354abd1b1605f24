import { describe, expect, it } from 'vitest';
import { canonicalCpuList, formatCpuList, parseCpuList, parseCpuMask } from '../../../electron/topology/parse/cpulist';

describe('kernel cpu lists', () => {
  it('parses ranges, singles and the grouped form', () => {
    expect(parseCpuList('0-3,8,10-11\n')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpuList('')).toEqual([]);
    expect(parseCpuList('0-7:2/4')).toEqual([0, 1, 4, 5]);
  });
  it('rejects what the kernel never writes', () => {
    for (const bad of ['3-1', 'a', '1,,2', '0-99999999', '-1', '1-2-3', '0x3']) expect(parseCpuList(bad), bad).toBeNull();
  });
  it('formats runs and round-trips', () => {
    expect(formatCpuList([3, 0, 1, 2, 8, 10, 11])).toBe('0-3,8,10-11');
    expect(canonicalCpuList('0,1,2,3')).toBe('0-3');
    expect(formatCpuList([])).toBe('');
  });
  it('parses masks, comma-separated 32-bit words, most significant first', () => {
    expect(parseCpuMask('00000000,0000ffff')).toEqual([...Array(16).keys()]);
    expect(parseCpuMask('1,00000000')).toEqual([32]);
    expect(parseCpuMask('0000,000000ff,ffffffff')!.length).toBe(40);
    expect(parseCpuMask('zz')).toBeNull();
    expect(parseCpuMask('')).toBeNull();
  });
});
