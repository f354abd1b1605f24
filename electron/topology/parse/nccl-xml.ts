// NCCL topology XML (`NCCL_TOPO_DUMP_FILE` output, and the `NCCL_TOPO_FILE` files people
// write in the same shape) → plain records: CPUs (NUMA node, affinity mask, arch), the PCI
// functions NCCL kept with the nearest listed ancestor, GPUs and network devices. Pure: no
// model, no names, no roles (see sources/nccl-xml.ts). What NCCL writes follows its
// src/graph/xml.cc: `<system version><cpu numaid affinity arch vendor familyid modelid>
// <pci busid class vendor device subsystem_vendor subsystem_device link_speed link_width>
// <gpu dev sm rank gdr><nvlink target count tclass/></gpu> <nic><net name dev speed port
// guid gdr .../></nic></pci></cpu></system>`.
//
// Two facts of the format matter to a reader (xml.cc ncclTopoGetXmlFromSys): NCCL climbs
// the sysfs path two levels at a time, so root ports and switch downstream ports are not
// in the file (a `<pci>`'s parent element is its nearest *listed* ancestor); and
// `link_speed`/`link_width` are the lower of the function's and its upstream port's
// *maximum* (max_link_speed/max_link_width), not the trained link.
import { SaxesParser } from 'saxes';
import type { Diagnostic } from '../model';
import { parseCpuMask } from './cpulist';

/** Largest accepted input, in UTF-16 code units (real dumps are tens of kilobytes). */
export const MAX_NCCL_XML_CHARS = 64 * 1024 * 1024;
const MAX_DEPTH = 64;

export interface NcclCpu {
  /** `numaid`; null when NCCL wrote -1 (no NUMA information, e.g. in a VM). */
  readonly numaId: number | null;
  /** CPUs of `affinity` (a kernel cpumask, comma-separated 32-bit words); null when absent or unreadable. */
  readonly cpus: number[] | null;
  readonly arch: string | null;
  readonly vendor: string | null;
  readonly familyId: number | null;
  readonly modelId: number | null;
  readonly line: number;
}

export interface NcclGpu {
  /** `dev`: the CUDA device index NCCL used. */
  readonly dev: number | null;
  readonly sm: number | null;
  readonly rank: number | null;
  readonly gdr: boolean | null;
  /** `<nvlink target count tclass>` children: the far end's bus id, link count, its class. */
  readonly nvlinks: readonly { readonly target: string; readonly count: number | null; readonly tclass: string | null }[];
}

export interface NcclNet {
  /** `name`: the net plugin's device name (an IB device such as mlx5_0, or a netdev). */
  readonly name: string;
  readonly dev: number | null;
  /** `speed` in Mb/s as NCCL reports it. */
  readonly speed: number | null;
  readonly port: number | null;
  /** `guid` as written ("0x..."); IB verbs report the HCA's 64-bit node GUID here. */
  readonly guid: string | null;
  readonly gdr: boolean | null;
  readonly line: number;
}

export interface NcclPci {
  /** `busid` lowercased, as written ("0000:3b:00.0"). */
  readonly busId: string;
  /** Nearest enclosing `<pci>`'s busid; null when the element sits directly under `<cpu>`. */
  readonly parent: string | null;
  /** Index into `cpus` of the enclosing `<cpu>`. */
  readonly cpu: number;
  /** Attribute values as written, "0x"-prefixed hex; null when absent or empty. */
  readonly classCode: string | null;
  readonly vendor: string | null;
  readonly device: string | null;
  readonly subsystemVendor: string | null;
  readonly subsystemDevice: string | null;
  /** `link_speed` as written ("32.0 GT/s PCIe"), `link_width` as a number; null when absent/empty. */
  readonly linkSpeed: string | null;
  readonly linkWidth: number | null;
  readonly gpu: NcclGpu | null;
  readonly nets: readonly NcclNet[];
  readonly line: number;
}

