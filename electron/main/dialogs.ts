// The app's open and save dialogs. Paths come only from these dialogs (or the command
// line), never from the page; saves are atomic writes after the dialog asked before
// replacing a file.
import { app, dialog, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import type { ExportKind } from '../ipc';
import { writeFileAtomic } from '../topology/export/write-file';

export async function chooseInput(win: BrowserWindow | null, folder = false): Promise<string | undefined> {
  if (!win) return undefined;
  const r = await dialog.showOpenDialog(win, {
    title: folder ? 'Open a sysfs folder (holding sys/ and proc/)' : 'Open a capture, snapshot, lspci or hwloc XML file',
    properties: folder ? ['openDirectory'] : ['openFile'],
    filters: folder ? [] : [
      { name: 'Topology inputs', extensions: ['gz', 'tgz', 'bz2', 'json', 'xml', 'txt'] },
      { name: 'All files', extensions: ['*'] },
    ],
  });
  return r.canceled ? undefined : r.filePaths[0];
}

const FILTERS: Record<ExportKind, Electron.FileFilter> = {
  svg: { name: 'SVG image', extensions: ['svg'] },
  png: { name: 'PNG image', extensions: ['png'] },
  json: { name: 'topolens snapshot', extensions: ['json'] },
  text: { name: 'Text', extensions: ['txt'] },
};

/** Save dialog (it asks before replacing a file), then an atomic write. */
export async function saveDialog(win: BrowserWindow | null, kind: ExportKind | 'capture', data: () => string | Uint8Array, defaultName: string): Promise<string | null> {
  if (!win) return null;
  const r = await dialog.showSaveDialog(win, {
    defaultPath: join(app.getPath('documents'), defaultName),
    filters: kind === 'capture' ? [{ name: 'Capture archive', extensions: ['gz'] }] : [FILTERS[kind]],
    properties: ['showOverwriteConfirmation', 'createDirectory'],
  });
  if (r.canceled || !r.filePath) return null;
  writeFileAtomic(r.filePath, data(), { force: true });
  return r.filePath;
}

/** Capture this machine (or TOPOLENS_FS_ROOT) into an archive chosen in a save dialog. */
export async function saveCapture(win: BrowserWindow | null): Promise<string | null> {
  const { captureArchive } = await import('../topology/sources/capture');
  const name = `topolens-capture-${new Date().toISOString().slice(0, 10)}.tar.gz`;
  return saveDialog(win, 'capture', () => captureArchive(process.env['TOPOLENS_FS_ROOT'] ?? '/').bytes, name);
}
