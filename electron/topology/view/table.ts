// The function table: one row per PCI function, like `dpdk-devbind.py --status` and
// SPDK's `setup.sh status` but for every function (address, name, NUMA node, local
// CPUs, driver and the userspace drivers it could use, roles, link, OS devices), with
// sorting, filtering and CSV / Markdown output. Pure; the renderer's table panel draws it.
import type { PciDevice, Snapshot } from '../model';
import { linkLabel } from '../export/describe';
import { cmpAddr, deviceName } from './scene';
import { matchDevice, searchText } from './search';

export interface TableColumn {
  readonly key: keyof TableRow;
  readonly label: string;
}

export interface TableRow {
  readonly address: string;
  readonly name: string;
  readonly numa: string;
  readonly cpus: string;
  readonly driver: string;
  /** Userspace drivers that could take it (DPDK / SPDK), or what already has it. */
  readonly usable: string;
  readonly roles: string;
  readonly link: string;
  readonly os: string;
}

export const TABLE_COLUMNS: readonly TableColumn[] = [
  { key: 'address', label: 'Address' },
  { key: 'name', label: 'Name' },
  { key: 'numa', label: 'NUMA' },
  { key: 'cpus', label: 'Local CPUs' },
  { key: 'driver', label: 'Driver' },
  { key: 'usable', label: 'DPDK / SPDK' },
  { key: 'roles', label: 'Roles' },
  { key: 'link', label: 'Link' },
  { key: 'os', label: 'OS devices' },
];

/** What a userspace framework could do with the function, from its roles (each role carries its reason in the details). */
export function usableDrivers(d: PciDevice): string {
  if (d.roles.includes('dpdk')) return `DPDK in use (${d.driver ?? d.driverOverride ?? 'userspace'})`;
  if (d.roles.includes('spdk')) return `SPDK in use (${d.driver ?? d.driverOverride ?? 'userspace'})`;
  if (d.roles.includes('dpdk-capable')) return d.driver === 'mlx5_core' ? 'DPDK: mlx5 PMD on mlx5_core (bifurcated)' : 'DPDK: vfio-pci';
  if (d.roles.includes('nvme')) return 'SPDK: vfio-pci / uio_pci_generic';
  return '';
}

export function tableRow(d: PciDevice): TableRow {
  const l = d.link;
  const link = l ? (l.downgraded ? `⚠ ${linkLabel(l)} (capable ${linkLabel({ ...l, speed: l.maxSpeed, width: l.maxWidth })})` : linkLabel(l)) : '';
  return {
    address: d.address,
    name: `${d.vendorName ? `${d.vendorName} ` : ''}${deviceName(d)}`,
    numa: d.numaNode === null ? 'unknown' : String(d.numaNode),
    cpus: d.localCpus ?? '',
    driver: d.driver ?? (d.driverOverride ? `override ${d.driverOverride}` : ''),
    usable: usableDrivers(d),
    roles: d.roles.join(' '),
    link,
    os: d.osDevices.map((o) => o.name).join(' '),
  };
}

const collator = new Intl.Collator('en', { numeric: true });

/** Rows of the devices matching `filter` (search words, as the graph's search), sorted by a column. */
export function tableRows(t: Snapshot, filter = '', sortKey: keyof TableRow = 'address', descending = false): TableRow[] {
  const devs = filter.trim() ? t.pci.devices.filter((d) => matchDevice(d, filter, `${searchText(d)} ${d.numaNode ?? 'unknown'}`)) : t.pci.devices;
  const rows = devs.map(tableRow);
  rows.sort((a, b) => (sortKey === 'address' ? 0 : collator.compare(a[sortKey], b[sortKey])) || cmpAddr(a.address, b.address));
  if (descending) rows.reverse();
  return rows;
}

/** RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled. */
export function tableCsv(rows: readonly TableRow[]): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [TABLE_COLUMNS.map((c) => cell(c.label)).join(',')];
  for (const r of rows) lines.push(TABLE_COLUMNS.map((c) => cell(r[c.key])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** GitHub-flavoured Markdown table (pipes and backslashes escaped). */
export function tableMarkdown(rows: readonly TableRow[]): string {
  const cell = (v: string) => v.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const lines = [`| ${TABLE_COLUMNS.map((c) => c.label).join(' | ')} |`, `|${TABLE_COLUMNS.map(() => ' --- ').join('|')}|`];
  for (const r of rows) lines.push(`| ${TABLE_COLUMNS.map((c) => cell(r[c.key])).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}
