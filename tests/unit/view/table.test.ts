// The function table: one row per function, filter like the graph search, sort by any
// column, CSV that an RFC 4180 reader gets back exactly, Markdown with escaped pipes.
import { describe, expect, it } from 'vitest';
import { tableCsv, tableMarkdown, tableRow, tableRows, TABLE_COLUMNS, usableDrivers } from '../../../electron/topology/view/table';
import { dev, snap } from './synth';

/** A small RFC 4180 reader (quoted fields, doubled quotes, CRLF records), written for this test. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    }
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  return rows;
}

const t = snap([
  dev('0000:3b:00.0', { numaNode: 1, localCpus: '2-3', driver: 'mlx5_core', vendorName: 'Mellanox Technologies', deviceName: 'MT28908 Family [ConnectX-6]', roles: ['rdma', 'dpdk-capable'], osDevices: [{ name: 'ens1f0np0', kind: 'net' }, { name: 'mlx5_0', kind: 'rdma' }], link: { speed: '16 GT/s', width: 16, maxSpeed: '16 GT/s', maxWidth: 16, downgraded: false } }),
  dev('0000:5e:00.0', { numaNode: 0, driver: 'vfio-pci', deviceName: 'Ethernet 800 "E810", rev | 2', roles: ['dpdk'] }),
  dev('0000:af:00.0', { numaNode: null, localityRule: 'unknown', classCode: '0x010802', className: 'Non-Volatile memory controller', deviceName: 'NVMe SSD', driver: 'nvme', roles: ['nvme'], link: { speed: '8 GT/s', width: 2, maxSpeed: '8 GT/s', maxWidth: 4, downgraded: true } }),
]);

describe('function table', () => {
  it('has one row per function with locality, drivers, link and OS devices', () => {
    const r = tableRow(t.pci.devices[0]!);
    expect(r).toMatchObject({ address: '0000:3b:00.0', numa: '1', cpus: '2-3', driver: 'mlx5_core', roles: 'rdma dpdk-capable', os: 'ens1f0np0 mlx5_0', link: 'x16 · 16 GT/s ≈ 31.5 GB/s' });
    expect(r.name).toBe('Mellanox Technologies MT28908 Family [ConnectX-6]');
    expect(tableRow(t.pci.devices[2]!).numa).toBe('unknown');
    // 8 GT/s, 128b/130b: 0.985 GB/s per lane.
    expect(tableRow(t.pci.devices[2]!).link).toBe('⚠ x2 · 8 GT/s ≈ 1.97 GB/s (capable x4 · 8 GT/s ≈ 3.94 GB/s)');
  });
  it('says which userspace driver could take a function, or that one has it', () => {
    expect(usableDrivers(t.pci.devices[0]!)).toMatch(/bifurcated/);
    expect(usableDrivers(t.pci.devices[1]!)).toBe('DPDK in use (vfio-pci)');
    expect(usableDrivers(t.pci.devices[2]!)).toMatch(/^SPDK: vfio-pci/);
  });
  it('filters with the search words and sorts by any column, both ways', () => {
    expect(tableRows(t, 'mlx5').map((r) => r.address)).toEqual(['0000:3b:00.0']);
    expect(tableRows(t, 'vfio').map((r) => r.address)).toEqual(['0000:5e:00.0']);
    expect(tableRows(t, '', 'numa').map((r) => r.numa)).toEqual(['0', '1', 'unknown']);
    expect(tableRows(t, '', 'numa', true).map((r) => r.numa)).toEqual(['unknown', '1', '0']);
    // Addresses in bus order (hex), not text order: 03:02.0 before 03:0a.0 before 03:10.0.
    const hex = snap(['0000:03:10.0', '0000:03:0a.0', '0000:03:02.0', '0000:00:1f.0'].map((a) => dev(a)));
    expect(tableRows(hex).map((r) => r.address)).toEqual(['0000:00:1f.0', '0000:03:02.0', '0000:03:0a.0', '0000:03:10.0']);
  });
  it('writes CSV an RFC 4180 reader gets back exactly', () => {
    const rows = tableRows(t);
    const back = readCsv(tableCsv(rows));
    expect(back[0]).toEqual(TABLE_COLUMNS.map((c) => c.label));
    expect(back.slice(1)).toEqual(rows.map((r) => TABLE_COLUMNS.map((c) => r[c.key])));
    expect(back[2]![1]).toBe('Intel Corporation Ethernet 800 "E810", rev | 2');
  });
  it('writes a Markdown table with one cell per column on every line', () => {
    const md = tableMarkdown(tableRows(t)).trimEnd().split('\n');
    expect(md.length).toBe(2 + t.pci.devices.length);
    for (const line of md) expect(line.replace(/\\\|/g, '').split('|').length - 2).toBe(TABLE_COLUMNS.length);
  });
});
