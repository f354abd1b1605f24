// Colours, shapes and markers per device role, in light and dark themes: the one
// definition the app's Cytoscape stylesheet and the CLI's SVG export both draw from.
// Pure data and small lookups; it knows nothing of Cytoscape or SVG syntax.
import type { PciDevice } from '../model';

export type ThemeName = 'light' | 'dark';

/** Roles the view distinguishes, in priority order: a device is drawn as its first match. */
export const ROLE_ORDER = [
  'dpdk',
  'spdk',
  'rdma',
  'cxl',
  'gpu',
  'nvme',
  'dpdk-capable',
  'sriov-pf',
  'sriov-vf',
  'switch',
  'root-port',
  'bridge',
] as const;
export type ViewRole = (typeof ROLE_ORDER)[number] | 'other';

export interface RoleStyle {
  readonly label: string;
  /** What the legend says the colour means. */
  readonly meaning: string;
  readonly fill: Readonly<Record<ThemeName, string>>;
  readonly border: Readonly<Record<ThemeName, string>>;
  readonly shape: 'round-rectangle' | 'rectangle' | 'cut-rectangle';
  readonly dashed?: boolean;
}

export const ROLE_STYLE: Readonly<Record<ViewRole, RoleStyle>> = {
  dpdk: { label: 'DPDK-bound', meaning: 'bound to vfio-pci / uio (userspace)', fill: { light: '#ffc9c9', dark: '#7a1f1f' }, border: { light: '#c92a2a', dark: '#ff8787' }, shape: 'round-rectangle' },
  spdk: { label: 'SPDK NVMe', meaning: 'NVMe on a userspace driver', fill: { light: '#d0bfff', dark: '#3f2a7a' }, border: { light: '#6741d9', dark: '#b197fc' }, shape: 'round-rectangle' },
  rdma: { label: 'RDMA', meaning: 'has an InfiniBand/RoCE device', fill: { light: '#ffd8a8', dark: '#6b3a06' }, border: { light: '#e8590c', dark: '#ffa94d' }, shape: 'round-rectangle' },
  cxl: { label: 'CXL', meaning: 'CXL memory device', fill: { light: '#99e9f2', dark: '#0b4f5a' }, border: { light: '#0c8599', dark: '#66d9e8' }, shape: 'round-rectangle' },
  gpu: { label: 'GPU', meaning: 'display / accelerator', fill: { light: '#b2f2bb', dark: '#1d4d27' }, border: { light: '#2b8a3e', dark: '#8ce99a' }, shape: 'round-rectangle' },
  nvme: { label: 'NVMe', meaning: 'NVMe on the kernel driver', fill: { light: '#eeddd0', dark: '#4a3426' }, border: { light: '#8d5a3b', dark: '#d9a47f' }, shape: 'round-rectangle' },
  'dpdk-capable': { label: 'DPDK-capable', meaning: 'NIC with a DPDK PMD (kernel-bound)', fill: { light: '#fff0f0', dark: '#3d2626' }, border: { light: '#f08c8c', dark: '#e09a9a' }, shape: 'round-rectangle' },
  'sriov-pf': { label: 'SR-IOV PF', meaning: 'physical function with VFs', fill: { light: '#d0ebff', dark: '#183b5c' }, border: { light: '#1971c2', dark: '#74c0fc' }, shape: 'round-rectangle' },
  'sriov-vf': { label: 'SR-IOV VF', meaning: 'virtual function', fill: { light: '#eef7ff', dark: '#1c2a38' }, border: { light: '#74c0fc', dark: '#4d7ea8' }, shape: 'round-rectangle', dashed: true },
  switch: { label: 'Switch port', meaning: 'PCIe switch up/downstream port', fill: { light: '#f4f6c4', dark: '#43451a' }, border: { light: '#8f9400', dark: '#d8dc6a' }, shape: 'rectangle' },
  'root-port': { label: 'Root port', meaning: 'PCIe root port', fill: { light: '#e9ecef', dark: '#2f343a' }, border: { light: '#495057', dark: '#adb5bd' }, shape: 'rectangle' },
  bridge: { label: 'Bridge', meaning: 'PCI bridge / host bridge', fill: { light: '#f1f3f5', dark: '#2a2e33' }, border: { light: '#868e96', dark: '#868e96' }, shape: 'rectangle' },
  other: { label: 'Other', meaning: 'no special role', fill: { light: '#ffffff', dark: '#1e2125' }, border: { light: '#adb5bd', dark: '#5c636a' }, shape: 'round-rectangle' },
};

/** Markers drawn over the role style. */
export const MARKER_STYLE = {
  downgraded: { label: 'Link downgraded', meaning: 'trained below its max speed/width', colour: { light: '#e8590c', dark: '#ff922b' }, width: 3 },
  localityUnknown: { label: 'Locality unknown', meaning: 'numa_node -1, no usable local_cpulist', colour: { light: '#868e96', dark: '#adb5bd' } },
} as const;

/** Colours of everything that is not a device. */
export const THEME: Readonly<Record<ThemeName, {
  background: string; text: string; muted: string; edge: string; edgeHidden: string;
  numaFill: string; numaBorder: string; unknownFill: string; machineFill: string; machineText: string;
  complexFill: string; complexBorder: string; cpusFill: string; cpusBorder: string; gridFill: string;
  select: string; path: string; match: string;
}>> = {
  light: {
    background: '#ffffff', text: '#212529', muted: '#6c757d', edge: '#adb5bd', edgeHidden: '#ced4da',
    numaFill: '#f8f9fa', numaBorder: '#868e96', unknownFill: '#fff9db', machineFill: '#343a40', machineText: '#ffffff',
    complexFill: '#dee2e6', complexBorder: '#495057', cpusFill: '#e7f5ff', cpusBorder: '#1c7ed6', gridFill: '#f1f3f5',
    select: '#1c7ed6', path: '#339af0', match: '#f59f00',
  },
  dark: {
    background: '#16181b', text: '#e9ecef', muted: '#adb5bd', edge: '#5c636a', edgeHidden: '#3d4248',
    numaFill: '#1f2226', numaBorder: '#6c757d', unknownFill: '#2b2716', machineFill: '#dee2e6', machineText: '#16181b',
    complexFill: '#343a40', complexBorder: '#adb5bd', cpusFill: '#17314a', cpusBorder: '#4dabf7', gridFill: '#25292e',
    select: '#4dabf7', path: '#74c0fc', match: '#fab005',
  },
};

/** Font shared by the layout's size estimate, the canvas and the SVG (monospace: widths are predictable). */
export const FONT = {
  family: '"DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace',
  size: 11,
  /** Advance of one character in px (0.602 em for DejaVu Sans Mono; Menlo/Consolas are within 2%). */
  charWidth: 6.7,
  lineHeight: 14,
} as const;

const BRIDGE_KINDS = new Set(['pci-bridge', 'host-bridge']);

/** The role a device is drawn as. */
export function primaryRole(d: Pick<PciDevice, 'roles' | 'portKind'>): ViewRole {
  for (const r of ROLE_ORDER) if (d.roles.includes(r)) return r;
  if (BRIDGE_KINDS.has(d.portKind)) return 'bridge';
  return 'other';
}

/** Every view role a device has (its roles that the view knows, plus bridge). */
export function viewRoles(d: Pick<PciDevice, 'roles' | 'portKind'>): ViewRole[] {
  const out = ROLE_ORDER.filter((r) => d.roles.includes(r)) as ViewRole[];
  if (BRIDGE_KINDS.has(d.portKind)) out.push('bridge');
  return out;
}
