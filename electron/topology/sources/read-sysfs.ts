// Reads a Linux sysfs/procfs tree (live, a directory or an unpacked archive) into
// records (records.ts). It reads files and records what they say, with a diagnostic for
// each malformed value; names, port kinds from the tree's shape, locality and roles are
// left to build/ and annotate/.
import { posix } from 'node:path';
import type {
  AerCounters,
  CxlDecoder,
  CxlInfo,
  CxlMemdev,
  CxlPort,
  CxlRegion,
  Cpu,
  Diagnostic,
  HostBridge,
  HugepagePool,
  LinkInfo,
  NumaKind,
  NumaNode,
  OsDevice,
  OsDeviceKind,
  PortKind,
  SriovInfo,
} from '../model';
import { USERSPACE_DRIVERS } from '../drivers';
import { aerTotal, parseAerCounters } from '../parse/aer';
import { canonicalCpuList, formatCpuList, MAX_LIST_ID, parseCpuList, parseCpuMask } from '../parse/cpulist';
import { formatMidr, midrFromCpuinfo, parseMidrEl1 } from '../parse/midr';
import {
  formatLinkSpeed,
  HOST_BRIDGE_RE,
  parseConfigHeader,
  parseConfigLink,
  parsePciUevent,
  type ConfigLink,
  parseCpuinfo,
  parseDistances,
  parseHexId,
  parseIntValue,
  parseKeyValues,
  parseLinkSpeed,
  parseLinkWidth,
  parseNodeMemTotal,
  PCI_ADDRESS_RE,
} from '../parse/sysfs-values';
import type { MachineFacts, OsDeviceRecord, PciFunctionFacts, PciFunctionRecord, SourceRecords } from '../records';
import { compareNatural } from '../parse/natural-order';
import { linkBasename, MAX_ATTR_BYTES, MAX_PROC_BYTES, resolveLink, SMALL_ATTR_BYTES, type SysfsRoot } from './sysfs-root';


class Diags {
  readonly list: Diagnostic[] = [];
  warn(path: string, message: string, address?: string): void {
    this.list.push(address ? { severity: 'warning', path, address, message } : { severity: 'warning', path, message });
  }
  info(path: string, message: string, address?: string): void {
    this.list.push(address ? { severity: 'info', path, address, message } : { severity: 'info', path, message });
  }
}

/** "0000:3b:00.0" normalised: lowercase, domain at least 4 digits. */
export function normalizeAddress(a: string): string | null {
  const m = PCI_ADDRESS_RE.exec(a);
  if (!m) return null;
  return `${m[1]!.toLowerCase().padStart(4, '0')}:${m[2]!.toLowerCase()}:${m[3]!.toLowerCase()}.${m[4]}`;
}

interface RawDevice {
  address: string;
  dir: string; // canonical root-relative dir
  chain: string[]; // PCI addresses from the root bus down to this one (inclusive)
  hostBridge: string | null;
  behind: string | null; // PCI device a host bridge hangs below (VMD)
}

/** Where does a sysfs device path sit: its root complex and PCI ancestors. */
export function splitDevicePath(dir: string): { hostBridge: string | null; chain: string[]; behind: string | null } {
  const parts = dir.split('/');
  let hb: string | null = null;
  let chain: string[] = [];
  let behind: string | null = null;
  for (const p of parts) {
    if (HOST_BRIDGE_RE.test(p)) {
      // A nested root complex (Intel VMD: pci10000:00 below 0000:00:0e.0) restarts the chain.
      behind = chain.length > 0 ? chain[chain.length - 1]! : null;
      hb = p.toLowerCase();
      chain = [];
    } else {
      const a = normalizeAddress(p);
      if (a) chain.push(a);
    }
  }
  return { hostBridge: hb, chain, behind };
}

function readLinkInfo(root: SysfsRoot, dir: string, d: Diags, address: string): LinkInfo | null {
  const files = ['current_link_speed', 'current_link_width', 'max_link_speed', 'max_link_width'] as const;
  const raw = files.map((f) => root.readOptional(`${dir}/${f}`));
  if (raw.every((r) => r === null)) return null;
  const speeds = [parseLinkSpeed(raw[0]!), parseLinkSpeed(raw[2]!)];
  const widths = [parseLinkWidth(raw[1]!), parseLinkWidth(raw[3]!)];
  raw.forEach((r, i) => {
    const bad = r !== null && (i % 2 === 0 ? speeds[i / 2] === null : widths[(i - 1) / 2] === null);
    if (bad) d.warn(`${dir}/${files[i]}`, `unrecognised value "${r!.trim().slice(0, 40)}"`, address);
  });
  return toLinkInfo({ speed: speeds[0] ?? 0, width: widths[0] ?? 0, maxSpeed: speeds[1] ?? 0, maxWidth: widths[1] ?? 0 });
}

/**
 * The model's link from the four values, read from the sysfs files or decoded from
 * config space (parseConfigLink: four reads fewer per function); 0 is unknown.
 */
function toLinkInfo(l: ConfigLink): LinkInfo {
  return {
    speed: l.speed ? formatLinkSpeed(l.speed) : null,
    width: l.width ? l.width : null,
    maxSpeed: l.maxSpeed ? formatLinkSpeed(l.maxSpeed) : null,
    maxWidth: l.maxWidth ? l.maxWidth : null,
    downgraded: false, // decided in annotate/link (needs the upstream port)
  };
}

function pcieTypeToKind(t: number): PortKind | null {
  switch (t) {
    case 0: case 1: return 'endpoint';
    case 4: return 'root-port';
    case 5: return 'switch-upstream';
    case 6: return 'switch-downstream';
    case 7: case 8: return 'pci-bridge';
    case 9: return 'rc-endpoint';
    case 10: return 'rc-event-collector';
    default: return null;
  }
}

/** One `sys/bus/pci/devices` entry: its canonical folder and where that sits. */
function listedFunction(root: SysfsRoot, d: Diags, base: string, name: string): RawDevice | null {
  const address = normalizeAddress(name);
  if (!address) {
    d.warn(`${base}/${name}`, 'not a PCI address; ignored');
    return null;
  }
  const dir = resolveLink(root, `${base}/${name}`);
  if (dir === null) {
    d.warn(`${base}/${name}`, 'link points outside the capture; ignored', address);
    return null;
  }
  const where = splitDevicePath(dir);
  if (where.chain[where.chain.length - 1] !== address) {
    // Some captures store devices as plain directories: fall back to a flat device.
    d.warn(`${base}/${name}`, `device path "${dir}" does not end in its address; parent unknown`, address);
    return { address, dir, chain: [address], hostBridge: where.hostBridge, behind: where.behind };
  }
  return { address, dir, chain: where.chain, hostBridge: where.hostBridge, behind: where.behind };
}

