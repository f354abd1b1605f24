// Finds and inflates the pci.ids database the project ships (data/pci.ids.gz), once,
// lazily. It does not consult the system's copy: the same capture names the same
// everywhere (see data/PCI-IDS-LICENSE.md).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { indexPciIds, type PciIdsIndex } from '../parse/pci-ids';

let cached: PciIdsIndex | null | undefined;

function candidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const env = process.env['TOPOLENS_PCI_IDS'];
  return [
    ...(env ? [env] : []),
    join(here, '../data/pci.ids.gz'), // source tree (electron/topology/sources)
    join(here, 'data/pci.ids.gz'), // bundles copy data/ beside themselves
    join(here, '../../electron/topology/data/pci.ids.gz'), // out/cli, out/main
    join(here, '../../../electron/topology/data/pci.ids.gz'),
  ];
}

/** The shipped database, indexed; null when it cannot be found (names stay null). */
export function loadPciIds(): PciIdsIndex | null {
  if (cached !== undefined) return cached;
  cached = null;
  for (const file of candidates()) {
    if (!existsSync(file)) continue;
    try {
      const raw = readFileSync(file);
      const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
      cached = indexPciIds(text);
      break;
    } catch {
      // try the next candidate
    }
  }
  return cached;
}
