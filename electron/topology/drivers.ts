// Kernel driver names the engine treats specially. No logic.

/** Userspace I/O drivers DPDK and SPDK bind devices to (dpdk-devbind, spdk setup.sh). The
 *  sysfs reader reads driver_override only for these (or no driver); annotate/roles
 *  names the dpdk/spdk roles from the same set. */
export const USERSPACE_DRIVERS: ReadonlySet<string> = new Set(['vfio-pci', 'uio_pci_generic', 'igb_uio']);