/** Every listed function once, in name order. */
function listFunctions(root: SysfsRoot, d: Diags, base: string): RawDevice[] {
  const raws: RawDevice[] = [];
  const seen = new Set<string>();
  for (const name of root.list(base).sort()) {
    const a = normalizeAddress(name);
    if (a && seen.has(a)) {
      d.warn(`${base}/${name}`, 'duplicate PCI address; ignored', a);
      continue;
    }
    const r = listedFunction(root, d, base, name);
    if (!r) continue;
    raws.push(r);
    seen.add(r.address);
  }
  return raws;
}

/** Slots: slots/N/address holds "dddd:bb:dd" (all functions of that device). */
function readSlots(root: SysfsRoot): Map<string, string> {
  const slots = new Map<string, string>();
  for (const s of root.list('sys/bus/pci/slots')) {
    const a = root.readOptional(`sys/bus/pci/slots/${s}/address`)?.trim();
    if (a) slots.set(a.toLowerCase(), s);
  }
  return slots;
}

/** Reads one function's attribute files, with a diagnostic for each malformed value. */
class FunctionReader {
  constructor(
    readonly root: SysfsRoot,
    readonly d: Diags,
    readonly dir: string,
    readonly address: string,
  ) {}

  // Single values (ids, numa_node, uevent, driver_override, sriov counts, label) are a
  // few bytes; 4 KiB is the smallest page a sysfs attribute may fill. Only the CPU
  // mask and list grow with the machine, and get the full allowance.
  rd(f: string, max = SMALL_ATTR_BYTES): string | null {
    return this.root.readOptional(`${this.dir}/${f}`, max);
  }

  id(f: string, digits = 4): string | null {
    const raw = this.rd(f);
    const v = parseHexId(raw, digits);
    if (raw !== null && v === null) this.bad(f, raw);
    return v;
  }

  bad(f: string, raw: string, what = 'value'): void {
    this.d.warn(`${this.dir}/${f}`, `unrecognised ${what} "${raw.trim().slice(0, 40)}"`, this.address);
  }
}

interface FunctionIdentity {
  vendorId: string;
  deviceId: string;
  classCode: string;
  subsystemVendorId: string | null;
  subsystemDeviceId: string | null;
  revision: string | null;
  driverFromUevent: string | null | undefined;
}

/**
 * vendor, device and class come from uevent, else their files (the kernel's quirks may
 * have corrected them, and lspci reads them too); revision and a type-0 header's
 * subsystem ids from the first 64 bytes of config space, as hwloc does — three fewer
 * files per function. Without config space, the files.
 */
function readIdentity(f: FunctionReader, cfgBytes: Uint8Array | null): FunctionIdentity {
  const head = cfgBytes && cfgBytes.length >= 64 ? cfgBytes : null;
  const hex = (lo: number, digits: number) => {
    const v = digits === 2 ? head![lo]! : head![lo]! | (head![lo + 1]! << 8);
    return `0x${v.toString(16).padStart(digits, '0')}`;
  };
  // uevent carries vendor, device, class and the bound driver in one read (the same
  // struct pci_dev fields the separate files print); the files answer when a capture
  // has no uevent or a line of it is missing or malformed.
  const ue = parsePciUevent(f.rd('uevent'));
  const vendorId = ue?.vendorId ?? f.id('vendor') ?? '0xffff';
  if (vendorId === '0xffff' && !ue?.vendorId && !f.root.exists(`${f.dir}/vendor`)) f.d.warn(`${f.dir}/vendor`, 'missing vendor file', f.address);
  const type0 = head !== null && (head[0x0e]! & 0x7f) === 0;
  return {
    vendorId,
    deviceId: ue?.deviceId ?? f.id('device') ?? '0xffff',
    classCode: ue?.classCode ?? f.id('class', 6) ?? '0x000000',
    subsystemVendorId: type0 ? hex(0x2c, 4) : f.id('subsystem_vendor'),
    subsystemDeviceId: type0 ? hex(0x2e, 4) : f.id('subsystem_device'),
    revision: head ? hex(0x08, 2) : f.id('revision', 2),
    driverFromUevent: ue ? ue.driver : undefined,
  };
}

/** numa_node (-1 is unknown) and the local CPUs (mask first, as the kernel derives the list from it). */
function readFunctionLocality(f: FunctionReader): { numaNode: number | null; localCpus: string | null } {
  const numaRaw = f.rd('numa_node');
  let numaNode = parseIntValue(numaRaw);
  if (numaRaw !== null && numaNode === null) f.bad('numa_node', numaRaw);
  if (numaNode !== null && (numaNode < 0 || numaNode > 65535)) {
    if (numaNode !== -1) f.d.warn(`${f.dir}/numa_node`, `impossible NUMA node ${numaNode}`, f.address);
    numaNode = null;
  }
  // local_cpus (the mask) is what the kernel derives local_cpulist from, and what
  // hwloc reads; local_cpulist only stands in when the mask is missing or garbled.
  const maskRaw = f.rd('local_cpus', MAX_ATTR_BYTES);
  const fromMask = maskRaw === null ? null : parseCpuMask(maskRaw);
  if (maskRaw !== null && fromMask === null) f.bad('local_cpus', maskRaw, 'CPU mask');
  let localCpus: string | null;
  if (fromMask !== null) localCpus = formatCpuList(fromMask);
  else {
    const cpuRaw = f.rd('local_cpulist', MAX_ATTR_BYTES);
    localCpus = cpuRaw === null ? null : canonicalCpuList(cpuRaw);
    if (cpuRaw !== null && localCpus === null) f.bad('local_cpulist', cpuRaw, 'CPU list');
  }
  return { numaNode, localCpus: localCpus === '' ? null : localCpus };
}

/** sriov_totalvfs / sriov_numvfs / virtfnN links (PF), physfn (VF); null for neither. */
function readSriov(f: FunctionReader): SriovInfo | null {
  const { root, dir } = f;
  const count = (v: number | null) => (v !== null && v >= 0 ? v : null);
  const totalVfs = count(parseIntValue(f.rd('sriov_totalvfs')));
  const numVfs = count(parseIntValue(f.rd('sriov_numvfs')));
  const physfnDir = root.readLink(`${dir}/physfn`);
  const physfn = physfnDir ? normalizeAddress(posix.basename(physfnDir.replace(/\/+$/, ''))) : null;
  const vfs: Array<[number, string]> = [];
  if (totalVfs !== null || numVfs !== null) {
    for (const e of root.list(dir)) {
      const m = /^virtfn(\d+)$/.exec(e);
      if (!m) continue;
      const t = root.readLink(`${dir}/${e}`);
      const a = t ? normalizeAddress(posix.basename(t.replace(/\/+$/, ''))) : null;
      if (a) vfs.push([Number(m[1]), a]);
    }
    vfs.sort((x, y) => x[0] - y[0]);
  }
  return totalVfs !== null || numVfs !== null || physfn !== null ? { totalVfs, numVfs, physfn, vfs: vfs.map((v) => v[1]) } : null;
}

/**
 * The port kind the function's own data shows: the PCIe capability's type, else
 * 'pci-bridge' for a bridge (the builder refines it from the tree's shape, and marks host
 * bridge functions).
 */
