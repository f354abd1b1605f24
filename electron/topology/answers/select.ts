// Device selection for the answers (matrix, advise, check): turns a SEL string —
// comma-separated PCI addresses, role names, OS device names, `all` — into PCI
// functions of a topology. Pure and DOM/Node-free (the renderer imports it). It does not
// decide anything about placement; an unknown token is an error, never a guess.
import type { PciDevice, Snapshot } from '../model';

/** Selector words besides the roles the annotator gives (see annotate/roles.ts). */
const CLASS_WORDS: Readonly<Record<string, (d: PciDevice) => boolean>> = {
  net: (d) => (d.classCode ?? '').startsWith('0x02') || d.osDevices.some((o) => o.kind === 'net'),
  nic: (d) => (d.classCode ?? '').startsWith('0x02'),
  accelerator: (d) => (d.classCode ?? '').startsWith('0x12'),
  storage: (d) => (d.classCode ?? '').startsWith('0x01'),
  endpoint: (d) => d.portKind === 'endpoint' || d.portKind === 'rc-endpoint',
  bridge: (d) => !isEndpoint(d),
};

export const SELECTOR_HELP =
  'SEL: comma-separated PCI addresses (0000:3b:00.0 or 3b:00.0), OS device names (eth0, mlx5_0, nvme0), ' +
  'roles (gpu, accelerator, display, rdma, nvme, dpdk, dpdk-capable, spdk, cxl, sriov-pf, sriov-vf, switch, root-port), ' +
  'classes (net, nic, storage, endpoint, bridge) or all';

export function isEndpoint(d: PciDevice): boolean {
  return d.portKind === 'endpoint' || d.portKind === 'rc-endpoint' || d.portKind === 'rc-event-collector';
}

/**
 * The default set, like `nvidia-smi topo -m` but for every kind that people place:
 * GPU, accelerator, RDMA, NVMe and network endpoints (physical functions; SR-IOV VFs
 * only when asked for, they share their PF's path).
 */
export function isDefaultDevice(d: PciDevice): boolean {
  if (!isEndpoint(d) || d.roles.includes('sriov-vf')) return false;
  const c = (d.classCode ?? '').toLowerCase();
  // A display-only chip (a BMC's VGA) is no placement question: the annotator's 'display' role says which.
  if (c.startsWith('0x03') && d.roles.includes('display') && !d.roles.includes('gpu')) return false;
  if (c.startsWith('0x02') || c.startsWith('0x12') || c.startsWith('0x03') || c === '0x010802') return true;
  return d.roles.some((r) => r === 'gpu' || r === 'rdma' || r === 'nvme' || r === 'spdk' || r === 'dpdk' || r === 'dpdk-capable' || r === 'cxl');
}

export interface Selection {
  readonly devices: readonly PciDevice[];
  /** Tokens that matched nothing (the caller decides whether that is an error). */
  readonly unmatched: readonly string[];
}

/** Normalise a typed address: lowercase, domain 0000 added when missing. */
export function normaliseAddress(token: string): string | null {
  const t = token.trim().toLowerCase();
  const full = /^([0-9a-f]{4,8}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/.exec(t);
  if (full) return t;
  const short = /^([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/.exec(t);
  return short ? `0000:${t}` : null;
}

function matchToken(token: string, all: readonly PciDevice[]): PciDevice[] {
  const addr = normaliseAddress(token);
  if (addr) return all.filter((d) => d.address === addr);
  const word = token.toLowerCase();
  const byClass = CLASS_WORDS[word];
  if (byClass) return all.filter(byClass);
  const byRole = all.filter((d) => d.roles.includes(word));
  if (byRole.length) return byRole;
  return all.filter((d) => d.osDevices.some((o) => o.name === token || o.via === token));
}

/**
 * Select functions by SEL; undefined or "" gives the default set. The result keeps the
 * topology's order and has no duplicates.
 */
export function selectDevices(t: Snapshot, sel?: string | null): Selection {
  const all = t.pci.devices;
  const tokens = (sel ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (tokens.length === 0) return { devices: all.filter(isDefaultDevice), unmatched: [] };
  if (tokens.some((s) => s.toLowerCase() === 'all')) return { devices: all.slice(), unmatched: [] };
  const chosen = new Set<string>();
  const unmatched: string[] = [];
  for (const tok of tokens) {
    const hit = matchToken(tok, all);
    if (hit.length === 0) unmatched.push(tok);
    for (const d of hit) chosen.add(d.address);
  }
  return { devices: all.filter((d) => chosen.has(d.address)), unmatched };
}

/** A short column label: the OS device people know it by (mlx5_0, eth0, nvme0), else the bus address. */
export function deviceLabel(d: PciDevice): string {
  const pick = (kind: string) => d.osDevices.find((o) => o.kind === kind && !o.via)?.name;
  // DRM: the card node (card1) rather than its render node (renderD128).
  const card = d.osDevices.find((o) => o.kind === 'gpu' && /^card\d+$/.test(o.name))?.name;
  const name = pick('rdma') ?? pick('net') ?? pick('nvme') ?? card ?? pick('gpu') ?? pick('cxl');
  if (name) return name;
  return d.address.startsWith('0000:') ? d.address.slice(5) : d.address;
}
