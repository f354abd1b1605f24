// The one shape every source yields (sysfs, lspci, hwloc XML, live): what the input
// says, with where each piece came from, before anything is derived. build/ turns it
// into the Topology. No logic here, and nothing looked up (no pci.ids, no port kinds
// from the tree's shape, no derived locality): that is build/'s job.
import type { CxlInfo, Diagnostic, HostBridge, LinkInfo, Machine, NumaNode, OsDevice, PciDevice, Cpu, SourceKind } from './model';

/**
 * One PCI function as its source read it. The fields are the model's, in the order the
 * source lists them (the builder keeps that order, so exports stay byte-stable), except:
 *  - `vendorId`/`deviceId` may be null: the input did not show them (lspci without
 *    -nn). The builder may recover them from the names (see build/names.ts), else
 *    writes 0xffff and the source's diagnostic says why;
 *  - `vendorName`/`deviceName`/`className` are what the input printed, null when it
 *    printed none: the builder fills the gaps from pci.ids;
 *  - `osDevices` is filled by the builder from the records' `osDevices` list;
 *  - `portKind` is what the input's evidence says (a PCIe capability, a host-bridge
 *    class on a root bus, or 'pci-bridge' for "some bridge": the builder refines those
 *    with `portKindSource: 'shape'` from the tree's shape);
 *  - `roles`/`roleReasons` are left to annotate/.
 */
export type PciFunctionFacts = Omit<PciDevice, 'vendorId' | 'deviceId' | 'vendorName' | 'deviceName' | 'className' | 'osDevices' | 'roles' | 'roleReasons'> & {
  readonly vendorId: string | null;
  readonly deviceId: string | null;
  readonly vendorName: string | null;
  readonly deviceName: string | null;
  readonly className?: string | null;
  readonly osDevices?: readonly OsDevice[];
  readonly roles?: readonly string[];
  readonly roleReasons?: PciDevice['roleReasons'];
};

export interface PciFunctionRecord {
  /** The function's facts (see PciFunctionFacts). */
  readonly fn: PciFunctionFacts;
  /** Where it came from: its sysfs folder (each attribute is a file in it), or `file:line`. */
  readonly from: string;
  /**
   * The vendor and device name as one printed text, IDs removed ("Intel Corporation
   * I210 Gigabit Network Connection"), when the input does not print them apart
   * (lspci without -mm): build/names.ts splits it at the pci.ids vendor name.
   */
  readonly nameText?: string | null;
  /** Where an attribute came from when not from `from` itself: attribute → file or file:line. */
  readonly attrFrom?: Readonly<Record<string, string>>;
  /**
   * When `fn.classCode` is null but the input printed the class by name (lspci without
   * -nn): the prog-if byte it printed ("02"), null when it printed none. build/names.ts
   * maps `fn.className` and this to the class code.
   */
  readonly printedProgIf?: string | null;
  /** The `Subsystem:` text as printed when it carries no IDs ("Dell Device 1f3f"). */
  readonly subsystemText?: string | null;
  /**
   * When the input does not name the function's parent (lspci): what build/bus-tree.ts
   * decides it from. `fn.parent` and `fn.hostBridge` are then left to the builder.
   */
  readonly parentEvidence?: ParentEvidence;
  /**
   * The link to show if nothing is found below this port (its slot says empty: the
   * link status it printed is a leftover), when that differs from `fn.link`. Presence
   * detect alone is not trusted, so the builder decides once the tree is known.
   */
  readonly linkIfLeaf?: LinkInfo | null;
}

/** A bridge's `Bus: primary=, secondary=, subordinate=` line as printed. */
export interface BusLines {
  readonly primary: number | null;
  readonly secondary: number;
  readonly subordinate: number | null;
}

/** What places a function in the tree when its input does not name its parent. */
export interface ParentEvidence {
  /** The function's own bus lines when it is a bridge that printed them; else null. */
  readonly busLines: BusLines | null;
  /** Its parent in the input's -t tree (null: on a root bus); absent when the tree does not list it. */
  readonly treeParent?: string | null;
}

/** An OS device (netdev, RDMA, NVMe, block, DAX, CXL memdev...) and the PCI function it hangs below. */
export interface OsDeviceRecord {
  readonly address: string;
  readonly device: OsDevice;
  /** The class device's folder, or `file:line`. */
  readonly from: string;
}

/** Machine facts the input states (hostname, arch and how it was decided, kernel, CPU model...). */
export type MachineFacts = Omit<Machine, 'cpus'>;

export interface SourceRecords {
  readonly source: { readonly kind: SourceKind; readonly name: string };
  /** How diagnostics about the input as a whole name it (its root or file name). */
  readonly path: string;
  /** When the input was captured; null when it does not say (lspci, hwloc XML). */
  readonly capturedAt: string | null;
  readonly machine: MachineFacts;
  readonly cpus: readonly Cpu[];
  readonly numaNodes: readonly NumaNode[];
  /** PCI functions in the order the source lists them. */
  readonly functions: readonly PciFunctionRecord[];
  readonly osDevices: readonly OsDeviceRecord[];
  /** Root complexes the input names; the builder adds one for any other a function names. */
  readonly hostBridges: readonly HostBridge[];
  readonly cxl: CxlInfo;
  /** What the reader noticed (malformed values, what the format cannot say). */
  readonly diagnostics: readonly Diagnostic[];
  /** `/sys/devices/soc0/soc_id` when the CPUs have MIDRs: names the chip (build/cpus.ts). */
  readonly socId?: string | null;
}