function portKindOf(classCode: string, cfg: ReturnType<typeof parseConfigHeader>): { portKind: PortKind; fromConfig: boolean } {
  const cls = parseInt(classCode.slice(2, 6), 16);
  const fromConfig = cfg?.pcieType != null;
  let portKind: PortKind = fromConfig ? (pcieTypeToKind(cfg.pcieType!) ?? 'endpoint') : 'endpoint';
  if (!fromConfig && (cls === 0x0604 || cls === 0x0609 || cfg?.isBridge)) portKind = 'pci-bridge';
  return { portKind, fromConfig };
}

/** The bound driver, and driver_override when it matters. */
function readDriver(f: FunctionReader, fromUevent: string | null | undefined): { driver: string | null; driverOverride: string | null } {
  const driver = fromUevent !== undefined ? fromUevent : linkBasename(f.root, `${f.dir}/driver`);
  // driver_override only matters while nothing is bound, or when a userspace driver is
  // (that is how dpdk-devbind and spdk setup.sh bind): skip the read otherwise.
  const wantOverride = driver === null || USERSPACE_DRIVERS.has(driver);
  const ovRaw = wantOverride ? (f.rd('driver_override')?.trim() ?? null) : null;
  return { driver, driverOverride: ovRaw && ovRaw !== '(null)' ? ovRaw : null };
}

/** One function's record: every attribute file read, nothing looked up. */
/**
 * AER counters (only functions with the AER capability have the files: one failed open
 * for the others, as aer_dev_correctable answers for all three).
 */
function readAer(f: FunctionReader): AerCounters | null {
  const files = ['aer_dev_correctable', 'aer_dev_nonfatal', 'aer_dev_fatal'] as const;
  const first = f.rd(files[0]);
  if (first === null) return null;
  const parsed = files.map((name, i) => {
    const raw = i === 0 ? first : f.rd(name);
    const c = parseAerCounters(raw);
    if (raw !== null && c === null) f.bad(name, raw, 'AER counters');
    return [name, c] as const;
  });
  const nonZero: Record<string, Record<string, number>> = {};
  for (const [name, c] of parsed) {
    const nz = Object.entries(c ?? {}).filter(([, v]) => v > 0);
    if (nz.length) nonZero[name] = Object.fromEntries(nz);
  }
  return {
    correctable: aerTotal(parsed[0]![1]),
    nonfatal: aerTotal(parsed[1]![1]),
    fatal: aerTotal(parsed[2]![1]),
    ...(Object.keys(nonZero).length ? { nonZero } : {}),
  };
}

/**
 * The nearest ancestor in a function's real path that `bus/pci/devices` lists, and the
 * bridges skipped to reach it. A partial capture (a bridge's folder left out) thus keeps
 * its function under the closest bridge that is there, as hwloc does, instead of at the
 * top of the root complex.
 */
function nearestListedAncestor(chain: readonly string[], present: ReadonlySet<string>): { parent: string | null; missing: string[] } {
  const missing: string[] = [];
  for (let i = chain.length - 2; i >= 0; i--) {
    if (present.has(chain[i]!)) return { parent: chain[i]!, missing };
    missing.push(chain[i]!);
  }
  return { parent: null, missing };
}

function readFunction(root: SysfsRoot, d: Diags, r: RawDevice, slots: ReadonlyMap<string, string>, up: { parent: string | null; missing: string[] }): PciFunctionRecord {
  const { address, dir } = r;
  const f = new FunctionReader(root, d, dir, address);
  const cfgBytes = root.readBytes(`${dir}/config`, 4096);
  const cfg = parseConfigHeader(cfgBytes);
  const configLink = parseConfigLink(cfgBytes, cfg);
  const ids = readIdentity(f, cfgBytes);
  const { numaNode, localCpus } = readFunctionLocality(f);
  const { driver, driverOverride } = readDriver(f, ids.driverFromUevent);
  const groupName = linkBasename(root, `${dir}/iommu_group`);
  const sriov = readSriov(f);
  const { portKind, fromConfig } = portKindOf(ids.classCode, cfg);
  const parent = up.parent;
  if (up.missing.length) {
    const what = up.missing.length > 1 ? `bridges ${up.missing.join(', ')} are` : `bridge ${up.missing[0]} is`;
    d.warn(`${dir}`, `parent ${what} not listed in sys/bus/pci/devices: shown below ${parent ?? 'its root complex'}, the nearest listed ancestor`, address);
  }
  const slotKey = address.slice(0, address.lastIndexOf('.'));
  const label = f.rd('label')?.trim() || null;
  const aer = readAer(f);
  const fn: PciFunctionFacts = {
    address,
    parent,
    hostBridge: r.hostBridge,
    numaNode,
    localCpus,
    localityRule: numaNode !== null ? 'numa_node' : 'unknown',
    classCode: ids.classCode,
    className: null,
    vendorId: ids.vendorId,
    deviceId: ids.deviceId,
    subsystemVendorId: ids.subsystemVendorId,
    subsystemDeviceId: ids.subsystemDeviceId,
    revision: ids.revision,
    vendorName: null,
    deviceName: null,
    driver,
    driverOverride,
    iommuGroup: groupName !== null && /^\d+$/.test(groupName) ? Number(groupName) : null,
    link: configLink ? toLinkInfo(configLink) : readLinkInfo(root, dir, d, address),
    sriov,
    osDevices: [],
    portKind,
    secondaryBus: cfg?.secondaryBus ?? null,
    subordinateBus: cfg?.subordinateBus ?? null,
    slot: slots.get(slotKey) ?? label,
    roles: [],
    roleReasons: [],
    portKindSource: fromConfig ? 'config' : 'shape',
    ...(aer ? { aer } : {}),
  };
  return { fn, from: dir };
}

function readPci(root: SysfsRoot, d: Diags): { functions: PciFunctionRecord[]; hostBridges: HostBridge[] } {
  const base = 'sys/bus/pci/devices';
  const raws = listFunctions(root, d, base);
  const slots = readSlots(root);
  const present = new Set(raws.map((r) => r.address));
  const functions: PciFunctionRecord[] = [];
  const hbDevices = new Map<string, { behind: string | null }>();
  for (const r of raws) {
    functions.push(readFunction(root, d, r, slots, nearestListedAncestor(r.chain, present)));
    if (r.hostBridge && !hbDevices.has(r.hostBridge)) hbDevices.set(r.hostBridge, { behind: r.behind });
  }
  const hostBridges: HostBridge[] = [...hbDevices].map(([id, v]) => {
    const m = HOST_BRIDGE_RE.exec(id)!;
    return { id, domain: m[1]!.padStart(4, '0'), bus: m[2]!, numaNode: null, localCpus: null, behind: v.behind };
  });
  return { functions, hostBridges };
}

