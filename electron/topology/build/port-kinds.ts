// Port kinds from the tree's shape, for every input: host bridge functions, and bridges
// whose input could not show the PCIe capability (64 bytes of config space without
// root, lspci without -vv, hwloc XML). It reads nothing but the drafts and sets their
// portKind in place (build/draft.ts); nothing else.
import type { PciDevice, PortKind } from '../model';
import type { DraftDevice } from './draft';

/**
 * A host bridge function (class 06 00) on a root bus that is not itself a bridge to a
 * secondary bus is the root complex's own function, whatever capability it prints (some
 * show a Root Port capability for their DMI link): 'host-bridge'. The source of the kind
 * (`portKindSource`) is left as the input said.
 */
export function markHostBridgeFunctions(devices: readonly DraftDevice[]): void {
  for (const d of devices) {
    if (d.parent === null && d.portKind !== 'host-bridge' && d.classCode?.startsWith('0x0600') === true && d.secondaryBus == null) d.portKind = 'host-bridge';
  }
}

/**
 * Without the PCIe capability (non-root captures give 64 bytes of config space),
 * decide bridge roles from the tree's shape: a bridge on a root bus is a root port
 * (unless it is a subtractive-decode PCI bridge), a bridge with bridges below it is a
 * switch's upstream port, the bridges below an upstream port are its downstream ports.
 */
export function refinePortKinds(devices: readonly DraftDevice[]): void {
  // Only kinds the input could not show (portKindSource 'shape') are decided here.
  if (!devices.some((d) => d.portKindSource === 'shape')) return;
  const byAddr = new Map(devices.map((d) => [d.address, d] as const));
  const childBridges = new Map<string, number>();
  const isBridge = (d: PciDevice) => d.portKind !== 'endpoint' && d.portKind !== 'host-bridge' && d.portKind !== 'rc-endpoint' && d.portKind !== 'rc-event-collector';
  for (const d of devices) if (d.parent && isBridge(d)) childBridges.set(d.parent, (childBridges.get(d.parent) ?? 0) + 1);
  const decided = new Map<string, PortKind>();
  const kindOf = (d: PciDevice, depth = 0): PortKind => {
    const known = decided.get(d.address);
    if (known) return known;
    let k = d.portKind;
    // A host-bridge class function on a root bus (its class known only once the builder
    // recovered it from a printed name, lspci without -nn) is the host bridge, as lspci's
    // reader decides when the class is printed.
    if (d.portKindSource === 'shape' && k === 'endpoint' && !d.parent && (d.classCode ?? '').startsWith('0x0600') && d.secondaryBus == null) k = 'host-bridge';
    if (d.portKindSource === 'shape' && k === 'pci-bridge' && depth < 64) {
      const parent = d.parent ? byAddr.get(d.parent) : undefined;
      const subtractive = d.classCode === '0x060401';
      if (!d.parent) k = subtractive ? 'pci-bridge' : 'root-port';
      else if (parent && kindOf(parent, depth + 1) === 'switch-upstream') k = 'switch-downstream';
      else if ((childBridges.get(d.address) ?? 0) > 0 && !subtractive) k = 'switch-upstream';
      else k = 'pci-bridge';
    }
    decided.set(d.address, k);
    return k;
  };
  // A draft changes only once kindOf has decided it, so no later decision reads a changed kind.
  for (const d of devices) {
    const k = kindOf(d);
    if (k !== d.portKind) d.portKind = k;
  }
}

