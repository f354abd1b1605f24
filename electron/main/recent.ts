// The app's recent-files list (userData/recent.json, newest first, at most 10). A
// convenience: an unreadable or unwritable list is an empty one.
import { app } from 'electron';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../topology/export/write-file';

const MAX_RECENT = 10;

function recentFile(): string {
  return join(app.getPath('userData'), 'recent.json');
}

export function recent(): string[] {
  try {
    const v = JSON.parse(readFileSync(recentFile(), 'utf8')) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

export function addRecent(p: string): void {
  const list = [p, ...recent().filter((x) => x !== p)].slice(0, MAX_RECENT);
  try {
    writeFileAtomic(recentFile(), JSON.stringify(list), { force: true });
  } catch {
    /* recent list is a convenience */
  }
  app.addRecentDocument(p);
}
