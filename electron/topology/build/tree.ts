// Makes a list of PCI functions a tree the rest of the app can trust, whatever input it
// came from: unique addresses, parents that exist, parent chains that end. Each repair
// is a warning diagnostic; nothing here throws. It derives nothing else.
import type { Diagnostic, PciDevice } from '../model';

export interface PciTreeRepair {
  readonly devices: PciDevice[];
  readonly repairs: Diagnostic[];
}

/**
 *  - a second function with an address already seen is dropped (the first is kept);
 *  - a parent naming no function in the list becomes null (the function shows at the
 *    top of its host bridge);
 *  - a parent chain that loops is cut at the first function of the loop, in list order.
 * Returns the same array when nothing needed repair.
 */
export function repairPciTree(input: readonly PciDevice[], path: string): PciTreeRepair {
  const repairs: Diagnostic[] = [];
  const warn = (address: string, message: string) => repairs.push({ severity: 'warning', path, address, message });
  const byAddr = new Map<string, PciDevice>();
  const devices: PciDevice[] = [];
  for (const d of input) {
    if (byAddr.has(d.address)) {
      warn(d.address, `duplicate device address ${d.address}: kept the first entry, dropped this one`);
      continue;
    }
    byAddr.set(d.address, d);
    devices.push(d);
  }
  // Only the parents this repair changes are kept apart; the rest are read off the devices.
  const cut = new Map<string, string | null>();
  for (const d of devices) {
    if (d.parent !== null && !byAddr.has(d.parent)) {
      warn(d.address, `parent ${d.parent} is not a device in this input: shown at the top of its host bridge`);
      cut.set(d.address, null);
    }
  }
  const parentOf = (a: string): string | null => (cut.has(a) ? cut.get(a)! : byAddr.get(a)!.parent);
  // Each chain is walked once: 1 = on the current walk, 2 = known to end.
  const state = new Map<string, number>();
  let order: Map<string, number> | undefined;
  for (const d of devices) {
    const walk: string[] = [];
    let cur: string | null = d.address;
    while (cur !== null && !state.has(cur)) {
      state.set(cur, 1);
      walk.push(cur);
      cur = parentOf(cur);
    }
    if (cur !== null && state.get(cur) === 1) {
      const loop = walk.slice(walk.indexOf(cur));
      const at = (order ??= new Map(devices.map((x, i) => [x.address, i] as const)));
      const first = loop.reduce((a, b) => (at.get(a)! <= at.get(b)! ? a : b));
      warn(first, `parent links form a loop (${[...loop, cur].join(' → ')}): cut above ${first}`);
      cut.set(first, null);
    }
    for (const a of walk) state.set(a, 2);
  }
  if (repairs.length === 0) return { devices: input as PciDevice[], repairs };
  return { devices: devices.map((d) => (cut.has(d.address) ? { ...d, parent: cut.get(d.address) ?? null } : d)), repairs };
}
