// Roles on real captures (the display chips of three servers' BMCs, RDMA-capable NICs from
// the kernel modules lspci lists, reasons that say what the format records) and on single
// functions for the rules no fixture exercises (class 0x12 accelerators).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveRoles, roleContext } from '../../../electron/topology/annotate/roles';
import type { PciDevice, Snapshot } from '../../../electron/topology/model';
import { snapshotFromHwlocXml } from '../../../electron/topology/sources/hwloc-xml';
import { snapshotFromLspci } from '../../../electron/topology/sources/lspci';

const FX = join(__dirname, '../../../fixtures');
const lspci = (f: string): Snapshot => snapshotFromLspci(readFileSync(join(FX, 'lspci', f), 'latin1'), f).topology;
const dev = (t: Snapshot, a: string): PciDevice => t.pci.devices.find((d) => d.address === a)!;
const reason = (d: PciDevice, role: string): string | undefined => d.roleReasons.find((r) => r.role === role)?.reason;

describe('GPUs and display chips', () => {
  it('BMC graphics are displays, compute GPUs are GPUs (three real servers)', () => {
    const altra = lspci('aarch64-ampere-altra-adlink-rtx3090-nvme.txt');
    expect(dev(altra, '0004:02:00.0').roles).toContain('display'); // ASPEED [1a03:2000], driver ast
    expect(reason(dev(altra, '0004:02:00.0'), 'display')).toMatch(/ast/);
    expect(dev(altra, '0000:01:00.0').roles).toContain('gpu'); // RTX 3090, driver nvidia
    const ibm = lspci('x86-2s-xeon-e5-sandybridge-ibm-dx360m4-infiniband.txt');
    const matrox = ibm.pci.devices.filter((d) => d.vendorId === '0x102b');
    expect(matrox.length).toBe(1);
    expect(matrox[0]!.roles).toContain('display');
    expect(matrox[0]!.roles).not.toContain('gpu');
    const kunpeng = lspci('aarch64-huawei-taishan2280v2-kunpeng920-hi1822-switch.txt');
    const hibmc = kunpeng.pci.devices.filter((d) => d.driver === 'hibmc-drm');
    expect(hibmc.length).toBe(1);
    expect(hibmc[0]!.roles).toEqual(['display']);
    expect(kunpeng.pci.devices.filter((d) => d.roles.includes('gpu'))).toEqual([]);
  });
});

describe('RDMA from drivers and modules', () => {
  it('QLogic IB (class 0x0c06) and HNS3 ports whose lspci -k lists hns_roce_hw_v2 are rdma-capable', () => {
    const ibm = lspci('x86-2s-xeon-e5-sandybridge-ibm-dx360m4-infiniband.txt');
    expect(dev(ibm, '0000:20:00.0').roles).toContain('rdma-capable');
    const kunpeng = lspci('aarch64-huawei-taishan2280v2-kunpeng920-hi1822-switch.txt');
    const hns = kunpeng.pci.devices.filter((d) => d.driver === 'hns3');
    expect(hns.length).toBeGreaterThan(0);
    // The file's `Kernel modules:` lines list hns_roce_hw_v2 (for some ports): the RDMA driver is there.
    expect(kunpeng.pci.devices.some((d) => d.kernelModules?.includes('hns_roce_hw_v2'))).toBe(true);
    // hns_roce_hw_v2 has its own PCI id table, so lspci -k lists it under exactly the
    // functions it drives: the RDMA ports (19e5:a222), not the plain Ethernet ones (a221).
    const withModule = hns.filter((d) => d.kernelModules?.includes('hns_roce_hw_v2'));
    expect(withModule.length).toBeGreaterThan(0);
    expect(withModule.length).toBeLessThan(hns.length);
    for (const d of hns) {
      if (withModule.includes(d)) expect(reason(d, 'rdma-capable')).toMatch(/hns_roce_hw_v2 is among this function's kernel modules/);
      else expect(d.roles).not.toContain('rdma-capable');
    }
    // The Hi1822 (hinic) has no RDMA module: no claim.
    expect(kunpeng.pci.devices.filter((d) => d.driver === 'hinic').every((d) => !d.roles.includes('rdma-capable'))).toBe(true);
  });
});

describe('reasons that match the format', () => {
  it('NVMe from hwloc XML says the XML records no driver', () => {
    const xml = readFileSync(join(FX, 'hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.whole-io.xml'), 'utf8');
    const t = snapshotFromHwlocXml(xml, 'x.xml').topology;
    const nvme = t.pci.devices.filter((d) => d.roles.includes('nvme'));
    expect(nvme.length).toBeGreaterThan(0);
    for (const d of nvme) expect(reason(d, 'nvme')).toMatch(/hwloc XML records no driver/);
  });
});

describe('single functions', () => {
  const base: PciDevice = {
    address: '0000:0a:00.0', parent: null, hostBridge: 'pci0000:0a', numaNode: 0, localCpus: null, localityRule: 'imported',
    classCode: '0x120000', className: 'Processing accelerators', vendorId: '0x1da3', deviceId: '0x1020', vendorName: null, deviceName: null,
    driver: 'habanalabs', iommuGroup: null, link: null, sriov: null, osDevices: [], portKind: 'endpoint', roles: [], roleReasons: [],
  };
  const roles = (d: Partial<PciDevice>, kind?: string) => {
    const all = [{ ...base, ...d }];
    return deriveRoles(all[0]!, roleContext(all, kind ? { kind } : undefined));
  };

  it('class 0x12 is an accelerator (Gaudi 2 [1da3:1020], class 1200 as lspci -vmm shows it)', () => {
    expect(roles({}).map((r) => r.role)).toEqual(['accelerator']);
    expect(roles({ classCode: '0x1200' })[0]!.reason).toMatch(/processing accelerator \(class 0x1200/);
  });

  it('ice is RDMA-capable only when irdma is in the input', () => {
    const nic = { classCode: '0x020000', className: 'Ethernet controller', vendorId: '0x8086', deviceId: '0x159b', driver: 'ice' };
    expect(roles(nic).map((r) => r.role)).toEqual(['dpdk-capable']);
    const withIrdma = [{ ...base, ...nic }, { ...base, address: '0000:0b:00.0', ...nic, kernelModules: ['ice', 'irdma'] }];
    const ctx = roleContext(withIrdma);
    expect(deriveRoles(withIrdma[0]!, ctx).map((r) => r.role)).toEqual(['dpdk-capable', 'rdma-capable']);
  });

  it('a display-class function of another make that NCCL lists as a <gpu> (RCCL dumps of DCU servers) is a GPU', () => {
    const r = roles({ classCode: '0x038000', className: 'Display controller', vendorId: '0x1d94', deviceId: '0x55b7', driver: null, osDevices: [{ name: 'cuda0', kind: 'gpu' }] }, 'nccl-xml');
    expect(r).toEqual([{ role: 'gpu', reason: expect.stringMatching(/compute device cuda0/) }]);
    // A DRM card alone proves nothing: BMC VGAs have one.
    expect(roles({ classCode: '0x030000', vendorId: '0x1d94', driver: null, osDevices: [{ name: 'card0', kind: 'gpu' }] })[0]!.role).toBe('display');
  });

  it('a VGA chip of unknown make with no driver in the input is a display, and says why', () => {
    const r = roles({ classCode: '0x030000', className: 'VGA compatible controller', vendorId: null, deviceId: null, driver: null }, 'hwloc-xml');
    expect(r).toEqual([{ role: 'display', reason: expect.stringMatching(/no compute-GPU vendor or driver \(hwloc XML records no driver\)/) }]);
  });
});
