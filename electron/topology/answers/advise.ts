// Placement advice for DPDK/SPDK: from the chosen devices' locality, the NUMA node to
// run on, polling cores there (not CPU 0, no two SMT siblings, isolated CPUs first), the
// EAL arguments and SPDK core mask, hugepages per node, and the commands to hand the
// devices to vfio-pci. Pure and DOM/Node-free (the renderer imports it). It never runs
// anything and never invents locality: unknown stays unknown, with a warning.
import type { Cpu, HugepagePool, NumaNode, PciDevice, Snapshot } from '../model';
import { formatCpuList, parseCpuList } from '../parse/cpulist';
import { USERSPACE_DRIVERS } from '../drivers';

export interface AdviseOptions {
  /** Polling cores wanted (default 2). */
  readonly cores?: number;
  /** Hugepage memory per process, MiB (default 1024). */
  readonly memMb?: number;
}

export interface HugepageNodeAdvice {
  readonly node: number;
  /** Pages to have reserved on this node. */
  readonly pages: number;
  /** `nr_hugepages` / `free_hugepages` now, where the input has them. */
  readonly current: number | null;
  readonly free: number | null;
}

export interface HugepageAdvice {
  readonly sizeKb: number;
  /** True when the input has no pools and 2048 kB was taken as the size. */
  readonly sizeAssumed: boolean;
  readonly nodes: readonly HugepageNodeAdvice[];
}

export interface Advice {
  readonly devices: readonly string[];
  readonly numaNode: number | null;
  readonly cores: readonly number[];
  /** `lcores`/`cpumask` are null when no core could be chosen (the input lists no CPUs there). */
  readonly dpdk: { readonly lcores: string | null; readonly socketMem: string; readonly allow: readonly string[]; readonly eal: string };
  readonly spdk: { readonly cpumask: string | null };
  readonly hugepages: HugepageAdvice;
  readonly commands: readonly string[];
  readonly warnings: readonly string[];
  /** Facts worth knowing that cost nothing (bifurcated drivers, devices already bound). */
  readonly notes: readonly string[];
}

/** Drivers whose DPDK PMD runs beside the kernel driver (mlx4/mlx5): nothing to rebind. */
export const BIFURCATED_DRIVERS: ReadonlySet<string> = new Set(['mlx5_core', 'mlx4_core']);

const DEFAULT_PAGE_KB = 2048;

function list(text: string | null | undefined): number[] {
  if (!text || text === '(null)') return [];
  return parseCpuList(text) ?? [];
}

/** The node most devices share (ties: lowest id); null when none is known. */
function chooseNode(devs: readonly PciDevice[]): number | null {
  const count = new Map<number, number>();
  for (const d of devs) if (d.numaNode !== null) count.set(d.numaNode, (count.get(d.numaNode) ?? 0) + 1);
  let best: number | null = null;
  for (const [n, c] of [...count].sort((a, b) => a[0] - b[0])) if (best === null || c > count.get(best)!) best = n;
  return best;
}

/**
 * A node whose CPUs are unknown: the input lists none, but does not say it has none
 * (lspci's "NUMA node:" lines make nodes without CPU lists). A CPU-less node has its
 * kind set (cpuless, cxl, pmem, hbm).
 */
function cpusUnknown(n: NumaNode): boolean {
  return list(n.cpus).length === 0 && n.kind === 'dram';
}

/** A CPU-less node's nearest node with CPUs, by the kernel's distance table. */
function nearestWithCpus(t: Snapshot, node: NumaNode): NumaNode | null {
  const idx = t.numaNodes.findIndex((n) => n.id === node.id);
  let best: NumaNode | null = null;
  let bestDist = Infinity;
  t.numaNodes.forEach((n, i) => {
    if (list(n.cpus).length === 0 || i === idx) return;
    const dist = node.distances[i] ?? Infinity;
    if (dist < bestDist) [best, bestDist] = [n, dist];
  });
  return best;
}

/** SMT siblings of each CPU: thread_siblings_list when read, else same package and core id. */
export function smtSiblings(cpus: readonly Cpu[]): { of: (id: number) => Set<number>; known: boolean } {
  const byCore = new Map<string, number[]>();
  let known = cpus.length > 0;
  for (const c of cpus) {
    if (c.threadSiblings) continue;
    if (c.package === null || c.core === null) {
      known = false;
      continue;
    }
    const k = `${c.package}/${c.cluster ?? ''}/${c.core}`;
    byCore.set(k, [...(byCore.get(k) ?? []), c.id]);
  }
  const byId = new Map(cpus.map((c) => [c.id, c] as const));
  const of = (id: number): Set<number> => {
    const c = byId.get(id);
    if (!c) return new Set([id]);
    if (c.threadSiblings) return new Set(list(c.threadSiblings));
    if (c.package === null || c.core === null) return new Set([id]);
    return new Set(byCore.get(`${c.package}/${c.cluster ?? ''}/${c.core}`) ?? [id]);
  };
  return { of, known };
}

