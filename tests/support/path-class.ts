// Test-only truth for the distance matrix, written apart from the product's answers/
// matrix: the nvidia-smi class of the path between two PCI functions from a plain tree
// (parent links, host bridge, NUMA node) such as hwloc's XML gives. Switch ports are
// found by the tree's shape, as lstopo draws them: a bridge below a bridge that has
// bridges below it is a switch's upstream port; its child bridges are its downstream
// ports (ports alternate going down); the whole switch counts as one bridge.
export interface TreeNode {
  id: string;
  parent: string | null;
  isBridge: boolean;
  hostBridge: string | null;
  node: number | null;
  /** The PCIe port type when the source states it (lspci -vvv as root); shape otherwise. */
  port?: 'upstream' | 'downstream' | 'root' | 'other';
}

export type TruthClass = 'X' | 'PIX' | 'PXB' | 'PHB' | 'NODE' | 'SYS' | 'UNK';

export function truthClasses(nodes: readonly TreeNode[]): (a: string, b: string) => TruthClass {
  const by = new Map(nodes.map((n) => [n.id, n]));
  const kids = new Map<string, TreeNode[]>();
  for (const n of nodes) if (n.parent) kids.set(n.parent, [...(kids.get(n.parent) ?? []), n]);
  // Ports alternate: below an upstream port are downstream ports, never upstream ones.
  const upstream = new Map<string, boolean>();
  const isUpstream = (n: TreeNode): boolean => {
    const known = upstream.get(n.id);
    if (known !== undefined) return known;
    if (n.port) return n.port === 'upstream';
    const p = n.parent ? by.get(n.parent) : undefined;
    const v = n.isBridge && !!p?.isBridge && !isUpstream(p) && (kids.get(n.id) ?? []).some((k) => k.isBridge);
    upstream.set(n.id, v);
    return v;
  };
  const unit = (id: string): string => {
    const n = by.get(id)!;
    const p = n.parent ? by.get(n.parent) : undefined;
    return p && isUpstream(p) && n.isBridge ? p.id : id;
  };
  const up = (id: string): string[] => {
    const out: string[] = [];
    for (let p = by.get(id)?.parent ?? null; p; p = by.get(p)?.parent ?? null) out.push(p);
    return out;
  };
  return (a, b) => {
    if (a === b) return 'X';
    const ca = [a, ...up(a)];
    const cb = [b, ...up(b)];
    const common = ca.find((x) => cb.includes(x));
    if (common !== undefined) {
      const between = [...ca.slice(1, ca.indexOf(common)), ...cb.slice(1, cb.indexOf(common))];
      if (common !== a && common !== b) between.push(common);
      return new Set(between.map(unit)).size <= 1 ? 'PIX' : 'PXB';
    }
    const na = by.get(a)!;
    const nb = by.get(b)!;
    if (na.hostBridge !== null && na.hostBridge === nb.hostBridge) return 'PHB';
    if (na.node === null || nb.node === null) return 'UNK';
    if (na.node !== nb.node) return 'SYS';
    // Same node: one host bridge or two? Unknowable when the source records none.
    return na.hostBridge === null || nb.hostBridge === null ? 'UNK' : 'NODE';
  };
}

/**
 * Test-only reading of `lspci -vv[v]` text (with or without -D): each function's bus,
 * bridge bus ranges (`Bus: primary=, secondary=, subordinate=`), `NUMA node:` and the
 * PCIe port type. The parent is the bridge whose secondary bus the function sits on; a
 * function on no bridge's bus is on a root bus, which is its host bridge.
 */
export function lspciTree(text: string): TreeNode[] {
  type Raw = { id: string; dom: string; bus: number; sec: number | null; sub: number | null; node: number | null; port?: TreeNode['port'] };
  const raws: Raw[] = [];
  let cur: Raw | null = null;
  for (const line of text.split('\n')) {
    const h = /^(?:([0-9a-f]{4,8}):)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7]) /.exec(line);
    if (h) {
      const dom = h[1] ?? '0000';
      cur = { id: `${dom}:${h[2]}:${h[3]}.${h[4]}`, dom, bus: parseInt(h[2]!, 16), sec: null, sub: null, node: null };
      raws.push(cur);
      continue;
    }
    if (!cur) continue;
    const b = /Bus: primary=[0-9a-f]+, secondary=([0-9a-f]+), subordinate=([0-9a-f]+)/.exec(line);
    if (b) [cur.sec, cur.sub] = [parseInt(b[1]!, 16), parseInt(b[2]!, 16)];
    const n = /^\s+NUMA node: (\d+)/.exec(line);
    if (n) cur.node = Number(n[1]);
    const e = /Express \(v\d\) (Root Port|Upstream Port|Downstream Port|Endpoint|Legacy Endpoint|Root Complex)/.exec(line);
    if (e) cur.port = e[1] === 'Upstream Port' ? 'upstream' : e[1] === 'Downstream Port' ? 'downstream' : e[1] === 'Root Port' ? 'root' : 'other';
  }
  const parentOf = (r: Raw): Raw | null => {
    let best: Raw | null = null;
    for (const x of raws) {
      if (x === r || x.dom !== r.dom || x.sec === null || x.sub === null || x.sec === 0) continue;
      if (r.bus >= x.sec && r.bus <= x.sub && (best === null || x.sec > best.sec!)) best = x;
    }
    return best;
  };
  const parents = new Map(raws.map((r) => [r.id, parentOf(r)]));
  const top = (r: Raw): Raw => {
    let t = r;
    for (let p = parents.get(t.id); p; p = parents.get(p.id)) t = p;
    return t;
  };
  return raws.map((r) => ({
    id: r.id,
    parent: parents.get(r.id)?.id ?? null,
    isBridge: r.sec !== null,
    hostBridge: `${r.dom}:${top(r).bus.toString(16).padStart(2, '0')}`,
    node: r.node,
    ...(r.port ? { port: r.port } : {}),
  }));
}

/**
 * Test-only reading of NCCL topology XML: every `<pci busid>` under the `<pci>` that
 * holds it and the `<cpu numaid>` it is in. NCCL records no host bridges.
 */
export function ncclTree(text: string): TreeNode[] {
  const out: TreeNode[] = [];
  const stack: Array<{ name: string; busid?: string; numa?: number | null }> = [];
  for (const m of text.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<(\/?)([a-z]+)([^>]*?)(\/?)>/g)) {
    const [, close, name, attrs, selfClose] = m;
    if (close) {
      stack.pop();
      continue;
    }
    const attr = (k: string) => new RegExp(`\\b${k}="([^"]*)"`).exec(attrs!)?.[1];
    const frame: (typeof stack)[number] = { name: name! };
    if (name === 'cpu') frame.numa = attr('numaid') !== undefined && Number(attr('numaid')) >= 0 ? Number(attr('numaid')) : null;
    if (name === 'pci' && attr('busid')) {
      frame.busid = attr('busid')!.toLowerCase();
      const parent = [...stack].reverse().find((f) => f.busid)?.busid ?? null;
      const cpu = [...stack].reverse().find((f) => f.name === 'cpu');
      const node: TreeNode = { id: frame.busid, parent, isBridge: false, hostBridge: null, node: cpu?.numa ?? null };
      const p = out.find((n) => n.id === parent);
      if (p) p.isBridge = true;
      out.push(node);
    }
    if (!selfClose) stack.push(frame);
  }
  return out;
}
