// Finds the pci.ids database the project ships (data/pci.ids.gz), once, lazily. It does
// not consult the system's copy: the same capture names the same everywhere (see
// data/PCI-IDS-LICENSE.md). Where the build left a compact index beside it
// (pci.ids.idx, scripts/build-cli.mjs), lookups read just the entries they need from
// that; otherwise the text is inflated and indexed. Both give the same names.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { compactPciIdsSource, compactPciNameDb, indexPciIds, textPciNameDb, type PciNameDb } from '../parse/pci-ids';

let cached: PciNameDb | null | undefined;

function candidates(): { file: string; compact: boolean }[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const env = process.env['TOPOLENS_PCI_IDS'];
  return [
    ...(env ? [{ file: env, compact: false }] : []),
    ...[
      join(here, '../data/pci.ids.gz'), // source tree (electron/topology/sources)
      join(here, 'data/pci.ids.gz'), // bundles copy data/ beside themselves
      join(here, '../../electron/topology/data/pci.ids.gz'), // out/cli, out/main
      join(here, '../../../electron/topology/data/pci.ids.gz'),
    ].map((file) => ({ file, compact: true })),
  ];
}

function size(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

/**
 * The compact index beside `file`, when there is one built from a file of its size.
 * The descriptor stays open for the lookups to come (one read-only fd per process).
 */
function openCompact(file: string, fileSize: number): PciNameDb | null {
  let fd: number;
  try {
    fd = openSync(join(dirname(file), 'pci.ids.idx'), 'r');
  } catch {
    return null;
  }
  const read = (position: number, length: number): Uint8Array => {
    const b = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, b, got, length - got, position + got);
      if (n === 0) break;
      got += n;
    }
    return got === length ? b : b.subarray(0, got);
  };
  try {
    const header = read(0, 32);
    if (compactPciIdsSource(header) === fileSize) return compactPciNameDb(header, read);
  } catch {
    // unreadable or not an index: the text path
  }
  closeSync(fd);
  return null;
}

/** The shipped database; null when it cannot be found (names stay null). */
export function loadPciIds(): PciNameDb | null {
  if (cached !== undefined) return cached;
  cached = null;
  for (const { file, compact } of candidates()) {
    const fileSize = size(file);
    if (fileSize === null) continue;
    if (compact) {
      const db = openCompact(file, fileSize);
      if (db) {
        cached = db;
        break;
      }
    }
    try {
      const raw = readFileSync(file);
      const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
      cached = textPciNameDb(indexPciIds(text));
      break;
    } catch {
      // try the next candidate
    }
  }
  return cached;
}

let cachedText: string | null | undefined;

/**
 * The shipped database as text (inflated once), for the reverse lookups of names without
 * IDs (parse/pci-names). Only inputs that lack IDs pay for it; null when it cannot be found.
 */
export function loadPciIdsText(): string | null {
  if (cachedText !== undefined) return cachedText;
  cachedText = null;
  for (const { file } of candidates()) {
    try {
      const raw = readFileSync(file);
      cachedText = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
      break;
    } catch {
      // try the next candidate
    }
  }
  return cachedText;
}
