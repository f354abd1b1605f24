// NCCL topology XML parser on real files (fixtures/nccl): every element the file holds is
// read (counted here by a plain text scan), CPU masks decode to the CPUs a BigInt reading
// of the same mask gives, and hostile input ends in one error, never an exception.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { looksLikeNcclXml, parseNcclXml } from '../../../electron/topology/parse/nccl-xml';

const fx = (p: string): string => readFileSync(join(__dirname, '../../../fixtures/nccl', p), 'utf8');
const count = (text: string, re: RegExp): number => (text.match(re) ?? []).length;

/** CPUs of a kernel cpumask by BigInt arithmetic (an independent reading of the format). */
function maskCpus(mask: string): number[] {
  const v = BigInt(`0x${mask.replace(/,/g, '')}`);
  const out: number[] = [];
  for (let i = 0; (v >> BigInt(i)) > 0n; i++) if ((v >> BigInt(i)) & 1n) out.push(i);
  return out;
}

describe('NCCL topology XML', () => {
  it('IBM Cloud 8xH100 dump: CPUs, functions, GPUs and nets as written', () => {
    const text = fx('ibm-cloud-gx3d-h100-vsi.xml');
    const x = parseNcclXml(text, 'ibm.xml');
    expect(x.diagnostics).toEqual([]);
    expect(x.version).toBe('1');
    expect(looksLikeNcclXml(text)).toBe(true);
    const masks = [...text.matchAll(/<cpu [^>]*affinity="([^"]+)"/g)].map((m) => m[1]!);
    expect(x.cpus.map((c) => c.cpus)).toEqual(masks.map(maskCpus));
    expect(x.cpus.map((c) => [c.numaId, c.arch, c.vendor, c.familyId, c.modelId])).toEqual([
      [0, 'x86_64', 'GenuineIntel', 6, 143],
      [1, 'x86_64', 'GenuineIntel', 6, 143],
    ]);
    expect(x.pci.length).toBe(count(text, /<pci /g));
    expect(x.pci.filter((p) => p.gpu).length).toBe(count(text, /<gpu /g));
    expect(x.pci.flatMap((p) => p.nets).length).toBe(count(text, /<net /g));
    // Each GPU and NIC sits in the bridge element around it; the bridges under the CPUs.
    for (const p of x.pci) {
      if (p.classCode === '0x060400') expect(p.parent).toBeNull();
      else expect(x.pci.find((b) => b.busId === p.parent)?.classCode).toBe('0x060400');
    }
    const gpu0 = x.pci.find((p) => p.gpu?.dev === 0)!;
    expect(gpu0).toMatchObject({ busId: '0000:a4:00.0', parent: '0000:a1:00.0', cpu: 0, vendor: '0x10de', device: '0x2330', linkSpeed: '32.0 GT/s PCIe', linkWidth: 0 });
    expect(gpu0.gpu!.nvlinks.map((l) => l.count)).toEqual([5, 5, 4, 4]);
    const nic = x.pci.find((p) => p.nets.some((n) => n.name === 'mlx5_0'))!;
    expect(nic).toMatchObject({ busId: '0000:e9:00.0', cpu: 1 });
    expect(nic.nets[0]).toMatchObject({ speed: 200000, port: 1, guid: '0xd4f6e30003e1a258', gdr: true });
  });

  it('AWS static p4d file: comments, placeholder bridges and bare <pci> leaves', () => {
    const text = fx('aws-p4d-24xl-static.xml');
    expect(looksLikeNcclXml(text)).toBe(true); // a leading comment before <system>
    const x = parseNcclXml(text);
    expect(x.diagnostics).toEqual([]);
    expect(x.pci.length).toBe(count(text, /<pci /g));
    expect(x.pci.filter((p) => p.busId.startsWith('ffff:ff:')).map((p) => p.vendor)).toEqual(['0xffff', '0xffff', '0xffff', '0xffff']);
    expect(x.cpus.map((c) => c.cpus?.length)).toEqual([48, 48]);
  });

  it('numaid -1, a NIC with no PCI function, and an unknown element', () => {
    const x = parseNcclXml(
      '<system version="1"><cpu numaid="-1" arch="x86_64"><pci busid="0000:05:00.0" class="0x030200" link_speed="" link_width="">' +
        '<gpu dev="0" sm="90" rank="0" gdr="1"/></pci><nic><net name="eth0" dev="0" speed="10000" port="0"/></nic><frob/></cpu></system>',
    );
    expect(x.cpus[0]).toMatchObject({ numaId: null, cpus: null });
    expect(x.pci[0]).toMatchObject({ linkSpeed: null, linkWidth: null, cpu: 0 });
    expect(x.cpuNets.map((n) => n.net.name)).toEqual(['eth0']);
    expect(x.diagnostics.map((d) => d.message)).toEqual(['element <frob> is not part of NCCL\'s topology format; ignored']);
  });

  it('hostile or foreign input: one error, no exception', () => {
    for (const bad of ['', '<system', '<topology version="2.0"/>', '<!DOCTYPE x [<!ENTITY a "b">]><system/>', '<system>' + '<pci>'.repeat(100)]) {
      const x = parseNcclXml(bad, 'bad.xml');
      expect(x.diagnostics.filter((d) => d.severity === 'error').length).toBe(1);
    }
    expect(looksLikeNcclXml('<?xml version="1.0"?>\n<topology version="2.0">')).toBe(false);
  });
});