/** Which PCI function owns a class device: the deepest PCI address in its real path. */
function owningFunction(dir: string): string | null {
  const parts = dir.split('/');
  for (let i = parts.length - 1; i >= 0; i -= 1) {
    const a = normalizeAddress(parts[i]!);
    if (a) return a;
  }
  return null;
}

/** OS device records by function, each (name, kind) once per function. */
class OsDeviceList {
  readonly byAddress = new Map<string, OsDeviceRecord[]>();
  add(address: string, device: OsDevice, from: string): void {
    const list = this.byAddress.get(address);
    const rec = { address, device, from };
    if (!list) this.byAddress.set(address, [rec]);
    else if (!list.some((x) => x.device.name === device.name && x.device.kind === device.kind)) list.push(rec);
  }
}

const OS_DEVICE_CLASSES: ReadonlyArray<readonly [string, OsDeviceKind]> = [
  ['net', 'net'],
  ['nvme', 'nvme'],
  ['block', 'block'],
  ['infiniband', 'rdma'],
  ['drm', 'gpu'],
  ['dma', 'dma'],
  ['dax', 'dax'],
  // Co-processors: Intel Xeon Phi (mic, hwloc 1.x), NEC SX-Aurora Vector Engine (ve, hwloc 2.x).
  ['mic', 'coproc'],
  ['ve', 'coproc'],
];

/** What a class device's own files say: MAC/state/speed, sizes, NVMe model, RDMA ports, DAX target node. */
function classDeviceAttrs(root: SysfsRoot, dir: string, kind: OsDeviceKind): Record<string, string> {
  const attrs: Record<string, string> = {};
  const read = (f: string) => root.readOptional(`${dir}/${f}`)?.trim() || null;
  if (kind === 'net') {
    const mac = read('address');
    if (mac) attrs['address'] = mac;
    const st = read('operstate');
    if (st) attrs['operstate'] = st;
    const sp = read('speed');
    if (sp && /^\d+$/.test(sp)) attrs['speedMbps'] = sp;
  } else if (kind === 'block' || kind === 'dax') {
    const sz = read('size');
    if (sz && /^\d+$/.test(sz)) attrs['sizeBytes'] = kind === 'block' ? String(Number(sz) * 512) : sz;
  } else if (kind === 'nvme') {
    for (const f of ['model', 'serial', 'firmware_rev', 'transport']) {
      const v = read(f);
      if (v && f !== 'serial') attrs[f] = v;
    }
  } else if (kind === 'rdma') {
    const ports = root.list(`${dir}/ports`).filter((p) => /^\d+$/.test(p)).sort((a, b) => Number(a) - Number(b));
    for (const p of ports) {
      const state = read(`ports/${p}/state`);
      const ll = read(`ports/${p}/link_layer`);
      const rate = read(`ports/${p}/rate`);
      if (state) attrs[`port${p}.state`] = state.replace(/^\d+:\s*/, '');
      if (ll) attrs[`port${p}.linkLayer`] = ll;
      if (rate) attrs[`port${p}.rate`] = rate;
    }
  }
  if (kind === 'dax') {
    const tn = read('target_node');
    if (tn && /^-?\d+$/.test(tn)) attrs['targetNode'] = tn;
  }
  return attrs;
}

/**
 * NVMe multipath: the per-controller path nvme<S>c<C>n<N> is hidden; the block device
 * people use is the subsystem's head nvme<S>n<N> (drivers/nvme/host/multipath.c). null
 * when `name` is no such path or the head is missing.
 */
function multipathHead(root: SysfsRoot, name: string): OsDevice | null {
  const mp = /^nvme(\d+)c\d+n(\d+)$/.exec(name);
  if (!mp) return null;
  const head = `nvme${mp[1]}n${mp[2]}`;
  const headDir = resolveLink(root, `sys/class/block/${head}`);
  if (!headDir) return null;
  const sz = root.readOptional(`${headDir}/size`)?.trim();
  const attrs: Record<string, string> = { path: name, multipath: 'native NVMe multipath head' };
  if (sz && /^\d+$/.test(sz)) attrs['sizeBytes'] = String(Number(sz) * 512);
  return { name: head, kind: 'block', attrs };
}

/** Software RDMA (rxe, siw) has no PCI function: it goes to its netdev's function. */
function attachSoftRdma(root: SysfsRoot, d: Diags, pending: ReadonlyArray<{ name: string; dir: string }>, netOwner: ReadonlyMap<string, string>, out: OsDeviceList): void {
  for (const { name, dir } of pending) {
    const read = (f: string) => root.readOptional(`${dir}/${f}`)?.trim() || null;
    const netdev = read('parent') ?? read('ports/1/gid_attrs/ndevs/0') ?? read('ports/1/gid_attrs/ndevs/1');
    const owner = netdev ? netOwner.get(netdev) : undefined;
    if (!owner) {
      if (netdev) d.info(`sys/class/infiniband/${name}`, `RDMA device on netdev ${netdev}, which has no PCI function here`);
      continue;
    }
    const attrs: Record<string, string> = {};
    const ll = read('ports/1/link_layer');
    const st = read('ports/1/state');
    if (st) attrs['port1.state'] = st.replace(/^\d+:\s*/, '');
    if (ll) attrs['port1.linkLayer'] = ll;
    attrs['software'] = /^rxe/.test(name) ? 'rdma_rxe (Soft-RoCE)' : /^siw/.test(name) ? 'siw (Soft-iWARP)' : 'software RDMA';
    out.add(owner, { name, kind: 'rdma', attrs, via: netdev! }, `sys/class/infiniband/${name}`);
  }
}

/** Class devices (net, nvme, block, infiniband, drm, dma, dax) of the PCI functions read. */
function readOsDevices(root: SysfsRoot, d: Diags, pciAddrs: Set<string>): OsDeviceRecord[] {
  const out = new OsDeviceList();
  const netOwner = new Map<string, string>();
  const pendingRdma: Array<{ name: string; dir: string }> = [];
  for (const [cls, kind] of OS_DEVICE_CLASSES) {
    for (const name of root.list(`sys/class/${cls}`)) {
      const link = `sys/class/${cls}/${name}`;
      const dir = resolveLink(root, link);
      if (dir === null) {
        d.warn(link, 'link points outside the capture; ignored');
        continue;
      }
      if (cls === 'block' && root.exists(`${dir}/partition`)) continue;
      if (cls === 'drm' && name.includes('-')) continue; // connectors (card0-HDMI-A-1) are not devices
      const owner = owningFunction(dir);
      const onPci = owner !== null && pciAddrs.has(owner);
      // Software RDMA (rxe, siw) is matched to its netdev's function below.
      if (kind === 'rdma' && !onPci) {
        pendingRdma.push({ name, dir });
        continue;
      }
      // Virtual and platform devices (lo, veth, bridges, loop, ...): nothing to read.
      if (!onPci) continue;
      const attrs = classDeviceAttrs(root, dir, kind);
      const head = kind === 'block' ? multipathHead(root, name) : null;
      if (head) {
        out.add(owner, head, link);
        continue;
      }
      out.add(owner, Object.keys(attrs).length ? { name, kind, attrs } : { name, kind }, link);
      if (kind === 'net') netOwner.set(name, owner);
    }
  }
  attachSoftRdma(root, d, pendingRdma, netOwner, out);
  return [...out.byAddress.values()].flat();
}

