// Acceptance tests on the QEMU lab fixtures (fixtures/lab/*): sysfs trees written by real
// Debian kernels. The engine's reading of each capture.tar.gz is checked against the guest's
// own `lspci -tv` / `lspci -vvv -nn -D -k` (parsed minimally here, independently of the
// engine's lspci parser) and against the roles each shape was built to show.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInput } from '../../electron/topology/load';
import type { PciDevice, Snapshot } from '../../electron/topology/model';

const LAB = join(__dirname, '..', '..', 'fixtures', 'lab');
const FIXTURES = readdirSync(LAB, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(LAB, e.name, 'capture.tar.gz')))
  .map((e) => e.name)
  .sort();

/** `lspci -vvv -nn -D -k`: address → ids, class and driver in use. */
interface LspciFunction {
  readonly address: string;
  readonly classCode: string;
  readonly vendorId: string;
  readonly deviceId: string;
  readonly driver: string | null;
}
function parseLspciVvv(text: string): LspciFunction[] {
  const out: LspciFunction[] = [];
  let cur: { -readonly [K in keyof LspciFunction]: LspciFunction[K] } | null = null;
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) .*?\[([0-9a-f]{4})\]: .*\[([0-9a-f]{4}):([0-9a-f]{4})\]/.exec(line);
    if (head) {
      cur = { address: head[1]!, classCode: head[2]!, vendorId: head[3]!, deviceId: head[4]!, driver: null };
      out.push(cur);
      continue;
    }
    const drv = /^\tKernel driver in use: (\S+)/.exec(line);
    if (drv && cur) cur.driver = drv[1]!;
  }
  return out;
}

/** `lspci -tv`: address → parent address (null on a root bus), from the drawing's columns. */
function parseLspciTree(text: string): Map<string, string | null> {
  const parents = new Map<string, string | null>();
  // For each column where a list of siblings starts: who they hang from and which bus they are on.
  const ctx = new Map<number, { parent: string | null; domain: string; bus: string }>();
  const token = /\[([0-9a-f]{4}):([0-9a-f]{2})\]|([0-9a-f]{2})\.([0-7])(?:-\[([0-9a-f]{2})(?:-[0-9a-f]{2})?\])?/g;
  for (const line of text.split('\n')) {
    let prev: { next: { parent: string | null; domain: string; bus: string } } | null = null;
    token.lastIndex = 0;
    for (let m = token.exec(line); m; m = token.exec(line)) {
      const col = m.index;
      if (prev) ctx.set(col, prev.next);
      if (m[1] !== undefined) {
        prev = { next: { parent: null, domain: m[1], bus: m[2]! } };
        continue;
      }
      const here = ctx.get(col);
      if (!here) throw new Error(`lspci -tv: no bus known for column ${col} in "${line}"`);
      const address = `${here.domain}:${here.bus}:${m[3]}.${m[4]}`;
      parents.set(address, here.parent);
      if (m[5] === undefined) break; // an endpoint: the device name follows
      prev = { next: { parent: address, domain: here.domain, bus: m[5] } };
      if (!/^(-+\+?-)/.test(line.slice(token.lastIndex))) break; // bridge with nothing behind it
    }
  }
  return parents;
}

const loaded = new Map<string, Snapshot>();
async function load(name: string): Promise<Snapshot> {
  let t = loaded.get(name);
  if (!t) {
    const r = await loadInput(join(LAB, name, 'capture.tar.gz'));
    t = r.topology;
    loaded.set(name, t);
  }
  return t;
}
function dev(t: Snapshot, address: string): PciDevice {
  const d = t.pci.devices.find((x) => x.address === address);
  if (!d) throw new Error(`${address} not in the engine's reading`);
  return d;
}
const hex4 = (s: string) => s.replace(/^0x/, '').padStart(4, '0').toLowerCase();

