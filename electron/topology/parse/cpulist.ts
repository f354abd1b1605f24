// Kernel CPU/node list syntax ("0-3,8,10-11") and hex cpumasks ("ff,00000001"): parse
// and format. Pure; does not know what the numbers mean.

/**
 * Largest CPU/node number accepted. Linux's NR_CPUS tops out at 8192 (x86 MAXSMP,
 * powerpc), 4096 on arm64; 65535 leaves room and keeps hostile lists cheap.
 */
export const MAX_LIST_ID = 65535;

/** Parse a kernel list. Returns null when the text is not a valid list. */
export function parseCpuList(text: string): number[] | null {
  const s = text.trim();
  if (s === '') return [];
  // Collect ranges first and expand once after merging: hostile input such as
  // "0-1048576" repeated thousands of times must not cost billions of steps.
  const ranges: Array<[number, number]> = [];
  let grouped: Uint8Array | null = null;
  let groupedWork = 0;
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?(?::(\d+)\/(\d+))?$/.exec(part.trim());
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || b < a || b > MAX_LIST_ID) return null;
    // Grouped form "0-15:2/4" (used-size/group-size), rare but documented.
    const used = m[3] !== undefined ? Number(m[3]) : 1;
    const group = m[4] !== undefined ? Number(m[4]) : 1;
    if (group <= 0 || used <= 0 || used > group) return null;
    if (group === 1) ranges.push([a, b]);
    else {
      // Grouped parts are marked in a bitmap, within a work budget, and become runs below.
      groupedWork += b - a + 1;
      if (groupedWork > 4 * (MAX_LIST_ID + 1)) return null;
      grouped ??= new Uint8Array(MAX_LIST_ID + 1);
      for (let i = a; i <= b; i += 1) if ((i - a) % group < used) grouped[i] = 1;
    }
  }
  ranges.sort((x, y) => x[0] - y[0]);
  if (grouped) {
    // Merged plain ranges join the bitmap (each id marked once), then one scan lists it.
    let nextId = 0;
    for (const [a, b] of ranges) {
      for (let i = a > nextId ? a : nextId; i <= b; i += 1) grouped[i] = 1;
      if (b + 1 > nextId) nextId = b + 1;
    }
    let n = 0;
    for (let i = 0; i <= MAX_LIST_ID; i += 1) n += grouped[i]!;
    const ids = new Array<number>(n);
    for (let i = 0, k = 0; i <= MAX_LIST_ID; i += 1) if (grouped[i]) ids[k++] = i;
    return ids;
  }
  // Count, then fill a preallocated array (several times faster than push for big lists).
  let total = 0;
  let next = 0;
  for (const [a, b] of ranges) {
    const from = a > next ? a : next;
    if (b >= from) total += b - from + 1;
    if (b + 1 > next) next = b + 1;
  }
  const out = new Array<number>(total);
  let k = 0;
  next = 0;
  for (const [a, b] of ranges) {
    for (let i = a > next ? a : next; i <= b; i += 1) out[k++] = i;
    if (b + 1 > next) next = b + 1;
  }
  return out;
}

/** Format ids as a kernel list, merging runs: [0,1,2,3,8] → "0-3,8". */
export function formatCpuList(ids: Iterable<number>): string {
  let sorted = Array.isArray(ids) ? (ids as number[]) : [...ids];
  let ordered = true;
  for (let i = 1; i < sorted.length && ordered; i += 1) ordered = sorted[i]! > sorted[i - 1]!;
  if (!ordered) sorted = [...new Set(sorted)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j += 1;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Parse a kernel hex mask ("00000000,0000ffff") into ids. Null when malformed. */
export function parseCpuMask(text: string): number[] | null {
  const s = text.trim().replace(/^0x/i, '');
  if (s === '' || !/^[0-9a-f,]+$/i.test(s)) return null;
  const hex = s.replace(/,/g, '');
  if (hex.length > MAX_LIST_ID / 4) return null;
  const out: number[] = [];
  for (let i = 0; i < hex.length; i += 1) {
    const nibble = parseInt(hex[hex.length - 1 - i]!, 16);
    for (let bit = 0; bit < 4; bit += 1) if (nibble & (1 << bit)) out.push(i * 4 + bit);
  }
  return out;
}

/** Normalise any list text to its canonical form, or null when invalid. */
export function canonicalCpuList(text: string): string | null {
  const ids = parseCpuList(text);
  return ids === null ? null : formatCpuList(ids);
}
