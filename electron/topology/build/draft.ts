// The builder's working copy of a PCI function: one mutable object per function, made
// once by buildTopology (build/index.ts) and filled in place by the steps after it (bus
// evidence, port kinds, links and roles), instead of each step copying every function.
// Only buildTopology owns drafts; what it returns is read as the readonly PciDevice.
import type { PciDevice } from '../model';

export type DraftDevice = { -readonly [K in keyof PciDevice]: PciDevice[K] };