describe('QEMU lab fixtures', () => {
  it('has all the lab shapes', () => {
    expect(FIXTURES).toEqual(
      expect.arrayContaining([
        'arm64-virt-acpi-neoverse-n1',
        'arm64-virt-cortex-a72',
        'arm64-virt-neoverse-n1',
        'x86-q35-2numa-switch',
        'x86-q35-cxl',
        'x86-q35-dpdk-spdk',
        'x86-q35-rxe',
        'x86-q35-sriov-nvme',
      ]),
    );
  });

  describe.each(FIXTURES)('%s', (name) => {
    const ref = (f: string) => readFileSync(join(LAB, name, f), 'utf8');

    it('loads without error diagnostics', async () => {
      const t = await load(name);
      expect(t.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(t.pci.devices.length).toBeGreaterThan(3);
    });

    it("has the same functions, ids and drivers as the guest's lspci -vvv -nn -D -k", async () => {
      const t = await load(name);
      const fns = parseLspciVvv(ref('lspci-vvv-nn-D-k.txt'));
      expect(fns.length).toBeGreaterThan(3);
      expect(t.pci.devices.map((d) => d.address).sort()).toEqual(fns.map((f) => f.address).sort());
      for (const f of fns) {
        const d = dev(t, f.address);
        expect({ a: f.address, driver: d.driver }).toEqual({ a: f.address, driver: f.driver });
        expect({ a: f.address, v: hex4(d.vendorId ?? ''), d: hex4(d.deviceId ?? '') }).toEqual({ a: f.address, v: f.vendorId, d: f.deviceId });
        expect({ a: f.address, c: (d.classCode ?? '').replace(/^0x/, '').slice(0, 4) }).toEqual({ a: f.address, c: f.classCode });
      }
    });

    it("has the same tree as the guest's lspci -tv", async () => {
      const t = await load(name);
      const tree = parseLspciTree(ref('lspci-tv.txt'));
      expect([...tree.keys()].sort()).toEqual(t.pci.devices.map((d) => d.address).sort());
      for (const [address, parent] of tree) expect({ address, parent: dev(t, address).parent }).toEqual({ address, parent });
    });
  });

  it('x86-q35-2numa-switch: locality per pxb-pcie node, switch ports, netdevs', async () => {
    const t = await load('x86-q35-2numa-switch');
    expect(t.machine.arch).toBe('x86_64');
    expect(t.numaNodes.map((n) => [n.id, n.cpus])).toEqual([
      [0, '0-1'],
      [1, '2-3'],
    ]);
    expect(t.numaNodes[0]!.distances).toEqual([10, 21]);
    for (const a of ['0000:23:00.0', '0000:24:00.0', '0000:25:00.0', '0000:26:00.0']) expect(dev(t, a).numaNode).toBe(0);
    for (const a of ['0000:81:00.0', '0000:82:00.0']) expect(dev(t, a).numaNode).toBe(1);
    expect(dev(t, '0000:81:00.0').localCpus).toBe('2-3');
    expect(dev(t, '0000:01:00.0').numaNode).toBeNull(); // numa_node -1 on the host bridge without _PXM
    expect(dev(t, '0000:21:00.0').portKind).toBe('switch-upstream');
    expect(dev(t, '0000:22:01.0').portKind).toBe('switch-downstream');
    expect(dev(t, '0000:20:00.0').portKind).toBe('root-port');
    expect(dev(t, '0000:21:00.0').roles).toContain('switch');
    expect(dev(t, '0000:23:00.0').hostBridge).toBe('pci0000:20');
    for (const a of ['0000:23:00.0', '0000:25:00.0', '0000:81:00.0']) expect(dev(t, a).roles).toContain('nvme');
    // virtio-net's netdev sits under virtioN/net/, not directly under the function
    expect(dev(t, '0000:82:00.0').osDevices.filter((o) => o.kind === 'net')).toHaveLength(1);
    expect(dev(t, '0000:24:00.0').osDevices.filter((o) => o.kind === 'net')).toHaveLength(1);
    expect(dev(t, '0000:23:00.0').osDevices.some((o) => o.kind === 'nvme')).toBe(true);
  });

  it('x86-q35-dpdk-spdk: vfio/uio NICs are dpdk, vfio NVMe is spdk, kernel NVMe is nvme', async () => {
    const t = await load('x86-q35-dpdk-spdk');
    const vfioNic = dev(t, '0000:24:00.0');
    const uioNic = dev(t, '0000:26:00.0');
    const vfioNvme = dev(t, '0000:23:00.0');
    const kernelNvme = dev(t, '0000:25:00.0');
    expect([vfioNic.driver, uioNic.driver, vfioNvme.driver, kernelNvme.driver]).toEqual(['vfio-pci', 'uio_pci_generic', 'vfio-pci', 'nvme']);
    expect(vfioNic.roles).toContain('dpdk');
    expect(uioNic.roles).toContain('dpdk');
    expect(vfioNvme.roles).toContain('spdk');
    expect(vfioNvme.roles).not.toContain('dpdk');
    expect(kernelNvme.roles).toContain('nvme');
    expect(kernelNvme.roles).not.toContain('spdk');
    expect(dev(t, '0000:01:00.0').roles).not.toContain('dpdk');
    expect(vfioNic.osDevices.filter((o) => o.kind === 'net')).toEqual([]);
    expect(vfioNic.iommuGroup).not.toBeNull();
  });

  it('x86-q35-sriov-nvme: VFs linked to their PF', async () => {
    const t = await load('x86-q35-sriov-nvme');
    const pf = dev(t, '0000:81:00.0');
    expect(pf.sriov).toMatchObject({ totalVfs: 4, numVfs: 2, physfn: null, vfs: ['0000:81:00.1', '0000:81:00.2'] });
    expect(pf.roles).toContain('sriov-pf');
    expect(pf.numaNode).toBe(1);
    for (const a of ['0000:81:00.1', '0000:81:00.2']) {
      const vf = dev(t, a);
      expect(vf.sriov?.physfn).toBe('0000:81:00.0');
      expect(vf.roles).toContain('sriov-vf');
      expect(vf.driver).toBeNull();
      expect(vf.parent).toBe('0000:80:00.0');
    }
  });

  it('x86-q35-rxe: rxe0 is an rdma OS device of the NIC whose netdev it sits on', async () => {
    const t = await load('x86-q35-rxe');
    const nic = dev(t, '0000:81:00.0');
    const netdev = nic.osDevices.find((o) => o.kind === 'net');
    expect(netdev).toBeDefined();
    const rdma = nic.osDevices.filter((o) => o.kind === 'rdma');
    expect(rdma.map((o) => o.name)).toEqual(['rxe0']);
    expect(rdma[0]!.via).toBe(netdev!.name);
    expect(nic.roles).toContain('rdma');
    const other = dev(t, '0000:21:00.0');
    expect(other.osDevices.some((o) => o.kind === 'rdma')).toBe(false);
    expect(other.roles).not.toContain('rdma');
    expect(t.pci.devices.filter((d) => d.osDevices.some((o) => o.name === 'rxe0'))).toHaveLength(1);
  });

  it('x86-q35-cxl: memdev on its PCI function, region onlined as NUMA node 2', async () => {
    const t = await load('x86-q35-cxl');
    const mem = t.cxl.memdevs.find((m) => m.name === 'mem0');
    expect(mem).toMatchObject({ pciAddress: '0000:31:00.0', pmemBytes: 268435456 });
    expect(dev(t, '0000:31:00.0').roles).toContain('cxl');
    const region = t.cxl.regions.find((r) => r.name === 'region0');
    expect(region).toMatchObject({ sizeBytes: 0x10000000, numaNode: 2 });
    expect(region!.targets).toEqual(['decoder2.0']);
    const node2 = t.numaNodes.find((n) => n.id === 2);
    expect(node2).toBeDefined();
    expect(node2!.cpus).toBe('');
    expect(node2!.memoryBytes).toBe(128 * 1024 * 1024);
    expect(node2!.kind).toBe('cxl');
    expect(dev(t, '0000:31:00.0').numaNode).toBe(0);
  });

  it.each([
    ['arm64-virt-neoverse-n1', 'Neoverse-N1', 0x414fd0c1],
    ['arm64-virt-cortex-a72', 'Cortex-A72', 0x410fd083],
  ])('%s: aarch64 with %s cores named from MIDR', async (name, uarch, midr) => {
    const t = await load(name);
    expect(t.machine.arch).toBe('aarch64');
    expect(t.machine.cpus).toHaveLength(4);
    for (const c of t.machine.cpus) {
      expect(c.uarch).toBe(uarch);
      expect(Number(c.midr)).toBe(midr);
    }
    expect(t.machine.cpus.map((c) => c.node)).toEqual([0, 0, 1, 1]);
    expect(t.numaNodes.map((n) => n.cpus)).toEqual(['0-1', '2-3']);
    expect(dev(t, '0000:01:00.0').roles).toContain('nvme');
    expect(dev(t, '0000:01:00.0').parent).toBe('0000:00:02.0');
    // the DT gives the PCIe host bridge no node: numa_node -1, local_cpulist spans both nodes
    expect(dev(t, '0000:01:00.0').numaNode).toBeNull();
    expect(dev(t, '0000:02:00.0').osDevices.some((o) => o.kind === 'net')).toBe(true);
  });

  it('arm64-virt-acpi-neoverse-n1: ACPI AArch64 whose NUMA init failed (one node, PCI locality unknown)', async () => {
    const t = await load('arm64-virt-acpi-neoverse-n1');
    expect(t.machine.arch).toBe('aarch64');
    expect(t.machine.cpus.map((c) => c.uarch)).toEqual(['Neoverse-N1', 'Neoverse-N1', 'Neoverse-N1', 'Neoverse-N1']);
    expect(t.numaNodes.map((n) => [n.id, n.cpus])).toEqual([[0, '0-3']]);
    // physical_package_id comes from PPTT offsets (36, 116): two packages, whatever the numbers
    expect(new Set(t.machine.cpus.map((c) => c.package)).size).toBe(2);
    for (const a of ['0000:21:00.0', '0000:81:00.0']) {
      expect(dev(t, a).roles).toContain('nvme');
      // numa_node is -1 (the _PXM is ignored once NUMA is off); local_cpulist 0-3 is node 0's
      expect(dev(t, a).numaNode).toBe(0);
      expect(dev(t, a).localityRule).toBe('local_cpulist');
    }
    expect(dev(t, '0000:81:00.0').hostBridge).toBe('pci0000:80');
  });
});
