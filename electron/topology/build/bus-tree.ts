// Parents from bus evidence, for inputs that do not name each function's parent (lspci):
// the bridge whose secondary bus a function sits on, else the narrowest bridge range
// holding its bus, with the -t tree deciding where there are no bus lines; then each
// function's root bus once the tree has been repaired, and the links of empty slots.
// Where nothing places a bus (plain `lspci`, `-vmm`: no bus ranges, no tree) it names no
// root complex for a bus that is not plausibly a root bus. Pure, except that
// settleBusEvidence fills the builder's drafts in place (build/draft.ts). It does not
// repair the tree (build/tree.ts does, for every input) and leaves functions whose input
// named their parent alone.
import type { Diagnostic, PciDevice } from '../model';
import type { BusLines, PciFunctionRecord } from '../records';
import type { DraftDevice } from './draft';

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** A function with bus evidence, its domain and bus taken from the address once. */
interface Placed {
  readonly address: string;
  readonly domain: string;
  readonly bus: number;
  readonly rec: PciFunctionRecord;
}

interface Range {
  readonly f: Placed;
  readonly sec: number;
  readonly sub: number;
}

function placed(rec: PciFunctionRecord): Placed {
  const address = rec.fn.address;
  const m = /^([0-9a-f]+):([0-9a-f]{2}):/.exec(address);
  return { address, domain: m?.[1] ?? '', bus: m ? parseInt(m[2]!, 16) : -1, rec };
}

type Warn = (message: string, address?: string, path?: string) => void;

/** Bridges' bus ranges, (domain, secondary bus) → bridge; impossible or doubled ranges are warned about and left out. */
function bridgeRanges(all: readonly Placed[], warn: Warn): { bySecondary: Map<string, Placed>; ranges: Range[] } {
  const bySecondary = new Map<string, Placed>();
  const ranges: Range[] = [];
  for (const f of all) {
    const b: BusLines | null = f.rec.parentEvidence?.busLines ?? null;
    if (b === null) continue;
    const sec = b.secondary;
    const sub = b.subordinate ?? sec;
    if (sec <= f.bus || sub < sec) {
      // e.g. a virtual root port with secondary=00 on bus 00: claiming its own bus would make a cycle.
      warn(`bridge ${f.address} has an impossible bus range (primary ${hex2(b.primary ?? f.bus)}, secondary ${hex2(sec)}, subordinate ${hex2(sub)}); ignored for the tree`, f.address, f.rec.from);
      continue;
    }
    if (b.primary !== null && b.primary !== f.bus) warn(`bridge ${f.address} says primary=${hex2(b.primary)} but sits on bus ${hex2(f.bus)}`, f.address, f.rec.from);
    const key = `${f.domain}:${hex2(sec)}`;
    const prev = bySecondary.get(key);
    if (prev) {
      warn(`bridges ${prev.address} and ${f.address} both claim bus ${key}; keeping the first`, f.address, f.rec.from);
      continue;
    }
    bySecondary.set(key, f);
    ranges.push({ f, sec, sub });
  }
  return { bySecondary, ranges };
}

/** The narrowest bridge range holding (domain, bus), memoised. */
function narrowestRange(ranges: readonly Range[]): (domain: string, bus: number) => Range | null {
  const byDomain = new Map<string, Range[]>();
  for (const r of ranges) {
    const list = byDomain.get(r.f.domain) ?? [];
    list.push(r);
    byDomain.set(r.f.domain, list);
  }
  const memo = new Map<string, Range | null>();
  return (domain, bus) => {
    const key = `${domain}:${bus}`;
    if (memo.has(key)) return memo.get(key) ?? null;
    let best: Range | null = null;
    for (const r of byDomain.get(domain) ?? []) {
      if (bus >= r.sec && bus <= r.sub && (!best || r.sub - r.sec < best.sub - best.sec)) best = r;
    }
    memo.set(key, best);
    return best;
  };
}

/** What the bus lines say of one function's parent: its bus's bridge, else the narrowest range; undefined when they say nothing. */
function parentFromBuses(f: Placed, bySecondary: ReadonlyMap<string, Placed>, narrowest: (domain: string, bus: number) => Range | null): { parent: string; inRangeOnly: boolean } | undefined {
  const b = bySecondary.get(`${f.domain}:${hex2(f.bus)}`);
  if (b && b.address !== f.address) return { parent: b.address, inRangeOnly: false };
  // Not a bridge's secondary bus, but inside some bridge's range: take the narrowest.
  const best = narrowest(f.domain, f.bus);
  return best && best.f.address !== f.address ? { parent: best.f.address, inRangeOnly: true } : undefined;
}

/**
 * Each function's parent from its record's `parentEvidence`: the bridge whose secondary
 * bus it sits on, else the narrowest range holding its bus; the -t tree decides where
 * there are no bus lines (or they say nothing) and is checked against them otherwise.
 * Functions without evidence are not in the map. Notes go to `path` (the input) or the
 * bridge's own line.
 */