/** `nodeN/hugepages/hugepages-<size>kB/{nr,free}_hugepages`; null when the folder is absent. */
function readNodeHugepages(root: SysfsRoot, d: Diags, dir: string): HugepagePool[] | null {
  const base = `${dir}/hugepages`;
  const pools = root.list(base).map((n) => /^hugepages-(\d{1,10})kB$/.exec(n)).filter((m): m is RegExpExecArray => m !== null);
  if (!pools.length) return null;
  const count = (p: string) => {
    const raw = root.readOptional(p);
    const v = parseIntValue(raw);
    if (raw !== null && (v === null || v < 0)) d.warn(p, `unrecognised page count "${raw.trim().slice(0, 40)}"`);
    return v !== null && v >= 0 ? v : null;
  };
  return pools
    .map((m) => ({ sizeKb: Number(m[1]), total: count(`${base}/${m[0]}/nr_hugepages`), free: count(`${base}/${m[0]}/free_hugepages`) }))
    .sort((a, b) => a.sizeKb - b.sizeKb);
}

function readNuma(root: SysfsRoot, d: Diags): NumaNode[] {
  const base = 'sys/devices/system/node';
  const ids = root
    .list(base)
    .map((n) => /^node(\d{1,5})$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .filter((id) => id <= 65535) // absurd names in a hostile capture are not nodes
    .sort((a, b) => a - b);
  const nodes: NumaNode[] = [];
  for (const id of ids) {
    const dir = `${base}/node${id}`;
    const cpuRaw = root.readOptional(`${dir}/cpulist`);
    let cpus = cpuRaw === null ? null : canonicalCpuList(cpuRaw);
    if (cpuRaw !== null && cpus === null) d.warn(`${dir}/cpulist`, `unrecognised CPU list "${cpuRaw.trim().slice(0, 40)}"`);
    if (cpus === null) {
      // Old kernels: cpuN links inside the node directory.
      const viaLinks = root.list(dir).map((n) => /^cpu(\d{1,7})$/.exec(n)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1])).filter((c) => c <= MAX_LIST_ID);
      cpus = formatCpuList(viaLinks);
    }
    const memRaw = root.readOptional(`${dir}/meminfo`);
    const memoryBytes = parseNodeMemTotal(memRaw);
    if (memRaw !== null && memoryBytes === null) d.warn(`${dir}/meminfo`, 'no MemTotal line');
    const distRaw = root.readOptional(`${dir}/distance`);
    const distances = parseDistances(distRaw);
    if (distRaw !== null && distances === null) d.warn(`${dir}/distance`, `unrecognised distances "${distRaw.trim().slice(0, 40)}"`);
    const kind: NumaKind = cpus === '' ? 'cpuless' : 'dram';
    const hugepages = readNodeHugepages(root, d, dir);
    nodes.push({ id, cpus, memoryBytes, distances: distances ?? [], kind, kindReason: cpus === '' ? 'no CPUs in cpulist' : 'has CPUs', ...(hugepages ? { hugepages } : {}) });
  }
  for (const n of nodes) {
    if (n.distances.length !== 0 && n.distances.length !== nodes.length) {
      d.warn(`${base}/node${n.id}/distance`, `${n.distances.length} distances for ${nodes.length} nodes`);
    }
  }
  return nodes;
}

function readCpus(root: SysfsRoot, d: Diags, nodes: NumaNode[]): { cpus: Cpu[]; arm: boolean; cpuinfo: Array<Record<string, string>> } {
  const base = 'sys/devices/system/cpu';
  const ids = root
    .list(base)
    .map((n) => /^cpu(\d{1,7})$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .filter((c) => c <= MAX_LIST_ID) // absurd names in a hostile capture are not CPUs
    .sort((a, b) => a - b);
  const nodeOf = new Map<number, number>();
  for (const n of nodes) for (const c of parseCpuList(n.cpus) ?? []) nodeOf.set(c, n.id);
  const cpuinfo = parseCpuinfo(root.readOptional('proc/cpuinfo', MAX_PROC_BYTES));
  const infoById = new Map<number, Record<string, string>>();
  for (const rec of cpuinfo) {
    const p = rec['processor'];
    if (p !== undefined && /^\d{1,7}$/.test(p) && Number(p) <= MAX_LIST_ID) infoById.set(Number(p), rec);
  }
  const arm = cpuinfo.some((r) => 'cpu implementer' in r);
  const num = (p: string) => {
    const raw = root.readOptional(p);
    const v = parseIntValue(raw);
    if (raw !== null && v === null) d.warn(p, `unrecognised value "${raw.trim().slice(0, 40)}"`);
    return v;
  };
  const cpus: Cpu[] = [];
  // CPUs listed by cpuinfo but absent from sysfs (old captures) still count.
  const all = new Set<number>([...ids, ...infoById.keys()]);
  for (const id of [...all].sort((a, b) => a - b)) {
    const dir = `${base}/cpu${id}`;
    let node = nodeOf.get(id) ?? null;
    if (node === null) {
      const link = root.list(dir).find((n) => /^node\d{1,5}$/.test(n) && Number(n.slice(4)) <= 65535);
      if (link) node = Number(link.slice(4));
    }
    const pkg = num(`${dir}/topology/physical_package_id`);
    const info = infoById.get(id);
    let midr: number | null = parseMidrEl1(root.readOptional(`${dir}/regs/identification/midr_el1`));
    if (midr === null && info) midr = midrFromCpuinfo(info);
    const cpu: Cpu = {
      id,
      node,
      package: pkg !== null && pkg >= 0 ? pkg : info?.['physical id'] !== undefined ? Number(info['physical id']) : null,
      core: num(`${dir}/topology/core_id`) ?? (info?.['core id'] !== undefined ? Number(info['core id']) : null),
    };
    const cluster = root.readOptional(`${dir}/topology/cluster_id`);
    if (cluster !== null) (cpu as { cluster?: number | null }).cluster = parseIntValue(cluster);
    // The vendor and core name of a MIDR are the builder's (build/cpus.ts).
    if (midr !== null) Object.assign(cpu, { midr: formatMidr(midr) });
    else if (info?.['vendor_id']) {
      Object.assign(cpu, { vendor: info['vendor_id'] });
    }
    cpus.push(cpu);
  }
  return { cpus, arm, cpuinfo };
}

const archFromUname: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i686', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loongarch64' };

