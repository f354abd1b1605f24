// Test-only reader of hwloc's reference outputs (lstopo XML and `lstopo -` console
// text), deliberately independent of the product's hwloc importer: it extracts just
// what the corpus tests compare (PCI functions, parents, locality, OS devices, NUMA).
import { SaxesParser } from 'saxes';

export interface RefPci {
  busid: string;
  parent: string | null; // nearest PCI-PCI bridge's busid
  hostBridgeBuses: string | null; // "0000:[00-09]"
  cpuset: number[] | null; // of the nearest non-I/O ancestor
  nodeset: number[] | null;
  osdevs: { name: string; type: number | null }[];
  isBridge: boolean;
}

export interface RefTopology {
  pci: Map<string, RefPci>;
  numa: Map<number, { cpus: number[]; memory: number | null }>;
  pus: number[];
  distances: Map<number, number[]> | null;
  infos: Map<string, string>;
}

/** hwloc bitmap "0x000000ff,0xffffffff" → bit indexes. */
export function hwlocSet(s: string): number[] {
  const words = s.split(',').reverse();
  const out: number[] = [];
  words.forEach((w, i) => {
    // hwloc prints all-zero 32-bit words as empty: "0x00000001,,,0x0" is bit 96.
    const hex = w.replace(/^0x/, '');
    const v = hex === '' ? 0n : BigInt(`0x${hex}`);
    for (let b = 0; b < 32; b += 1) if ((v >> BigInt(b)) & 1n) out.push(i * 32 + b);
  });
  return out;
}

export function readHwlocXml(text: string): RefTopology {
  const pci = new Map<string, RefPci>();
  const numa = new Map<number, { cpus: number[]; memory: number | null }>();
  const pus: number[] = [];
  const infos = new Map<string, string>();
  let distances: Map<number, number[]> | null = null;
  type Frame = { type: string; attrs: Record<string, string>; pci?: RefPci };
  const stack: Frame[] = [];
  let distIdx: number[] = [];
  let distVals: number[] = [];
  let inDist = false;
  let textBuf = '';
  const p = new SaxesParser();
  p.on('opentag', (tag) => {
    const attrs = Object.fromEntries(Object.entries(tag.attributes).map(([k, v]) => [k, String(v)]));
    textBuf = '';
    if (tag.name === 'object') {
      const f: Frame = { type: attrs['type'] ?? '', attrs };
      if ((f.type === 'PCIDev' || (f.type === 'Bridge' && attrs['bridge_type'] === '1-1')) && attrs['pci_busid']) {
        let parent: string | null = null;
        let hb: string | null = null;
        let cpuset: number[] | null = null;
        let nodeset: number[] | null = null;
        for (let i = stack.length - 1; i >= 0; i -= 1) {
          const a = stack[i]!;
          if (parent === null && a.type === 'Bridge' && a.attrs['bridge_type'] === '1-1' && hb === null) parent = a.attrs['pci_busid'] ?? null;
          if (a.type === 'Bridge' && a.attrs['bridge_type']?.startsWith('0-') && hb === null) hb = a.attrs['bridge_pci'] ?? null;
          if (!['Bridge', 'PCIDev', 'OSDev'].includes(a.type) && a.attrs['cpuset']) {
            cpuset = hwlocSet(a.attrs['cpuset']);
            nodeset = a.attrs['nodeset'] ? hwlocSet(a.attrs['nodeset']) : null;
            break;
          }
        }
        f.pci = { busid: attrs['pci_busid'], parent, hostBridgeBuses: hb, cpuset, nodeset, osdevs: [], isBridge: f.type === 'Bridge' };
        pci.set(f.pci.busid, f.pci);
      }
      if (f.type === 'OSDev') {
        const owner = [...stack].reverse().find((a) => a.pci);
        if (owner?.pci && stack[stack.length - 1]?.pci) owner.pci.osdevs.push({ name: attrs['name'] ?? '', type: attrs['osdev_type'] ? Number(attrs['osdev_type']) : null });
      }
      if (f.type === 'NUMANode' && attrs['os_index'] !== undefined) {
        numa.set(Number(attrs['os_index']), { cpus: attrs['cpuset'] ? hwlocSet(attrs['cpuset']) : [], memory: attrs['local_memory'] ? Number(attrs['local_memory']) : null });
      }
      if (f.type === 'PU' && attrs['os_index'] !== undefined) pus.push(Number(attrs['os_index']));
      stack.push(f);
    } else if (tag.name === 'info' && stack.length === 1) {
      infos.set(attrs['name'] ?? '', attrs['value'] ?? '');
    } else if (tag.name === 'distances2' && attrs['type'] === 'NUMANode') {
      inDist = true;
      distIdx = [];
      distVals = [];
    }
  });
  p.on('text', (t) => (textBuf += t));
  p.on('closetag', (tag) => {
    if (tag.name === 'object') stack.pop();
    else if (inDist && tag.name === 'indexes') distIdx.push(...textBuf.trim().split(/\s+/).map(Number));
    else if (inDist && tag.name === 'u64values') distVals.push(...textBuf.trim().split(/\s+/).map(Number));
    else if (tag.name === 'distances2' && inDist) {
      inDist = false;
      distances = new Map();
      const n = distIdx.length;
      distIdx.forEach((id, i) => distances!.set(id, distVals.slice(i * n, (i + 1) * n)));
    }
    textBuf = '';
  });
  p.write(text).close();
  return { pci, numa, pus: pus.sort((a, b) => a - b), distances, infos };
}