export interface NcclXml {
  readonly version: string | null;
  readonly cpus: readonly NcclCpu[];
  readonly pci: readonly NcclPci[];
  /** `<nic>` under a `<cpu>` with no PCI function (virtual NICs NCCL attached to the first CPU). */
  readonly cpuNets: readonly { readonly cpu: number; readonly net: NcclNet }[];
  readonly diagnostics: readonly Diagnostic[];
}

/** True when `text` looks like an NCCL topology file (its root element is `<system`). */
export function looksLikeNcclXml(text: string): boolean {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, '');
  const noProlog = head.replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '').trimStart();
  return /^<system[\s>]/.test(noProlog);
}

const num = (v: string | undefined): number | null => {
  if (v === undefined || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};
const str = (v: string | undefined): string | null => (v === undefined || v.trim() === '' ? null : v.trim());
const flag = (v: string | undefined): boolean | null => (v === '1' ? true : v === '0' ? false : null);

/** Mutable state of one parse. */
interface State {
  readonly name: string;
  readonly cpus: NcclCpu[];
  readonly pci: (NcclPci & { gpu: NcclGpu | null; nets: NcclNet[] })[];
  readonly cpuNets: { cpu: number; net: NcclNet }[];
  readonly diagnostics: Diagnostic[];
  /** Open elements: tag and, for pci/gpu, the record they fill. */
  readonly stack: { tag: string; pci?: number; gpu?: { nvlinks: NcclGpu['nvlinks'][number][] } }[];
  version: string | null;
  sawSystem: boolean;
}

export function parseNcclXml(text: string, name = 'topo.xml'): NcclXml {
  const st: State = { name, cpus: [], pci: [], cpuNets: [], diagnostics: [], stack: [], version: null, sawSystem: false };
  const fail = (message: string): NcclXml => {
    st.diagnostics.push({ severity: 'error', path: name, message });
    return { version: st.version, cpus: st.cpus, pci: st.pci, cpuNets: st.cpuNets, diagnostics: st.diagnostics };
  };
  if (text.length > MAX_NCCL_XML_CHARS) return fail(`input is ${text.length} characters, larger than the ${MAX_NCCL_XML_CHARS}-character limit for NCCL XML`);
  if (text.trim() === '') return fail('input is empty');
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  parser.on('doctype', () => {
    throw new Error('a DOCTYPE is refused (NCCL never writes one)');
  });
  parser.on('opentag', (tag) => openTag(st, tag.name, tag.attributes as Record<string, string>, parser.line));
  parser.on('closetag', () => void st.stack.pop());
  try {
    parser.write(text).close();
  } catch (e) {
    return fail(`not well-formed XML: ${(e as Error).message.replace(/^undefined:/, 'line ')}`);
  }
  if (!st.sawSystem) return fail('no <system> element: not an NCCL topology file');
  return { version: st.version, cpus: st.cpus, pci: st.pci, cpuNets: st.cpuNets, diagnostics: st.diagnostics };
}

function openTag(st: State, tag: string, a: Record<string, string>, line: number): void {
  if (st.stack.length >= MAX_DEPTH) throw new Error(`elements nested deeper than ${MAX_DEPTH}`);
  const top = st.stack[st.stack.length - 1];
  const entry: State['stack'][number] = { tag };
  if (tag === 'system') {
    st.sawSystem = true;
    st.version = str(a['version']);
  } else if (tag === 'cpu') st.cpus.push(readCpu(st, a, line));
  else if (tag === 'pci') entry.pci = openPci(st, a, line);
  else if (tag === 'gpu') entry.gpu = openGpu(st, a, line);
  else if (tag === 'nvlink' && top?.gpu) top.gpu.nvlinks.push({ target: (a['target'] ?? '').toLowerCase(), count: num(a['count']), tclass: str(a['tclass']) });
  else if (tag === 'net') addNet(st, a, line);
  else if (!KNOWN_TAGS.has(tag)) warn(st, line, `element <${tag}> is not part of NCCL's topology format; ignored`);
  st.stack.push(entry);
}

/** Elements NCCL writes that carry nothing topolens reads (or that only group others). */
const KNOWN_TAGS = new Set(['nic', 'nvlink', 'c2c', 'pcilink', 'xgmi', 'link', 'nvs', 'gin']);

function warn(st: State, line: number, message: string, address?: string): void {
  if (st.diagnostics.length < 1000) st.diagnostics.push({ severity: 'warning', path: `${st.name}:${line}`, ...(address ? { address } : {}), message });
}

function readCpu(st: State, a: Record<string, string>, line: number): NcclCpu {
  const numa = num(a['numaid']);
  const aff = str(a['affinity']);
  const cpus = aff === null ? null : parseCpuMask(aff);
  if (aff !== null && cpus === null) warn(st, line, `affinity "${aff}" is not a CPU mask; the node's CPUs stay unknown`);
  return {
    numaId: numa === null || numa < 0 ? null : numa,
    cpus,
    arch: str(a['arch']),
    vendor: str(a['vendor']),
    familyId: num(a['familyid']),
    modelId: num(a['modelid']),
    line,
  };
}

/** The innermost open element of `tag`, searching outwards. */
function enclosing(st: State, tag: string): State['stack'][number] | undefined {
  for (let i = st.stack.length - 1; i >= 0; i--) if (st.stack[i]!.tag === tag) return st.stack[i];
  return undefined;
}

function openPci(st: State, a: Record<string, string>, line: number): number | undefined {
  const busId = (a['busid'] ?? '').trim().toLowerCase();
  if (!/^[0-9a-f]{1,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/.test(busId)) {
    warn(st, line, `<pci busid="${busId}"> is not a PCI address; skipped (what it holds attaches to the element around it)`);
    return undefined;
  }
  const parentEl = enclosing(st, 'pci');
  const cpuIndex = st.cpus.length - 1;
  if (cpuIndex < 0 || !enclosing(st, 'cpu')) warn(st, line, `<pci busid="${busId}"> outside any <cpu>; its NUMA node is unknown`, busId);
  st.pci.push({
    busId,
    parent: parentEl?.pci !== undefined ? st.pci[parentEl.pci]!.busId : null,
    cpu: enclosing(st, 'cpu') ? cpuIndex : -1,
    classCode: str(a['class']),
    vendor: str(a['vendor']),
    device: str(a['device']),
    subsystemVendor: str(a['subsystem_vendor']),
    subsystemDevice: str(a['subsystem_device']),
    linkSpeed: str(a['link_speed']),
    linkWidth: num(a['link_width']),
    gpu: null,
    nets: [],
    line,
  });
  return st.pci.length - 1;
}

function openGpu(st: State, a: Record<string, string>, line: number): { nvlinks: NcclGpu['nvlinks'][number][] } {
  const nvlinks: NcclGpu['nvlinks'][number][] = [];
  const owner = enclosing(st, 'pci');
  if (owner?.pci === undefined) warn(st, line, '<gpu> outside a <pci> element: no bus id to attach it to');
  else st.pci[owner.pci]!.gpu = { dev: num(a['dev']), sm: num(a['sm']), rank: num(a['rank']), gdr: flag(a['gdr']), nvlinks };
  return { nvlinks };
}

function addNet(st: State, a: Record<string, string>, line: number): void {
  const name = str(a['name']);
  if (!name) {
    warn(st, line, '<net> without a name; skipped');
    return;
  }
  const net: NcclNet = { name, dev: num(a['dev']), speed: num(a['speed']), port: num(a['port']), guid: str(a['guid']), gdr: flag(a['gdr']), line };
  const owner = enclosing(st, 'pci');
  if (owner?.pci !== undefined) st.pci[owner.pci]!.nets.push(net);
  else if (enclosing(st, 'cpu')) st.cpuNets.push({ cpu: st.cpus.length - 1, net });
  else warn(st, line, `<net name="${name}"> outside any <cpu> or <pci>; skipped`);
}