function guessArch(cpuinfo: Array<Record<string, string>>): { arch: string; source: string } | null {
  const first = cpuinfo[0];
  if (!first) return null;
  if (cpuinfo.some((r) => 'cpu implementer' in r)) return { arch: 'aarch64', source: '/proc/cpuinfo has "CPU implementer" (Arm MIDR fields)' };
  if ('vendor_id' in first && 'flags' in first) {
    const lm = /\blm\b/.test(first['flags'] ?? '');
    return { arch: lm ? 'x86_64' : 'i686', source: `/proc/cpuinfo vendor_id ${first['vendor_id']}${lm ? ' with the lm (long mode) flag' : ''}` };
  }
  if ('vendor_id' in first) return { arch: 'x86_64', source: `/proc/cpuinfo vendor_id ${first['vendor_id']}` };
  const c = first['cpu'] ?? '';
  if (/^POWER/i.test(c)) return { arch: 'ppc64le', source: '/proc/cpuinfo "cpu: POWER"' };
  if ('isa' in first && /^rv64/.test(first['isa']!)) return { arch: 'riscv64', source: '/proc/cpuinfo isa rv64' };
  if (cpuinfo.some((r) => 'vendor_id' in r && /IBM\/S390/.test(r['vendor_id']!))) return { arch: 's390x', source: '/proc/cpuinfo IBM/S390' };
  return null;
}

interface DaxDevice {
  readonly name: string;
  readonly dir: string;
  /** target_node: the NUMA node its memory became; null when none. */
  readonly node: number | null;
  readonly driver: string | null;
}

/** `/sys/bus/dax/devices`, read once for the CXL regions and the pmem nodes. */
function readDax(root: SysfsRoot): DaxDevice[] {
  const out: DaxDevice[] = [];
  for (const name of root.list('sys/bus/dax/devices')) {
    const dir = resolveLink(root, `sys/bus/dax/devices/${name}`);
    if (!dir) continue;
    const tn = parseIntValue(root.readOptional(`${dir}/target_node`));
    out.push({ name, dir, node: tn !== null && tn >= 0 ? tn : null, driver: linkBasename(root, `${dir}/driver`) });
  }
  return out;
}

/** A libnvdimm region (persistent CXL memory) and the memdevs behind it. */
interface NdRegion {
  readonly dir: string;
  readonly memdevs: string[];
  readonly bridge: string | null;
}

/**
 * libnvdimm regions: their mappingN files name the nvdimms (nmemX) behind them; a CXL
 * nvdimm's cxl/provider names the cxl_nvdimm below its memdev (.../memN/pmemM).
 */
function readNdRegions(root: SysfsRoot, base: string, names: readonly string[]): NdRegion[] {
  // memdev serial numbers (decimal) → memdev, for nvdimms that only carry the serial.
  const serialToMem = new Map<string, string>();
  for (const n of names) {
    if (!/^mem\d+$/.test(n)) continue;
    const sr = root.readOptional(`${base}/${n}/serial`)?.trim();
    if (sr && /^(0x[0-9a-f]+|\d+)$/i.test(sr)) serialToMem.set(BigInt(sr).toString(), n);
  }
  const out: NdRegion[] = [];
  for (const nd of root.list('sys/bus/nd/devices')) {
    if (!/^region\d+$/.test(nd)) continue;
    const dir = resolveLink(root, `sys/bus/nd/devices/${nd}`);
    if (!dir) continue;
    const mems = new Set<string>();
    for (let i = 0; i < 64; i += 1) {
      const m = root.readOptional(`${dir}/mapping${i}`);
      if (m === null) break;
      const mem = nvdimmMemdev(root, m.trim().split(',')[0] ?? '', serialToMem);
      if (mem) mems.add(mem);
    }
    out.push({ dir, memdevs: [...mems].sort(), bridge: dir.split('/').find((p) => /^nvdimm-bridge\d+$/.test(p)) ?? null });
  }
  return out;
}

/**
 * The memdev behind an nvdimm: its cxl/provider (6.3+) names its cxl_nvdimm (pmemN) below
 * the memdev; older kernels only give cxl/id, the memdev's serial number.
 */
function nvdimmMemdev(root: SysfsRoot, nmem: string, serialToMem: ReadonlyMap<string, string>): string | undefined {
  const nmemDir = /^nmem\d+$/.test(nmem) ? resolveLink(root, `sys/bus/nd/devices/${nmem}`) : null;
  const provider = nmemDir ? root.readOptional(`${nmemDir}/cxl/provider`)?.trim() : undefined;
  const provDir = provider && /^pmem\d+$/.test(provider) ? resolveLink(root, `sys/bus/cxl/devices/${provider}`) : null;
  let mem = provDir?.split('/').find((p) => /^mem\d+$/.test(p));
  const serial = !mem && nmemDir ? root.readOptional(`${nmemDir}/cxl/id`)?.trim() : undefined;
  if (serial && /^-?\d{1,20}$/.test(serial)) mem = serialToMem.get(BigInt.asUintN(64, BigInt(serial)).toString());
  return mem;
}

interface CxlLists {
  readonly memdevs: CxlMemdev[];
  readonly regions: CxlRegion[];
  readonly ports: CxlPort[];
  readonly decoders: CxlDecoder[];
  readonly regionDirs: Map<string, string>;
}

/** One `sys/bus/cxl/devices` entry: a memdev, region, port or decoder, into `out`. */
function readCxlDevice(root: SysfsRoot, d: Diags, name: string, dir: string, daxUnder: (dir: string) => DaxDevice[], out: CxlLists): void {
  const rd = (f: string) => root.readOptional(`${dir}/${f}`)?.trim() ?? null;
  const size = (f: string) => {
    const v = rd(f);
    if (v === null) return null;
    const n = /^0x[0-9a-f]+$/i.test(v) ? Number(BigInt(v)) : /^\d+$/.test(v) ? Number(v) : null;
    if (n === null) d.warn(`${dir}/${f}`, `unrecognised size "${v.slice(0, 40)}"`, name);
    return n;
  };
  const portAbove = (parts: readonly string[]) => parts.slice(0, -1).reverse().find((p) => /^(root|port|endpoint)\d+$/.test(p)) ?? null;
  if (/^mem\d+$/.test(name)) {
    const nn = parseIntValue(rd('numa_node'));
    out.memdevs.push({ name, pciAddress: owningFunction(dir), ramBytes: size('ram/size'), pmemBytes: size('pmem/size'), numaNode: nn !== null && nn >= 0 ? nn : null, serial: rd('serial') });
  } else if (/^region\d+$/.test(name)) {
    const targets: string[] = [];
    for (let i = 0; i < 16; i += 1) {
      const t = rd(`target${i}`);
      if (t === null) break;
      if (t !== '') targets.push(t);
    }
    const dax = daxUnder(dir);
    out.regionDirs.set(name, dir);
    out.regions.push({ name, sizeBytes: size('size'), mode: rd('mode'), targets, numaNode: dax.find((x) => x.node !== null)?.node ?? null, daxDevices: dax.map((x) => x.name) });
  } else if (/^(root|port|endpoint)\d+$/.test(name)) {
    const kind = name.startsWith('root') ? 'root' : name.startsWith('port') ? 'port' : 'endpoint';
    const parts = dir.split('/');
    const up = root.readLink(`${dir}/uport`);
    const memdev = parts.find((p) => /^mem\d+$/.test(p)) ?? null;
    out.ports.push({ name, kind, parent: portAbove(parts), uport: up ? posix.basename(up) : memdev });
  } else if (/^decoder\d+\.\d+$/.test(name)) {
    const iwRaw = parseIntValue(rd('interleave_ways'));
    const iw = iwRaw !== null && iwRaw >= 0 ? iwRaw : null;
    out.decoders.push({ name, port: portAbove(dir.split('/')) ?? '', start: rd('start'), sizeBytes: size('size'), interleaveWays: iw, region: rd('region') || null });
  }
}

