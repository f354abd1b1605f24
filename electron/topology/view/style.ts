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
  'accelerator',
  'nvme',
  'dpdk-capable',
  'rdma-capable',
  'sriov-pf',
  'sriov-vf',
  'switch',
  'root-port',
  'display',
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
  /** Border width in px (default 1.5). */
  readonly borderWidth?: number;
}

/**
 * Okabe & Ito's colour-blind-safe palette (orange #E69F00, sky blue #56B4E9, bluish green
 * #009E73, yellow #F0E442, blue #0072B2, vermillion #D55E00, reddish purple #CC79A7) as
 * borders, with light tints as fills (dark tones in the dark theme). Where two roles
 * share a hue they differ by shape and border: DPDK-bound is a cut-corner box with a
 * thick solid border, DPDK-capable a rounded box with a dashed border, a plain NIC a
 * thin grey border; the same for SPDK (userspace) vs NVMe (kernel).
 */
export const ROLE_STYLE: Readonly<Record<ViewRole, RoleStyle>> = {
  dpdk: { label: 'DPDK-bound', meaning: 'bound to vfio-pci / uio (userspace)', fill: { light: '#f6d5bf', dark: '#5c2a08' }, border: { light: '#D55E00', dark: '#ff8c42' }, shape: 'cut-rectangle', borderWidth: 3 },
  spdk: { label: 'SPDK NVMe', meaning: 'NVMe on a userspace driver', fill: { light: '#f1d6e6', dark: '#4d2440' }, border: { light: '#a8467f', dark: '#e3a3c9' }, shape: 'cut-rectangle', borderWidth: 3 },
  rdma: { label: 'RDMA', meaning: 'has an InfiniBand/RoCE device', fill: { light: '#fbe7bd', dark: '#574000' }, border: { light: '#b57d00', dark: '#E69F00' }, shape: 'round-rectangle', borderWidth: 2 },
  cxl: { label: 'CXL', meaning: 'CXL memory device', fill: { light: '#c4ecdf', dark: '#00402e' }, border: { light: '#009E73', dark: '#3fd1a6' }, shape: 'round-rectangle', borderWidth: 2 },
  gpu: { label: 'GPU', meaning: 'compute GPU (3D controller, GPU vendor or driver)', fill: { light: '#cbe0f0', dark: '#0b3350' }, border: { light: '#0072B2', dark: '#5cb3e8' }, shape: 'round-rectangle', borderWidth: 2 },
  accelerator: { label: 'Accelerator', meaning: 'processing accelerator / co-processor', fill: { light: '#e3eef7', dark: '#14283a' }, border: { light: '#0072B2', dark: '#5cb3e8' }, shape: 'cut-rectangle', borderWidth: 2 },
  nvme: { label: 'NVMe', meaning: 'NVMe on the kernel driver', fill: { light: '#f7ebf2', dark: '#35202d' }, border: { light: '#CC79A7', dark: '#CC79A7' }, shape: 'round-rectangle' },
  'dpdk-capable': { label: 'DPDK-capable', meaning: 'NIC with a DPDK PMD (kernel-bound)', fill: { light: '#fcefe6', dark: '#3a2518' }, border: { light: '#D55E00', dark: '#ff8c42' }, shape: 'round-rectangle', dashed: true },
  'rdma-capable': { label: 'RDMA-capable', meaning: 'InfiniBand / RoCE-capable NIC, no RDMA device yet', fill: { light: '#fdf5e1', dark: '#3a2f10' }, border: { light: '#b57d00', dark: '#E69F00' }, shape: 'round-rectangle', dashed: true },
  'sriov-pf': { label: 'SR-IOV PF', meaning: 'physical function with VFs', fill: { light: '#dcf0fb', dark: '#173a4f' }, border: { light: '#2b8fc7', dark: '#56B4E9' }, shape: 'round-rectangle', borderWidth: 2 },
  'sriov-vf': { label: 'SR-IOV VF', meaning: 'virtual function', fill: { light: '#f0f8fd', dark: '#1b2a33' }, border: { light: '#56B4E9', dark: '#56B4E9' }, shape: 'round-rectangle', dashed: true },
  switch: { label: 'Switch port', meaning: 'PCIe switch up/downstream port', fill: { light: '#fbf7c9', dark: '#45421a' }, border: { light: '#8c8200', dark: '#F0E442' }, shape: 'rectangle' },
  'root-port': { label: 'Root port', meaning: 'PCIe root port', fill: { light: '#e6e6e6', dark: '#30343a' }, border: { light: '#555555', dark: '#b0b0b0' }, shape: 'rectangle' },
  display: { label: 'Display', meaning: 'BMC / virtual VGA (not a compute GPU)', fill: { light: '#eef3f7', dark: '#252b31' }, border: { light: '#6f8ca3', dark: '#8aa4b8' }, shape: 'round-rectangle', borderWidth: 1 },
  bridge: { label: 'Bridge / platform', meaning: 'PCI bridge, host bridge, folded platform functions', fill: { light: '#f2f2f2', dark: '#2a2e33' }, border: { light: '#999999', dark: '#8a8a8a' }, shape: 'rectangle' },
  other: { label: 'Other', meaning: 'no special role', fill: { light: '#ffffff', dark: '#1e2125' }, border: { light: '#999999', dark: '#6a6a6a' }, shape: 'round-rectangle', borderWidth: 1 },
};

/** Markers drawn over the role style. */
export const MARKER_STYLE = {
  downgraded: { label: 'Link downgraded', meaning: 'trained below what both ends support (current vs capable shown)', colour: { light: '#D55E00', dark: '#ff8c42' }, width: 3 },
  localityUnknown: { label: 'Locality unknown', meaning: 'numa_node -1 and no other rule names a node', colour: { light: '#999999', dark: '#b0b0b0' } },
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
