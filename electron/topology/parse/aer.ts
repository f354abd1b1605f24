// PCIe AER counter files (`aer_dev_correctable`, `aer_dev_nonfatal`, `aer_dev_fatal`,
// drivers/pci/pcie/aer.c, Documentation/ABI/testing/sysfs-bus-pci-devices-aer_stats):
// lines "NAME COUNT", the last one TOTAL_ERR_COR /
// TOTAL_ERR_NONFATAL / TOTAL_ERR_FATAL. Pure; does not judge the counts.

/** Counter name → count, or null when the text has no "NAME COUNT" line at all. */
export function parseAerCounters(text: string | null): Record<string, number> | null {
  if (text === null) return null;
  const out: Record<string, number> = {};
  let any = false;
  for (const line of text.split('\n')) {
    // Names are one word in current kernels ("BadTLP"), several in 4.19's ("Bad TLP").
    const m = /^\s*([A-Za-z][\w -]{0,63}?)\s+(\d{1,20})\s*$/.exec(line);
    if (!m) continue;
    const v = Number(m[2]);
    if (!Number.isSafeInteger(v)) continue;
    out[m[1]!] = v;
    any = true;
  }
  return any ? out : null;
}

/** The file's total: its TOTAL_ERR_* line, else the sum of its counters. */
export function aerTotal(counters: Record<string, number> | null): number | null {
  if (!counters) return null;
  const total = Object.entries(counters).find(([k]) => k.startsWith('TOTAL_ERR_'));
  if (total) return total[1];
  return Object.values(counters).reduce((s, v) => s + v, 0);
}