/**
 * Which memdevs back each region (its target decoders sit on endpoint ports of memdevs),
 * and, for persistent regions without DAX devices of their own, the libnvdimm region
 * over the same memdevs that gives them a NUMA node.
 */
function linkRegions(root: SysfsRoot, lists: CxlLists, ndRegions: readonly NdRegion[], daxUnder: (dir: string) => DaxDevice[]): void {
  const { regions, decoders, ports, regionDirs } = lists;
  const portOf = new Map(decoders.map((x) => [x.name, x.port] as const));
  const memOfPort = new Map(ports.filter((p) => p.uport && /^mem\d+$/.test(p.uport)).map((p) => [p.name, p.uport!] as const));
  for (let i = 0; i < regions.length; i += 1) {
    const r = regions[i]!;
    const mems = [...new Set(r.targets.map((t) => memOfPort.get(portOf.get(t) ?? '')).filter((m): m is string => !!m))];
    let { numaNode, daxDevices } = r;
    if (daxDevices.length === 0 && mems.length > 0) {
      let nd = ndRegions.find((x) => x.memdevs.length === mems.length && x.memdevs.every((m, j) => m === [...mems].sort()[j]));
      // No provider or serial to go by: the only libnvdimm region on a CXL nvdimm bridge,
      // when this is the only persistent CXL region, is this region's.
      const pmemRegions = regions.filter((x) => root.list(regionDirs.get(x.name) ?? '').some((c) => /^pmem_region\d+$/.test(c)));
      const onBridge = ndRegions.filter((x) => x.bridge !== null && x.memdevs.length === 0);
      if (!nd && pmemRegions.length === 1 && pmemRegions[0]!.name === r.name && onBridge.length === 1) nd = onBridge[0];
      if (nd) {
        const dax = daxUnder(nd.dir);
        daxDevices = dax.map((x) => x.name);
        numaNode = dax.find((x) => x.node !== null)?.node ?? null;
      }
    }
    regions[i] = { ...r, memdevs: mems, numaNode, daxDevices };
  }
}

/** `sys/bus/cxl/devices`: memdevs, regions (with their memdevs and NUMA node), ports, decoders; a region's node becomes a CXL node. */
function readCxl(root: SysfsRoot, d: Diags, numa: NumaNode[], daxByDir: readonly DaxDevice[]): CxlInfo {
  const base = 'sys/bus/cxl/devices';
  const names = root.list(base).sort();
  const lists: CxlLists = { memdevs: [], regions: [], ports: [], decoders: [], regionDirs: new Map() };
  if (names.length === 0) return { memdevs: lists.memdevs, regions: lists.regions };
  // DAX devices belong to the region folder they sit in: a CXL region (volatile regions:
  // .../regionN/dax_regionN/daxN.M) or a libnvdimm region (persistent CXL memory:
  // .../ndbusN/regionM/daxM.K).
  const ndRegions = readNdRegions(root, base, names);
  const daxUnder = (dir: string) => daxByDir.filter((x) => x.dir.startsWith(`${dir}/`));
  for (const name of names) {
    const dir = resolveLink(root, `${base}/${name}`);
    if (dir) readCxlDevice(root, d, name, dir, daxUnder, lists);
  }
  linkRegions(root, lists, ndRegions, daxUnder);
  for (const r of lists.regions) {
    if (r.numaNode === null) continue;
    const i = numa.findIndex((n) => n.id === r.numaNode);
    if (i >= 0) numa[i] = { ...numa[i]!, kind: 'cxl', kindReason: `memory of CXL ${r.name} (${r.daxDevices.join(', ')})` };
  }
  return { memdevs: lists.memdevs, regions: lists.regions, ports: lists.ports, decoders: lists.decoders };
}

/** Memory-only nodes fed by a DAX device in system-ram mode (dax_kmem) that no CXL region
 *  claimed: persistent memory (NVDIMM) onlined as a NUMA node. */
function markPmemNodes(numaNodes: NumaNode[], dax: readonly DaxDevice[]): void {
  for (const x of dax) {
    if (x.node === null || x.driver !== 'kmem') continue;
    const i = numaNodes.findIndex((n) => n.id === x.node);
    if (i >= 0 && numaNodes[i]!.kind === 'cpuless') {
      numaNodes[i] = { ...numaNodes[i]!, kind: 'pmem', kindReason: `memory of ${x.name} (dax_kmem), not from a CXL region` };
    }
  }
}

/**
 * DAX devices below no PCI function (NVDIMM regions, CXL regions) and on device_dax belong to the NUMA node
 * the nearest `numa_node` file on their real path names, as hwloc places them; without
 * one, to the machine. Those below a PCI function are that function's (readOsDevices).
 */
function placeDax(root: SysfsRoot, dax: readonly DaxDevice[], nodes: NumaNode[]): OsDevice[] {
  const machine: OsDevice[] = [];
  // In name order: a folder and an archive list directories in different orders.
  const sorted = [...dax].sort((a, b) => compareNatural(a.name, b.name));
  for (const x of sorted) {
    // On kmem a DAX device's memory became a NUMA node (see markPmemNodes): no device left, as hwloc lists none.
    if (owningFunction(x.dir) !== null || x.driver === 'kmem') continue;
    const attrs: Record<string, string> = {};
    const size = root.readOptional(`${x.dir}/size`)?.trim();
    if (size && /^\d+$/.test(size)) attrs['sizeBytes'] = size;
    if (x.node !== null) attrs['targetNode'] = String(x.node);
    const dev: OsDevice = Object.keys(attrs).length ? { name: x.name, kind: 'dax', attrs } : { name: x.name, kind: 'dax' };
    const node = nearestNumaNode(root, x.dir);
    const i = node === null ? -1 : nodes.findIndex((n) => n.id === node);
    if (i < 0) machine.push(dev);
    else nodes[i] = { ...nodes[i]!, osDevices: [...(nodes[i]!.osDevices ?? []), dev] };
  }
  return machine;
}

/** The first `numa_node` (≥ 0) on a device's path, from the device upwards. */
function nearestNumaNode(root: SysfsRoot, dir: string): number | null {
  for (let d = dir; d.includes('/'); d = d.slice(0, d.lastIndexOf('/'))) {
    const n = parseIntValue(root.readOptional(`${d}/numa_node`));
    if (n !== null && n >= 0) return n;
  }
  return null;
}

