// AER counter files, in the two spellings kernels have printed: the sample of the
// kernel's ABI document (Documentation/ABI/testing/sysfs-bus-pci-devices-aer_stats,
// 4.19: names with spaces) and the short names of drivers/pci/pcie/aer.c since 5.x.
import { describe, expect, it } from 'vitest';
import { aerTotal, parseAerCounters } from '../../../electron/topology/parse/aer';

const ABI_SAMPLE = `Receiver Error 2
Bad TLP 0
Bad DLLP 0
RELAY_NUM Rollover 0
Replay Timer Timeout 0
Advisory Non-Fatal 0
Corrected Internal Error 0
Header Log Overflow 0
TOTAL_ERR_COR 2
`;

const SHORT_NAMES = `RxErr 0
BadTLP 0
BadDLLP 3
Rollover 0
Timeout 1
NonFatalErr 0
CorrIntErr 0
HeaderOF 0
TOTAL_ERR_COR 4
`;

describe('parseAerCounters', () => {
  it('reads the ABI document sample: multi-word names, total line', () => {
    const c = parseAerCounters(ABI_SAMPLE)!;
    expect(c['Receiver Error']).toBe(2);
    expect(c['RELAY_NUM Rollover']).toBe(0);
    expect(aerTotal(c)).toBe(2);
  });
  it('reads the short names of current kernels', () => {
    const c = parseAerCounters(SHORT_NAMES)!;
    expect(c['BadDLLP']).toBe(3);
    expect(c['Timeout']).toBe(1);
    expect(aerTotal(c)).toBe(4);
  });
  it('without a TOTAL line the total is the sum; garbage is null, not zero', () => {
    expect(aerTotal(parseAerCounters('BadTLP 2\nTimeout 5\n'))).toBe(7);
    expect(parseAerCounters('permission denied')).toBeNull();
    expect(parseAerCounters('')).toBeNull();
    expect(aerTotal(null)).toBeNull();
  });
});