export function parentsFromBusEvidence(records: readonly PciFunctionRecord[], path: string, diagnostics: Diagnostic[]): ReadonlyMap<string, string | null> {
  const all = records.filter((r) => r.parentEvidence !== undefined).map(placed);
  const parentOf = new Map<string, string | null>();
  if (all.length === 0) return parentOf;
  const warn: Warn = (message, address, at) => diagnostics.push({ severity: 'warning', path: at ?? path, ...(address ? { address } : {}), message });
  const { bySecondary, ranges } = bridgeRanges(all, warn);
  const haveBusLines = all.some((f) => f.rec.parentEvidence!.busLines !== null);
  const useTree = all.some((f) => f.rec.parentEvidence!.treeParent !== undefined);
  const narrowest = narrowestRange(ranges);
  const present = new Set(all.map((f) => f.address));
  let inRangeOnly = 0;
  let disagreements = 0;
  for (const f of all) {
    const fromBuses = haveBusLines ? parentFromBuses(f, bySecondary, narrowest) : undefined;
    if (fromBuses?.inRangeOnly) inRangeOnly++;
    let parent = fromBuses?.parent ?? null;
    const tp = f.rec.parentEvidence!.treeParent;
    if (tp !== undefined) {
      if (!haveBusLines || (fromBuses === undefined && tp !== null)) parent = tp;
      else if (tp !== parent) {
        disagreements++;
        if (disagreements <= 5) warn(`-t tree puts ${f.address} under ${tp ?? 'a root bus'}, the bridges' bus ranges under ${parent ?? 'a root bus'}; using the bus ranges`, f.address);
      }
    }
    parentOf.set(f.address, parent !== null && present.has(parent) ? parent : null);
  }
  if (inRangeOnly > 0) warn(`${inRangeOnly} function(s) sit on a bus inside a bridge's range that no bridge has as its secondary bus; attached to the narrowest such bridge`);
  const bridgeClass = (f: Placed) => /^0x060[479]/.test(f.rec.fn.classCode ?? '');
  if (!haveBusLines && !useTree && all.some(bridgeClass)) {
    diagnostics.push({ severity: 'info', path, message: 'no bridge bus ranges (Bus: primary=/secondary=) and no -t tree in the input: devices are kept flat under their own bus (parent null)' });
  }
  return parentOf;
}

const isHostBridge = (r: PciFunctionRecord): boolean => (r.fn.classCode ?? '').startsWith('0x0600') || /^host bridge$/i.test(r.fn.className ?? '');

/**
 * Functions whose input says nothing about the bridge above their bus: no bridge in the
 * input prints bus ranges (lspci without -v, or -vmm) and the function is not in a -t
 * tree. Their bus is a root bus only where that is plausible without evidence — bus 00
 * of its domain, or a bus holding a host bridge function (class 0x0600); on any other
 * bus the root complex is not known (a bus of its own would be an invented one). One
 * info diagnostic per such bus.
 */
export function busesWithoutEvidence(records: readonly PciFunctionRecord[], path: string, diagnostics: Diagnostic[]): ReadonlySet<string> {
  // Asked before placing every function: any bus line at all settles it.
  if (records.some((r) => r.parentEvidence !== undefined && r.parentEvidence.busLines !== null)) return new Set();
  const all = records.filter((r) => r.parentEvidence !== undefined).map(placed);
  const busKey = (f: Placed) => `${f.domain}:${hex2(f.bus)}`;
  const rootBuses = new Set(all.filter((f) => f.bus === 0 || isHostBridge(f.rec)).map(busKey));
  const out = new Set<string>();
  const buses = new Map<string, number>();
  for (const f of all) {
    if (f.rec.parentEvidence!.treeParent !== undefined || rootBuses.has(busKey(f)) || f.bus < 0) continue;
    out.add(f.address);
    buses.set(busKey(f), (buses.get(busKey(f)) ?? 0) + 1);
  }
  for (const [bus, n] of buses) {
    const shown = bus.startsWith('0000:') ? bus.slice(5) : bus;
    diagnostics.push({ severity: 'info', path, message: `lspci was run without -v or -t (no bridge bus ranges, no tree): the bridge above bus ${shown} is not recorded, so its root complex is not known (${n} function(s))` });
  }
  return out;
}

/**
 * After the tree's repair (chains end): a function with bus evidence descends from the
 * root bus ("pci0000:00") of the top of its parent chain — none when that top is in
 * `unrooted` (busesWithoutEvidence); a function whose slot says empty and has nothing
 * below it takes the link its record gives for that case. Fills the drafts in place.
 */
export function settleBusEvidence(records: readonly PciFunctionRecord[], devices: readonly DraftDevice[], unrooted: ReadonlySet<string> = new Set()): void {
  const evidence = new Map<string, PciFunctionRecord>();
  for (const r of records) if (r.parentEvidence !== undefined) evidence.set(r.fn.address, r);
  if (evidence.size === 0) return;
  const byAddr = new Map(devices.map((d) => [d.address, d] as const));
  const hasChildren = new Set<string>();
  for (const d of devices) if (d.parent !== null) hasChildren.add(d.parent);
  // Each chain walked once: every function on it gets the root bus of its top.
  const memo = new Map<string, string | null>();
  const rootBus = (d: PciDevice): string | null => {
    const walk: PciDevice[] = [];
    let top: PciDevice | undefined = d;
    let found: string | null | undefined;
    while (top) {
      found = memo.get(top.address);
      if (found !== undefined) break;
      walk.push(top);
      const p: PciDevice | undefined = top.parent !== null ? byAddr.get(top.parent) : undefined;
      if (!p) {
        const m = /^([0-9a-f]+):([0-9a-f]{2}):/.exec(top.address);
        found = unrooted.has(top.address) ? null : m ? `pci${m[1]}:${m[2]}` : top.hostBridge;
        break;
      }
      top = p;
    }
    for (const w of walk) memo.set(w.address, found ?? null);
    return found ?? null;
  };
  // Every root bus is found before any draft changes (rootBus reads hostBridge).
  const roots = devices.map((d) => (evidence.has(d.address) ? rootBus(d) : null));
  devices.forEach((d, i) => {
    const r = evidence.get(d.address);
    if (!r) return;
    d.hostBridge = roots[i] ?? null;
    if (r.linkIfLeaf !== undefined && !hasChildren.has(d.address)) d.link = r.linkIfLeaf;
  });
}