/** A CXL memdev is an OS device of the PCI function it is bound to. */
function memdevOsDevices(cxl: CxlInfo, present: ReadonlySet<string>): OsDeviceRecord[] {
  const out: OsDeviceRecord[] = [];
  for (const m of cxl.memdevs) {
    if (!m.pciAddress || !present.has(m.pciAddress)) continue;
    const region = cxl.regions.find((r) => r.memdevs?.includes(m.name));
    const attrs: Record<string, string> = {};
    if (m.ramBytes) attrs['ramBytes'] = String(m.ramBytes);
    if (m.pmemBytes) attrs['pmemBytes'] = String(m.pmemBytes);
    if (region) attrs['region'] = region.name;
    if (region?.numaNode != null) attrs['regionNumaNode'] = String(region.numaNode);
    out.push({ address: m.pciAddress, device: { name: m.name, kind: 'cxl', attrs }, from: `sys/bus/cxl/devices/${m.name}` });
  }
  return out;
}

/** The architecture: uname at capture time, hwloc-gather's, else what cpuinfo or MIDRs imply. */
function readArch(uname: Record<string, string>, nofile: Record<string, string>, cpuinfo: Array<Record<string, string>>, cpus: readonly Cpu[]): { arch: string; archSource: string } {
  if (uname['machine']) return { arch: archFromUname[uname['machine']] ?? uname['machine'], archSource: 'uname -m at capture time' };
  if (nofile['Architecture']) return { arch: nofile['Architecture'], archSource: 'hwloc-gather-topology (uname)' };
  const g = guessArch(cpuinfo);
  if (g) return { arch: g.arch, archSource: g.source };
  if (cpus.some((c) => c.midr)) return { arch: 'aarch64', archSource: 'cpu*/regs/identification/midr_el1 exists' };
  return { arch: 'unknown', archSource: 'nothing in the capture tells' };
}

/** Machine facts: topolens capture metadata, hwloc-gather's nofile-info, procfs, DMI. */
function readMachine(root: SysfsRoot, d: Diags, cpuinfo: Array<Record<string, string>>, cpus: readonly Cpu[]): MachineFacts {
  let meta: Record<string, unknown> = {};
  const metaRaw = root.readOptional('topolens-capture.json');
  if (metaRaw) {
    try {
      meta = JSON.parse(metaRaw) as Record<string, unknown>;
    } catch {
      d.warn('topolens-capture.json', 'not valid JSON; ignored');
    }
  }
  const uname = (meta['uname'] ?? {}) as Record<string, string>;
  const nofile = parseKeyValues(root.readOptional('proc/hwloc-nofile-info'));
  const hostname =
    (typeof meta['hostname'] === 'string' ? (meta['hostname'] as string) : null) ??
    root.readOptional('proc/sys/kernel/hostname')?.trim() ??
    nofile['HostName'] ??
    null;
  const version = root.readOptional('proc/version');
  const kernel =
    uname['release'] ?? root.readOptional('proc/sys/kernel/osrelease')?.trim() ?? nofile['OSRelease'] ?? (version ? /Linux version (\S+)/.exec(version)?.[1] ?? null : null);
  const { arch, archSource } = readArch(uname, nofile, cpuinfo, cpus);
  // CPU model: x86 "model name"; without MIDRs, cpuinfo's "cpu"/"uarch" (POWER, RISC-V).
  // With MIDRs the builder names the chip and cores (build/cpus.ts).
  const x86 = cpuinfo.find((r) => r['model name'])?.['model name'] ?? null;
  const other = cpus.some((c) => c.midr) ? null : (cpuinfo.find((r) => r['cpu'])?.['cpu'] ?? cpuinfo.find((r) => r['uarch'])?.['uarch'] ?? null);
  const dmi = (f: string) => root.readOptional(`sys/class/dmi/id/${f}`)?.trim() || null;
  return {
    hostname: hostname || null,
    arch,
    archSource,
    kernel: kernel || null,
    cpuModel: x86 ?? other,
    totalMemoryBytes: parseNodeMemTotal(root.readOptional('proc/meminfo', MAX_PROC_BYTES)),
    vendor: dmi('sys_vendor'),
    product: dmi('product_name'),
    ...readPlacementFacts(root, d),
  };
}

/**
 * Facts placement advice needs, each only when the input has it: isolated and nohz_full
 * CPUs, and whether an IOMMU is on (entries of /sys/kernel/iommu_groups; an empty folder
 * means none, an absent one that the input does not say).
 */
function readPlacementFacts(root: SysfsRoot, d: Diags): Pick<MachineFacts, 'isolatedCpus' | 'nohzFullCpus' | 'iommu'> {
  const out: { isolatedCpus?: string | null; nohzFullCpus?: string | null; iommu?: MachineFacts['iommu'] } = {};
  const list = (key: 'isolatedCpus' | 'nohzFullCpus', p: string) => {
    const raw = root.readOptional(p);
    if (raw === null) return;
    const t = raw.trim();
    const v = t === '' || t === '(null)' ? '' : canonicalCpuList(t);
    if (v === null) d.warn(p, `unrecognised CPU list "${t.slice(0, 40)}"`);
    out[key] = v;
  };
  list('isolatedCpus', 'sys/devices/system/cpu/isolated');
  list('nohzFullCpus', 'sys/devices/system/cpu/nohz_full');
  if (root.exists('sys/kernel/iommu_groups')) {
    const groups = root.list('sys/kernel/iommu_groups').filter((n) => /^\d+$/.test(n)).length;
    const units = root.list('sys/class/iommu');
    out.iommu = { groups, ...(units.length ? { units } : {}) };
  }
  return out;
}

/** Read everything the engine needs from a sysfs/procfs root into records. Never throws on data. */
export function readSysfs(root: SysfsRoot, source: SourceRecords['source'] = { kind: 'sysfs-dir', name: root.name }, capturedAt: string | null = null): SourceRecords {
  const d = new Diags();
  const { functions, hostBridges } = readPci(root, d);
  const addrs = new Set(functions.map((x) => x.fn.address));
  const osDevices = readOsDevices(root, d, addrs);
  const numaNodes = readNuma(root, d);
  const { cpus, cpuinfo } = readCpus(root, d, numaNodes);
  const dax = readDax(root);
  const cxl = readCxl(root, d, numaNodes, dax);
  markPmemNodes(numaNodes, dax);
  osDevices.push(...memdevOsDevices(cxl, addrs));
  const looseDax = placeDax(root, dax, numaNodes);
  const read = readMachine(root, d, cpuinfo, cpus);
  const machine = looseDax.length ? { ...read, osDevices: looseDax } : read;
  return {
    source,
    path: root.name,
    capturedAt,
    machine,
    cpus,
    numaNodes,
    functions,
    osDevices,
    hostBridges,
    cxl,
    diagnostics: d.list,
    socId: cpus.some((c) => c.midr) ? root.readOptional('sys/devices/soc0/soc_id') : null,
  };
}
