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
  const parent = new Map<string, string | null>();
  for (const d of devices) {
    if (d.parent !== null && !byAddr.has(d.parent)) {
      warn(d.address, `parent ${d.parent} is not a device in this input: shown at the top of its host bridge`);
      parent.set(d.address, null);
    } else parent.set(d.address, d.parent);
  }
  // Each chain is walked once: 1 = on the current walk, 2 = known to end.
  const state = new Map<string, number>();
  const order = new Map(devices.map((d, i) => [d.address, i] as const));
  for (const d of devices) {
    const walk: string[] = [];
    let cur: string | null = d.address;
    while (cur !== null && !state.has(cur)) {
      state.set(cur, 1);
      walk.push(cur);
      cur = parent.get(cur) ?? null;
    }
    if (cur !== null && state.get(cur) === 1) {
      const loop = walk.slice(walk.indexOf(cur));
      const first = loop.reduce((a, b) => (order.get(a)! <= order.get(b)! ? a : b));
      warn(first, `parent links form a loop (${[...loop, cur].join(' → ')}): cut above ${first}`);
      parent.set(first, null);
    }
    for (const a of walk) state.set(a, 2);
  }
  if (repairs.length === 0) return { devices: input as PciDevice[], repairs };
  return { devices: devices.map((d) => (parent.get(d.address) === d.parent ? d : { ...d, parent: parent.get(d.address) ?? null })), repairs };
}