export interface ConsolePci {
  busid: string;
  hostBridge: string | null; // "10000:[00-00]"
  parent: string | null;
  osdevs: string[];
  ancestorPackage: number | null; // P# of the package it hangs below, if any
}

/** `lstopo -` text: indentation gives the tree. */
export function readHwlocConsole(text: string): { pci: ConsolePci[]; numa: Map<number, number>; packages: Map<number, Record<string, string>>; infos: Map<string, string> } {
  const lines = text.split('\n');
  const stack: { indent: number; kind: string; pci?: ConsolePci; pkg?: number; busid?: string; buses?: string }[] = [];
  const pci: ConsolePci[] = [];
  const numa = new Map<number, number>();
  const packages = new Map<number, Record<string, string>>();
  const infos = new Map<string, string>();
  for (const line of lines) {
    if (line.startsWith('Topology infos:')) {
      for (const m of line.matchAll(/(\w+)=("[^"]*"|\S+)/g)) infos.set(m[1]!, m[2]!.replace(/^"|"$/g, ''));
      continue;
    }
    const m = /^(\s*)(\S+)/.exec(line);
    if (!m || line.trim() === '' || /^(depth|Special depth)/.test(line.trim())) continue;
    const indent = m[1]!.length;
    while (stack.length && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const kind = m[2]!;
    const frame: (typeof stack)[number] = { indent, kind };
    if (kind === 'Package') {
      const p = /P#(\d+)/.exec(line);
      frame.pkg = p ? Number(p[1]) : undefined;
      const attrs: Record<string, string> = {};
      for (const a of line.matchAll(/(\w+)=("[^"]*"|[^\s)]+)/g)) attrs[a[1]!] = a[2]!.replace(/^"|"$/g, '');
      if (frame.pkg !== undefined) packages.set(frame.pkg, attrs);
    } else if (kind === 'NUMANode') {
      const p = /P#(\d+)/.exec(line);
      if (p) numa.set(Number(p[1]), numa.size);
    } else if (kind === 'HostBridge') {
      frame.buses = /buses=(\S+?)\)/.exec(line)?.[1];
    } else if (kind === 'PCIBridge' || kind === 'PCI') {
      const b = /busid=([0-9a-f:.]+)/.exec(line)?.[1];
      frame.busid = b;
      if (b) {
        const hb = [...stack].reverse().find((s) => s.kind === 'HostBridge')?.buses ?? null;
        const parent = [...stack].reverse().find((s) => s.kind === 'PCIBridge')?.busid ?? null;
        const pkg = [...stack].reverse().find((s) => s.pkg !== undefined)?.pkg ?? null;
        frame.pci = { busid: b, hostBridge: hb, parent, osdevs: [], ancestorPackage: pkg };
        pci.push(frame.pci);
      }
    } else if (kind.startsWith('OSDev')) {
      const name = /"([^"]+)"\s*$/.exec(line)?.[1];
      const owner = stack[stack.length - 1];
      if (name && owner?.pci) owner.pci.osdevs.push(name);
    }
    stack.push(frame);
  }
  return { pci, numa, packages, infos };
}