interface CoreChoice {
  readonly cores: number[];
  readonly warnings: string[];
}

/** N cores from `pool`: not CPU 0, isolated first, CPU 0's siblings last, no two siblings unless there is no other way. */
function chooseCores(t: Snapshot, pool: readonly number[], n: number, where: string): CoreChoice {
  const warnings: string[] = [];
  const m = t.machine;
  const sib = smtSiblings(m.cpus);
  const isolated = new Set([...list(m.isolatedCpus), ...list(m.nohzFullCpus)]);
  const sib0 = sib.of(0);
  const rank = (c: number) => (isolated.has(c) ? 0 : 2) + (sib0.has(c) ? 1 : 0);
  const cand = pool.filter((c) => c !== 0).sort((a, b) => rank(a) - rank(b) || a - b);
  const chosen: number[] = [];
  const blocked = new Set<number>();
  for (const c of cand) {
    if (chosen.length >= n) break;
    if (blocked.has(c)) continue;
    chosen.push(c);
    for (const s of sib.of(c)) blocked.add(s);
  }
  if (chosen.length < n) {
    const extra = cand.filter((c) => !chosen.includes(c)).slice(0, n - chosen.length);
    if (extra.length) warnings.push(`only ${chosen.length} separate physical cores ${where} besides CPU 0: CPUs ${extra.join(', ')} share a core with another chosen CPU (SMT siblings halve each other's polling throughput)`);
    chosen.push(...extra);
  }
  if (chosen.length < n) warnings.push(`only ${chosen.length} of the ${n} cores asked for are available ${where} without CPU 0`);
  if (!sib.known) warnings.push('the CPU topology (package/core ids) is not in this input: SMT siblings could not be avoided with certainty');
  const knownNone = (m.isolatedCpus !== undefined || m.nohzFullCpus !== undefined) && isolated.size === 0;
  if (knownNone) warnings.push('this machine isolates no CPU (/sys/devices/system/cpu/isolated and nohz_full are empty): the polling cores share time with the kernel and other tasks; reserve them with isolcpus= / nohz_full= on the kernel command line');
  if (m.isolatedCpus === undefined && m.nohzFullCpus === undefined) warnings.push('this input does not say which CPUs are isolated (/sys/devices/system/cpu/isolated, nohz_full): the cores chosen may be shared with the kernel and other tasks');
  else if (isolated.size && chosen.some((c) => !isolated.has(c))) warnings.push(`CPUs ${formatCpuList(chosen.filter((c) => !isolated.has(c)))} are not isolated (isolated: ${formatCpuList(isolated)})`);
  return { cores: chosen.sort((a, b) => a - b), warnings };
}

function hexMask(cores: readonly number[]): string {
  let v = 0n;
  for (const c of cores) v |= 1n << BigInt(c);
  return `0x${v.toString(16)}`;
}

function pickPool(pools: readonly HugepagePool[] | undefined): HugepagePool | null {
  if (!pools?.length) return null;
  return pools.find((p) => p.sizeKb === DEFAULT_PAGE_KB) ?? [...pools].sort((a, b) => a.sizeKb - b.sizeKb)[0]!;
}

function adviseHugepages(t: Snapshot, memNodes: readonly number[], memMb: number): { advice: HugepageAdvice; commands: string[]; warnings: string[] } {
  const nodes = t.numaNodes.filter((n) => memNodes.includes(n.id));
  const first = pickPool(nodes[0]?.hugepages);
  const sizeKb = first?.sizeKb ?? DEFAULT_PAGE_KB;
  const pages = Math.ceil((memMb * 1024) / sizeKb);
  const commands: string[] = [];
  const warnings: string[] = [];
  const out = memNodes.map((id) => {
    const pool = t.numaNodes.find((n) => n.id === id)?.hugepages?.find((p) => p.sizeKb === sizeKb) ?? null;
    const current = pool?.total ?? null;
    const free = pool?.free ?? null;
    if (current === null || current < pages || (free !== null && free < pages)) {
      const want = current !== null && free !== null && free < pages ? current + (pages - free) : pages;
      commands.push(`echo ${want} | sudo tee /sys/devices/system/node/node${id}/hugepages/hugepages-${sizeKb}kB/nr_hugepages`);
    }
    return { node: id, pages, current, free };
  });
  if (!first) warnings.push(`this input has no hugepage counts (/sys/devices/system/node/nodeN/hugepages): ${sizeKb} kB pages assumed; check the current reservation on the machine`);
  return { advice: { sizeKb, sizeAssumed: !first, nodes: out }, commands, warnings };
}

