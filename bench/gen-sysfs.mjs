// Writes a synthetic Linux sysfs/procfs tree the way the kernel lays it out, for the
// scaling benchmarks: real device directories under sys/devices/pciDDDD:BB/..., relative
// symlinks in sys/bus/pci/devices, sys/class/{net,nvme,block}, driver and iommu_group
// links, virtfnN/physfn, NUMA node and CPU directories, /proc/cpuinfo. Multi-socket,
// root ports, PCIe switches with NVMe behind them, dual-port NICs with 0-256 VFs per
// port, GPUs, DMA engines. Deterministic: the same count gives the same tree.
//   node bench/gen-sysfs.mjs OUTDIR FUNCTIONS
import { mkdirSync, rmSync, symlinkSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Bump when the layout changes: cached trees with another stamp are regenerated. */
export const GENERATOR_VERSION = 4;

const VF_CYCLE = [0, 8, 64, 256, 16, 0, 128, 32, 4, 256];
const hex = (n, w) => n.toString(16).padStart(w, '0');
const addr = (dom, bus, dev, fn) => `${hex(dom, 4)}:${hex(bus, 2)}:${hex(dev, 2)}.${fn}`;

function sizeFor(functions) {
  if (functions <= 1500) return { sockets: 2, cpusPerSocket: 16, hbPerSocket: 2 };
  if (functions <= 6000) return { sockets: 4, cpusPerSocket: 16, hbPerSocket: 4 };
  return { sockets: 8, cpusPerSocket: 16, hbPerSocket: 4 };
}

function cpuMask(cpus, total) {
  const words = Math.ceil(total / 32);
  const w = new Array(words).fill(0);
  for (const c of cpus) w[c >> 5] |= 1 << (c & 31);
  return w.reverse().map((x) => hex(x >>> 0, 8)).join(',');
}

/** PCI config space: 256 bytes, header type 0/1, a PCIe capability at 0x40. */
function config({ vendor, device, classCode, rev, bridge, secondary, subordinate, primary, pcieType, subVendor, subDevice, width, speed }) {
  const b = Buffer.alloc(256);
  b.writeUInt16LE(vendor, 0);
  b.writeUInt16LE(device, 2);
  b.writeUInt16LE(0x0406, 4); // command: memory, bus master
  b.writeUInt16LE(0x0010, 6); // status: capabilities list
  b[8] = rev;
  b[9] = classCode & 0xff;
  b[10] = (classCode >> 8) & 0xff;
  b[11] = (classCode >> 16) & 0xff;
  b[0x0e] = bridge ? 1 : 0;
  if (bridge) {
    b[0x18] = primary;
    b[0x19] = secondary;
    b[0x1a] = subordinate;
  } else {
    b.writeUInt16LE(subVendor, 0x2c);
    b.writeUInt16LE(subDevice, 0x2e);
  }
  b[0x34] = 0x40;
  b[0x40] = 0x10; // PCI Express capability
  b[0x41] = 0x00;
  b.writeUInt16LE((pcieType << 4) | 2, 0x42);
  // Link capabilities / status: max speed and width, current the same.
  b.writeUInt32LE((width << 4) | speed, 0x4c);
  b.writeUInt16LE((width << 4) | speed, 0x52);
  return b;
}

const SPEED = { 3: '8.0 GT/s PCIe', 4: '16.0 GT/s PCIe', 5: '32.0 GT/s PCIe' };

/** Plan the machine: a list of functions with their place in the tree. */
export function plan(functions) {
  const { sockets, cpusPerSocket, hbPerSocket } = sizeFor(functions);
  const totalCpus = sockets * cpusPerSocket;
  const devs = []; // { address, dir (relative to sys/devices), ... }
  let nic = 0;
  let nvme = 0;
  let eth = 0;
  let group = 0;
  let cardNo = 0;
  const hbs = [];
  for (let s = 0; s < sockets; s += 1) {
    for (let h = 0; h < hbPerSocket; h += 1) hbs.push({ socket: s, rootPorts: 0 });
  }
  const socketCpus = (s) => Array.from({ length: cpusPerSocket }, (_, i) => s * cpusPerSocket + i);
  const add = (d) => {
    const cpus = socketCpus(d.socket);
    devs.push({ ...d, group: group++, localCpus: cpuMask(cpus, totalCpus), localCpulist: `${cpus[0]}-${cpus[cpus.length - 1]}` });
  };
  // Each host bridge: its root bus with DMA engines (RCiEPs); cards on root ports.
  // One PCI segment (domain) per host bridge, as on large multi-segment servers.
  hbs.forEach((hb, i) => {
    hb.dom = i;
    hb.bus = 0;
    hb.nextBus = 1;
    hb.id = `pci${hex(hb.dom, 4)}:${hex(hb.bus, 2)}`;
    for (let f = 0; f < 2; f += 1) {
      add({ socket: hb.socket, address: addr(hb.dom, hb.bus, 30, f), dir: `${hb.id}/${addr(hb.dom, hb.bus, 30, f)}`, vendor: 0x8086, device: 0x2021, classCode: 0x088000, pcieType: 9, driver: 'ioatdma' });
    }
  });
  let hbi = 0;
  while (devs.length < functions) {
    const hb = hbs[hbi++ % hbs.length];
    const rpDev = ++hb.rootPorts;
    if (rpDev > 29) throw new Error('too many root ports on one host bridge');
    const left = functions - devs.length - 1;
    const kind = ['nic', 'nvme-switch', 'nic', 'gpu'][cardNo++ % 4];
    // Estimate buses first: VFs may spill over several buses.
    let vfs = [0, 0];
    if (kind === 'nic') {
      const per = VF_CYCLE[nic % VF_CYCLE.length];
      vfs = [per, per];
      let room = left - 2;
      vfs = vfs.map((v) => {
        const k = Math.max(0, Math.min(v, room));
        room -= k;
        return k;
      });
    }
    const busesNeeded = kind === 'nvme-switch' ? 6 : Math.max(1, Math.ceil((2 + vfs[0] + vfs[1] + 16) / 256) + 1);
    if (hb.nextBus + busesNeeded > 256) throw new Error('bus numbers exhausted on one host bridge');
    const sec = hb.nextBus;
    hb.nextBus += busesNeeded;
    const d0 = hb.dom;
    const rpAddr = addr(hb.dom, hb.bus, rpDev, 0);
    const rp = { address: rpAddr, dir: `${hb.id}/${rpAddr}` };
    add({ socket: hb.socket, address: rpAddr, dir: rp.dir, vendor: 0x8086, device: 0x2030 + (rpDev % 4), classCode: 0x060400, pcieType: 4, bridge: true, primary: hb.bus, secondary: sec, subordinate: sec + busesNeeded - 1, driver: 'pcieport', width: 16, speed: 4 });
    if (devs.length >= functions) break;
    if (kind === 'nic') {
      nic += 1;
      const mlx = nic % 2 === 0;
      for (let p = 0; p < 2 && devs.length < functions; p += 1) {
        const pfAddr = addr(d0, sec, 0, p);
        const pf = {
          socket: hb.socket, address: pfAddr, dir: `${rp.dir}/${pfAddr}`,
          vendor: mlx ? 0x15b3 : 0x8086, device: mlx ? 0x101d : 0x1592, classCode: 0x020000, pcieType: 0,
          driver: mlx ? 'mlx5_core' : 'ice', width: 16, speed: 4, totalVfs: 256, numVfs: vfs[p], vfs: [], net: `eth${eth++}`,
        };
        add(pf);
        const pfRec = devs[devs.length - 1];
        // VF routing IDs: offset 16 + 2*i past the PF (plus the port), crossing buses.
        for (let i = 0; i < vfs[p] && devs.length < functions; i += 1) {
          const rid = (sec << 8) + 16 + p + 2 * i;
          const vAddr = addr(d0, rid >> 8, (rid >> 3) & 31, rid & 7);
          const bound = i % 4 === 3 ? 'vfio-pci' : mlx ? 'mlx5_core' : 'iavf';
          add({
            socket: hb.socket, address: vAddr, dir: `${rp.dir}/${vAddr}`,
            vendor: mlx ? 0x15b3 : 0x8086, device: mlx ? 0x101e : 0x1889, classCode: 0x020000, pcieType: 0,
            driver: bound, physfn: pfAddr, net: bound === 'vfio-pci' ? null : `eth${eth++}`, width: 16, speed: 4,
          });
          pfRec.vfs.push(vAddr);
        }
      }
    } else if (kind === 'nvme-switch') {
      const upAddr = addr(d0, sec, 0, 0);
      const upDir = `${rp.dir}/${upAddr}`;
      add({ socket: hb.socket, address: upAddr, dir: upDir, vendor: 0x10b5, device: 0x9781, classCode: 0x060400, pcieType: 5, bridge: true, primary: sec, secondary: sec + 1, subordinate: sec + 5, driver: 'pcieport', width: 16, speed: 4 });
      for (let k = 0; k < 4 && devs.length < functions; k += 1) {
        const dnAddr = addr(d0, sec + 1, k, 0);
        const dnDir = `${upDir}/${dnAddr}`;
        add({ socket: hb.socket, address: dnAddr, dir: dnDir, vendor: 0x10b5, device: 0x9781, classCode: 0x060400, pcieType: 6, bridge: true, primary: sec + 1, secondary: sec + 2 + k, subordinate: sec + 2 + k, driver: 'pcieport', width: 4, speed: 4 });
        if (devs.length >= functions) break;
        const nAddr = addr(d0, sec + 2 + k, 0, 0);
        add({ socket: hb.socket, address: nAddr, dir: `${dnDir}/${nAddr}`, vendor: 0x144d, device: 0xa80a, classCode: 0x010802, pcieType: 0, driver: k === 3 ? 'vfio-pci' : 'nvme', nvme: k === 3 ? null : `nvme${nvme++}`, width: 4, speed: 4 });
      }
    } else {
      const gAddr = addr(d0, sec, 0, 0);
      add({ socket: hb.socket, address: gAddr, dir: `${rp.dir}/${gAddr}`, vendor: 0x10de, device: 0x20b5, classCode: 0x030200, pcieType: 0, driver: 'nvidia', width: 16, speed: 4 });
      if (devs.length < functions) {
        const aAddr = addr(d0, sec, 0, 1);
        add({ socket: hb.socket, address: aAddr, dir: `${rp.dir}/${aAddr}`, vendor: 0x10de, device: 0x1aef, classCode: 0x040300, pcieType: 0, driver: 'snd_hda_intel', width: 16, speed: 4 });
      }
    }
  }
  return { sockets, cpusPerSocket, totalCpus, devs, hbs };
}

function w(path, data) {
  writeFileSync(path, data);
}

/** Write the tree under `out` (which must not exist or will be replaced). */
export function generate(out, functions) {
  const p = plan(functions);
  rmSync(out, { recursive: true, force: true });
  const sys = join(out, 'sys');
  const mk = (d) => mkdirSync(d, { recursive: true });
  mk(join(sys, 'bus/pci/devices'));
  mk(join(sys, 'bus/pci/slots'));
  for (const c of ['net', 'nvme', 'block']) mk(join(sys, 'class', c));
  const drivers = new Set(p.devs.map((d) => d.driver));
  for (const d of drivers) mk(join(sys, 'bus/pci/drivers', d));
  const up = (rel) => '../'.repeat(rel.split('/').length);
  for (const d of p.devs) {
    const rel = `devices/${d.dir}`;
    const dir = join(sys, rel);
    mk(dir);
    const put = (f, v) => w(join(dir, f), v);
    put('vendor', `0x${hex(d.vendor, 4)}\n`);
    put('device', `0x${hex(d.device, 4)}\n`);
    put('subsystem_vendor', `0x${hex(d.vendor, 4)}\n`);
    put('subsystem_device', `0x${hex(0x0001, 4)}\n`);
    put('class', `0x${hex(d.classCode, 6)}\n`);
    put('revision', '0x01\n');
    put('numa_node', `${d.socket}\n`);
    put('local_cpus', `${d.localCpus}\n`);
    put('local_cpulist', `${d.localCpulist}\n`);
    put('enable', '1\n');
    put('irq', '0\n');
    put('resource', '0x0000000000000000 0x0000000000000000 0x0000000000000000\n'.repeat(13));
    put('modalias', `pci:v0000${hex(d.vendor, 4).toUpperCase()}d0000${hex(d.device, 4).toUpperCase()}sv*sd*bc*sc*i*\n`);
    put('uevent', `DRIVER=${d.driver}\nPCI_CLASS=${d.classCode.toString(16).toUpperCase()}\nPCI_ID=${hex(d.vendor, 4).toUpperCase()}:${hex(d.device, 4).toUpperCase()}\nPCI_SLOT_NAME=${d.address}\n`);
    put(
      'config',
      config({ vendor: d.vendor, device: d.device, classCode: d.classCode, rev: 1, bridge: !!d.bridge, primary: d.primary ?? 0, secondary: d.secondary ?? 0, subordinate: d.subordinate ?? 0, pcieType: d.pcieType, subVendor: d.vendor, subDevice: 1, width: d.width ?? 1, speed: d.speed ?? 3 }),
    );
    if (d.width) {
      put('current_link_speed', `${SPEED[d.speed]}\n`);
      put('max_link_speed', `${SPEED[d.speed]}\n`);
      put('current_link_width', `${d.width}\n`);
      put('max_link_width', `${d.width}\n`);
    }
    symlinkSync(`${up(rel)}bus/pci/drivers/${d.driver}`, join(dir, 'driver'));
    symlinkSync(`${up(rel)}kernel/iommu_groups/${d.group}`, join(dir, 'iommu_group'));
    symlinkSync(`${up('bus/pci/devices')}${rel}`, join(sys, 'bus/pci/devices', d.address));
    if (d.totalVfs !== undefined) {
      put('sriov_totalvfs', `${d.totalVfs}\n`);
      put('sriov_numvfs', `${d.numVfs}\n`);
      put('sriov_offset', '16\n');
      put('sriov_stride', '2\n');
      d.vfs.forEach((v, i) => symlinkSync(`../${v}`, join(dir, `virtfn${i}`)));
    }
    if (d.physfn) symlinkSync(`../${d.physfn}`, join(dir, 'physfn'));
    if (d.net) {
      const nrel = `${rel}/net/${d.net}`;
      mk(join(sys, nrel));
      const n = parseInt(d.net.slice(3), 10);
      w(join(sys, nrel, 'address'), `02:00:${hex((n >> 16) & 255, 2)}:${hex((n >> 8) & 255, 2)}:${hex(n & 255, 2)}:01\n`);
      w(join(sys, nrel, 'operstate'), 'up\n');
      w(join(sys, nrel, 'speed'), '100000\n');
      symlinkSync(`../../${nrel}`, join(sys, 'class/net', d.net));
    }
    if (d.nvme) {
      const crel = `${rel}/nvme/${d.nvme}`;
      mk(join(sys, crel));
      for (const [f, v] of [['model', 'SAMSUNG MZQL23T8HCLS-00A07'], ['serial', `S64HNE0R${d.group}`], ['firmware_rev', 'GDC5602Q'], ['transport', 'pcie']]) w(join(sys, crel, f), `${v}\n`);
      symlinkSync(`../../${crel}`, join(sys, 'class/nvme', d.nvme));
      const ns = `${d.nvme}n1`;
      mk(join(sys, crel, ns));
      w(join(sys, crel, ns, 'size'), '7501476528\n');
      symlinkSync(`../../${crel}/${ns}`, join(sys, 'class/block', ns));
    }
  }
  for (const d of p.devs) mk(join(sys, 'kernel/iommu_groups', String(d.group)));
  // NUMA nodes and CPUs.
  const nodeDir = join(sys, 'devices/system/node');
  const cpuDir = join(sys, 'devices/system/cpu');
  mk(nodeDir);
  mk(cpuDir);
  const last = p.totalCpus - 1;
  w(join(nodeDir, 'online'), `0-${p.sockets - 1}\n`);
  w(join(nodeDir, 'possible'), `0-${p.sockets - 1}\n`);
  w(join(nodeDir, 'has_cpu'), `0-${p.sockets - 1}\n`);
  w(join(nodeDir, 'has_memory'), `0-${p.sockets - 1}\n`);
  w(join(cpuDir, 'online'), `0-${last}\n`);
  w(join(cpuDir, 'possible'), `0-${last}\n`);
  w(join(cpuDir, 'present'), `0-${last}\n`);
  const cpuinfo = [];
  for (let s = 0; s < p.sockets; s += 1) {
    const nd = join(nodeDir, `node${s}`);
    mk(nd);
    const first = s * p.cpusPerSocket;
    const lastC = first + p.cpusPerSocket - 1;
    w(join(nd, 'cpulist'), `${first}-${lastC}\n`);
    w(join(nd, 'cpumap'), `${cpuMask(Array.from({ length: p.cpusPerSocket }, (_, i) => first + i), p.totalCpus)}\n`);
    w(join(nd, 'meminfo'), `Node ${s} MemTotal:       65536000 kB\nNode ${s} MemFree:        60000000 kB\n`);
    w(join(nd, 'distance'), `${Array.from({ length: p.sockets }, (_, j) => (j === s ? 10 : 21)).join(' ')}\n`);
    for (let c = first; c <= lastC; c += 1) {
      const cd = join(cpuDir, `cpu${c}`);
      mk(join(cd, 'topology'));
      w(join(cd, 'online'), '1\n');
      const core = c - first;
      const mask = cpuMask([c], p.totalCpus);
      const pkgMask = cpuMask(Array.from({ length: p.cpusPerSocket }, (_, i) => first + i), p.totalCpus);
      for (const [f, v] of [
        ['physical_package_id', s], ['core_id', core], ['die_id', 0], ['thread_siblings', mask], ['thread_siblings_list', c],
        ['core_siblings', pkgMask], ['core_siblings_list', `${first}-${lastC}`], ['core_cpus', mask], ['core_cpus_list', c],
        ['package_cpus', pkgMask], ['package_cpus_list', `${first}-${lastC}`], ['die_cpus_list', `${first}-${lastC}`],
      ]) w(join(cd, 'topology', f), `${v}\n`);
      symlinkSync(`../../cpu/cpu${c}`, join(nd, `cpu${c}`));
      symlinkSync(`../../node/node${s}`, join(cd, `node${s}`));
      cpuinfo.push(
        `processor\t: ${c}\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\nmodel name\t: Synthetic Xeon (topolens bench)\nphysical id\t: ${s}\ncore id\t\t: ${core}\ncpu cores\t: ${p.cpusPerSocket}\nflags\t\t: fpu lm sse sse2\n`,
      );
    }
  }
  mk(join(out, 'proc/sys/kernel'));
  w(join(out, 'proc/cpuinfo'), `${cpuinfo.join('\n')}\n`);
  w(join(out, 'proc/meminfo'), `MemTotal:       ${65536000 * p.sockets} kB\n`);
  w(join(out, 'proc/sys/kernel/hostname'), `bench-${functions}\n`);
  w(join(out, 'proc/sys/kernel/osrelease'), '6.1.0-bench\n');
  w(join(out, 'GENERATOR'), `${GENERATOR_VERSION} ${functions}\n`);
  return { functions: p.devs.length, sockets: p.sockets, cpus: p.totalCpus, hostBridges: p.hbs.length, vfs: p.devs.filter((d) => d.physfn).length };
}

/** The tree for `functions` under `cacheDir`, generated once per generator version. */
export function ensureTree(cacheDir, functions) {
  const out = join(cacheDir, `sysfs-${functions}`);
  const stamp = join(out, 'GENERATOR');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === `${GENERATOR_VERSION} ${functions}\n`) return out;
  generate(out, functions);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [outDir, n] = process.argv.slice(2);
  if (!outDir || !n) {
    process.stderr.write('usage: node bench/gen-sysfs.mjs OUTDIR FUNCTIONS\n');
    process.exit(2);
  }
  const t = performance.now();
  const r = generate(outDir, Number(n));
  console.log(JSON.stringify({ ...r, out: outDir, ms: Math.round(performance.now() - t) }));
}
