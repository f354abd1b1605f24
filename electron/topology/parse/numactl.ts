// `numactl --hardware` output found inside pasted text (next to lspci): each node's CPUs,
// memory size and distances, and the lines it used. Pure. It reads only a block that
// starts with numactl's own "available: N nodes" line and lists every node it announced;
// anything less is not taken (a partial block would give a machine fewer nodes than it has).
import { formatCpuList } from './cpulist';

export interface NumactlNode {
  readonly id: number;
  /** Kernel list syntax ("0-31"); "" when numactl printed no CPUs for it. */
  readonly cpus: string;
  /** "node N size: X MB", in bytes; null when not printed. */
  readonly memoryBytes: number | null;
  /** One per node in id order; [] when the block has no distance table. */
  readonly distances: readonly number[];
}

export interface NumactlHardware {
  readonly nodes: readonly NumactlNode[];
  /** 1-based line numbers of the block's lines. */
  readonly lines: ReadonlySet<number>;
  /** 1-based line of "available:". */
  readonly line: number;
}

interface Draft {
  cpus: number[] | null;
  size: number | null;
  dist: number[];
}

/** The ids "(0-1)" or "(0,2)" that "available: N nodes (...)" names. */
function announcedIds(list: string): number[] {
  const out: number[] = [];
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return [];
    for (let i = Number(m[1]); i <= Number(m[2] ?? m[1]); i++) out.push(i);
  }
  return out;
}

/** One block's lines after "available:", into `drafts`; returns the lines used. */
function readBlock(lines: readonly string[], start: number, drafts: Map<number, Draft>): Set<number> {
  const used = new Set<number>([start + 1]);
  let header: number[] | null = null;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!.replace(/\r$/, '');
    let m: RegExpExecArray | null;
    if ((m = /^node (\d+) cpus:((?:\s+\d+)*)\s*$/.exec(l))) {
      const d = drafts.get(Number(m[1]));
      if (d) d.cpus = m[2]!.trim() ? m[2]!.trim().split(/\s+/).map(Number) : [];
    } else if ((m = /^node (\d+) size: (\d+) MB\s*$/.exec(l))) {
      const d = drafts.get(Number(m[1]));
      if (d) d.size = Number(m[2]) * 1024 * 1024;
    } else if (/^node (\d+) free: \d+ MB\s*$/.test(l) || /^node distances:\s*$/.test(l)) {
      // free memory changes by the second: not a property of the machine
    } else if ((m = /^node((?:\s+\d+)+)\s*$/.exec(l))) {
      const ids = m[1]!.trim().split(/\s+/).map(Number);
      header = ids.join() === [...drafts.keys()].join() ? ids : null;
    } else if (header && (m = /^\s*(\d+):((?:\s+\d+)+)\s*$/.exec(l))) {
      const d = drafts.get(Number(m[1]));
      const row = m[2]!.trim().split(/\s+/).map(Number);
      if (d && row.length === header.length) d.dist = row;
    } else break;
    used.add(i + 1);
  }
  return used;
}

/** The first complete `numactl --hardware` block in `text`, or null. */
export function parseNumactlHardware(text: string): NumactlHardware | null {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^available: (\d+) nodes? \(([\d,\s-]+)\)\s*$/.exec(lines[i]!.replace(/\r$/, ''));
    if (!m) continue;
    const ids = announcedIds(m[2]!);
    if (ids.length !== Number(m[1])) continue;
    const drafts = new Map(ids.map((id) => [id, { cpus: null, size: null, dist: [] } as Draft] as const));
    const used = readBlock(lines, i, drafts);
    if ([...drafts.values()].some((d) => d.cpus === null)) continue;
    const nodes = ids.map((id) => {
      const d = drafts.get(id)!;
      return { id, cpus: formatCpuList(d.cpus!), memoryBytes: d.size, distances: d.dist.length === ids.length ? d.dist : [] };
    });
    return { nodes, lines: used, line: i + 1 };
  }
  return null;
}