function bindCommands(t: Snapshot, devs: readonly PciDevice[]): { commands: string[]; warnings: string[]; notes: string[] } {
  const commands: string[] = [];
  const warnings: string[] = [];
  const notes: string[] = [];
  // hwloc XML records no drivers: "no driver" there means "not known".
  if (t.source.kind === 'hwloc-xml' && devs.length) warnings.push('this input (hwloc XML) does not record drivers: the vfio-pci bindings below assume each device is on its kernel driver; check `dpdk-devbind.py --status`');
  const chosen = new Set(devs.map((d) => d.address));
  for (const d of devs) {
    if (d.driver && USERSPACE_DRIVERS.has(d.driver)) notes.push(`${d.address} is already on ${d.driver}`);
    else if (d.driver && BIFURCATED_DRIVERS.has(d.driver)) notes.push(`${d.address} stays on ${d.driver}: its DPDK driver runs beside the kernel driver (bifurcated), no rebinding`);
    else if ((d.classCode ?? '').startsWith('0x03')) notes.push(`${d.address} is a GPU: it stays on its vendor driver (DPDK gpudev and GPUDirect RDMA use it), no rebinding`);
    else {
      commands.push(`sudo dpdk-devbind.py -b vfio-pci ${d.address}`);
      const os = d.osDevices.filter((o) => !o.via && (o.kind === 'net' || o.kind === 'nvme' || o.kind === 'block' || o.kind === 'rdma')).map((o) => o.name);
      const now = t.source.kind === 'hwloc-xml' ? 'driver not in this input' : `${d.driver ?? 'no driver'} now`;
      if (os.length) warnings.push(`binding ${d.address} to vfio-pci takes ${os.join(', ')} away from the kernel (${now}): make sure nothing uses ${os.length > 1 ? 'them' : 'it'} (routes, mounts)`);
    }
    if (d.iommuGroup !== null) {
      const peers = t.pci.devices.filter((p) => p.iommuGroup === d.iommuGroup && p.address !== d.address && !chosen.has(p.address) && (p.portKind === 'endpoint' || p.portKind === 'rc-endpoint'));
      if (peers.length) warnings.push(`${d.address} shares IOMMU group ${d.iommuGroup} with ${peers.map((p) => p.address).join(', ')}: vfio needs every device of the group bound to vfio-pci (or unbound)`);
    }
  }
  return { commands, warnings, notes };
}

/** Whether an IOMMU is on: true, false, or null when the input cannot tell. */
export function iommuState(t: Snapshot): boolean | null {
  if (t.machine.iommu) return t.machine.iommu.groups > 0;
  if (t.pci.devices.some((d) => d.iommuGroup !== null)) return true;
  return null;
}

function iommuWarning(t: Snapshot, devs: readonly PciDevice[], binds: readonly string[]): string | null {
  const needsVfio = binds.length > 0 || devs.some((d) => d.driver === 'vfio-pci');
  if (!needsVfio) return null;
  const on = iommuState(t);
  if (on === true) return null;
  const fix = 'boot with intel_iommu=on (Intel) or amd_iommu=on iommu=pt (AMD; Arm SMMU is on when present), or use vfio-pci\'s enable_unsafe_noiommu_mode / uio_pci_generic (no DMA isolation)';
  if (on === false) return `vfio-pci needs an IOMMU and none is on (/sys/kernel/iommu_groups is empty): ${fix}`;
  return `this input does not show whether an IOMMU is on (no iommu_group links, no /sys/kernel/iommu_groups): vfio-pci needs one; if \`ls /sys/kernel/iommu_groups\` is empty on the machine, ${fix}`;
}

function localityWarnings(devs: readonly PciDevice[], node: number | null): string[] {
  const out: string[] = [];
  for (const d of devs) {
    if (d.numaNode === null) out.push(`${d.address}: NUMA node unknown (numa_node -1 and no fallback)${node !== null ? `; if it is not on node ${node}, its DMA and interrupts cross the socket interconnect` : ''}`);
    else if (node !== null && d.numaNode !== node) out.push(`${d.address} is on node ${d.numaNode}, not ${node}: its packets/IO cross the socket interconnect (SYS) to reach cores and memory on node ${node}; better a second process on node ${d.numaNode}`);
  }
  if (node === null && devs.length) out.push('no device has a known NUMA node: memory is reserved on every node and cores are taken from all CPUs; check `lstopo` or the board manual to place them');
  return out;
}

/** The placement advice for `devs`. */
export function advise(t: Snapshot, devs: readonly PciDevice[], opts: AdviseOptions = {}): Advice {
  const n = Math.max(1, Math.floor(opts.cores ?? 2));
  const memMb = Math.max(1, Math.floor(opts.memMb ?? 1024));
  const warnings: string[] = [];
  const devNode = chooseNode(devs);
  warnings.push(...localityWarnings(devs, devNode));
  let cpuNode = devNode === null ? null : t.numaNodes.find((x) => x.id === devNode) ?? null;
  if (cpuNode && cpusUnknown(cpuNode)) {
    warnings.push(`this input does not list the CPUs of node ${cpuNode.id} (${t.source.kind}): pick cores from /sys/devices/system/node/node${cpuNode.id}/cpulist on the machine`);
  } else if (cpuNode && list(cpuNode.cpus).length === 0) {
    const near = nearestWithCpus(t, cpuNode);
    warnings.push(`node ${cpuNode.id} has no CPUs (${cpuNode.kind}); cores are taken from ${near ? `the nearest node with CPUs, node ${near.id}` : 'all CPUs'}`);
    cpuNode = near;
  }
  const allCpus = t.machine.cpus.length ? t.machine.cpus.map((c) => c.id) : t.numaNodes.flatMap((x) => list(x.cpus));
  const pool = cpuNode ? list(cpuNode.cpus) : allCpus;
  const where = cpuNode ? `on node ${cpuNode.id}` : 'on this machine';
  const cores: CoreChoice = pool.length ? chooseCores(t, pool, n, where) : { cores: [], warnings: cpuNode ? [] : ['this input lists no CPUs: no cores chosen'] };
  warnings.push(...cores.warnings);
  const memNodes = devNode !== null ? [devNode] : t.numaNodes.filter((x) => x.memoryBytes !== 0).map((x) => x.id);
  const maxId = Math.max(-1, ...t.numaNodes.map((x) => x.id));
  const socketMem = Array.from({ length: maxId + 1 }, (_, id) => (memNodes.includes(id) ? memMb : 0)).join(',');
  const huge = adviseHugepages(t, memNodes, memMb);
  warnings.push(...huge.warnings);
  const bind = bindCommands(t, devs);
  warnings.push(...bind.warnings);
  const iommu = iommuWarning(t, devs, bind.commands);
  if (iommu) warnings.push(iommu);
  const lcores = cores.cores.length ? formatCpuList(cores.cores) : null;
  const allow = devs.map((d) => d.address);
  const eal = [...(lcores ? [`-l ${lcores}`] : []), ...(socketMem ? [`--socket-mem ${socketMem}`] : []), ...allow.map((a) => `-a ${a}`)].join(' ');
  return {
    devices: allow,
    numaNode: devNode,
    cores: cores.cores,
    dpdk: { lcores, socketMem, allow, eal },
    spdk: { cpumask: cores.cores.length ? hexMask(cores.cores) : null },
    hugepages: huge.advice,
    commands: [...bind.commands, ...huge.commands],
    warnings,
    notes: bind.notes,
  };
}

/** The contract JSON. */
export function adviceJson(a: Advice): string {
  return `${JSON.stringify(a, null, 2)}\n`;
}

/** Human text: where, the arguments, the commands, the warnings. */
export function adviceText(a: Advice): string {
  const hp = a.hugepages;
  const lines = [
    `Devices: ${a.devices.join(', ') || '(none)'}`,
    `NUMA node: ${a.numaNode ?? 'unknown'}`,
    `Cores: ${a.dpdk.lcores ?? '(none chosen)'}`,
    '',
    `DPDK EAL:  ${a.dpdk.eal}`,
    `SPDK:      ${a.spdk.cpumask ? `-m ${a.spdk.cpumask}` : '(no cores chosen)'}`,
    '',
    `Hugepages (${hp.sizeKb} kB${hp.sizeAssumed ? ', assumed' : ''}):`,
    ...hp.nodes.map((x) => `  node ${x.node}: ${x.pages} pages needed; now ${x.current ?? 'unknown'} reserved, ${x.free ?? 'unknown'} free`),
  ];
  if (a.commands.length) lines.push('', 'Commands:', ...a.commands.map((c) => `  ${c}`));
  if (a.notes.length) lines.push('', 'Notes:', ...a.notes.map((w) => `  - ${w}`));
  if (a.warnings.length) lines.push('', 'Warnings:', ...a.warnings.map((w) => `  ! ${w}`));
  return `${lines.join('\n')}\n`;
}
