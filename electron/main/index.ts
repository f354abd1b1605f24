// The Electron main process: one window, menus, and the IPC handlers of the contract
// in ../ipc.ts. Wiring only: loading, exporting and capturing are the engine's. File
// paths come from the command line or from dialogs this process opened, never from
// the page; dropped files arrive as bytes.
import { app, BrowserWindow, dialog, ipcMain, Menu, session, type IpcMainInvokeEvent, type MenuItemConstructorOptions } from 'electron';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkArgs, exportFileName, type EventChannels, type ExportKind, type InvokeChannel, type InvokeChannels, type LoadedTopology, type MenuCommand, type Result } from '../ipc';
import { InputError } from '../topology/errors';
import { exportJson } from '../topology/export/json';
import { exportText } from '../topology/export/text';
import { writeFileAtomic } from '../topology/export/write-file';
import { loadInput } from '../topology/load';

const here = dirname(fileURLToPath(import.meta.url));
const MAX_RECENT = 10;

let win: BrowserWindow | null = null;
/** What Reload re-reads; null for dropped bytes. */
let currentInput: string | undefined;
let current: Result<LoadedTopology> | null = null;

// --- input -------------------------------------------------------------------------

/** FILE from `npm start -- FILE` / `topolens-app FILE`: the first non-flag argument after the app. */
function fileFromArgv(argv: readonly string[]): string | undefined {
  const args = argv.slice(app.isPackaged ? 1 : 2).filter((a) => !a.startsWith('-'));
  return args[0];
}

function message(e: unknown): string {
  if (e instanceof InputError) return `${e.path ? `${e.path}: ` : ''}${e.message}`;
  return `internal error: ${(e as Error).message}`;
}

async function open(input: string | undefined, label = input ?? 'live'): Promise<Result<LoadedTopology>> {
  try {
    const { topology } = await loadInput(input);
    currentInput = input;
    current = { ok: true, value: { snapshot: topology, input: label, reloadable: true } };
    if (input && input !== 'live') addRecent(input);
    win?.setTitle(`topolens — ${topology.machine.hostname ?? basename(label)}`);
  } catch (e) {
    current = { ok: false, error: message(e) };
  }
  return current;
}

function send<C extends keyof EventChannels>(channel: C, payload: EventChannels[C]): void {
  win?.webContents.send(channel, payload);
}

async function openAndNotify(input: string | undefined): Promise<void> {
  const r = await open(input);
  if (!r.ok) dialog.showErrorBox('topolens could not open this input', r.error);
  send('topology:changed', null);
}

// --- recent files ------------------------------------------------------------------

function recentFile(): string {
  return join(app.getPath('userData'), 'recent.json');
}
function recent(): string[] {
  try {
    const v = JSON.parse(readFileSync(recentFile(), 'utf8')) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}
function addRecent(p: string): void {
  const list = [p, ...recent().filter((x) => x !== p)].slice(0, MAX_RECENT);
  try {
    writeFileAtomic(recentFile(), JSON.stringify(list), { force: true });
  } catch {
    /* recent list is a convenience */
  }
  app.addRecentDocument(p);
  buildMenu();
}

// --- dialogs -----------------------------------------------------------------------

async function openDialog(folder = false): Promise<string | undefined> {
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
async function saveDialog(kind: ExportKind | 'capture', data: () => string | Uint8Array, defaultName: string): Promise<string | null> {
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

// --- IPC -----------------------------------------------------------------------------

type Handler<C extends InvokeChannel> = (...args: InvokeChannels[C]['args']) => Promise<InvokeChannels[C]['result']> | InvokeChannels[C]['result'];

function handle<C extends InvokeChannel>(channel: C, fn: Handler<C>): void {
  ipcMain.handle(channel, async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<Result<InvokeChannels[C]['result']>> => {
    // Only our window's own top frame may call.
    if (!win || event.sender !== win.webContents || event.senderFrame !== win.webContents.mainFrame) return { ok: false, error: 'sender not allowed' };
    const bad = checkArgs(channel, args);
    if (bad) return { ok: false, error: bad };
    try {
      return { ok: true, value: await fn(...(args as InvokeChannels[C]['args'])) };
    } catch (e) {
      return { ok: false, error: message(e) };
    }
  });
}

function unwrap(r: Result<LoadedTopology> | null): LoadedTopology {
  if (!r) throw new InputError('nothing loaded yet');
  if (!r.ok) throw new InputError(r.error);
  return r.value;
}

function registerIpc(): void {
  handle('topology:get', async () => unwrap(current ?? (await open(currentInput))));
  handle('topology:reload', async () => {
    if (current?.ok && !current.value.reloadable) return current.value;
    return unwrap(await open(currentInput, current?.ok ? current.value.input : undefined));
  });
  handle('topology:open-dialog', async () => {
    const p = await openDialog();
    return p ? unwrap(await open(p)) : null;
  });
  handle('topology:recent', () => recent());
  handle('topology:open-recent', async (i) => {
    const p = recent()[i];
    if (!p) throw new InputError('no such recent file');
    return unwrap(await open(p));
  });
  handle('topology:open-bytes', async (name, bytes) => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-drop-'));
    try {
      const file = join(dir, name.replace(/^\.+/, '_'));
      writeFileSync(file, bytes);
      const { topology } = await loadInput(file);
      currentInput = undefined;
      current = { ok: true, value: { snapshot: topology, input: name, reloadable: false } };
      return current.value;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  handle('export:data', (kind) => {
    const t = unwrap(current).snapshot;
    return kind === 'json' ? exportJson(t) : exportText(t, { all: true });
  });
  handle('export:save', (kind, data) => saveDialog(kind, () => data, exportFileName(unwrap(current).snapshot, kind)));
  handle('capture:save', async () => {
    const { captureArchive } = await import('../topology/sources/capture');
    let res: ReturnType<typeof captureArchive> | null = null;
    const name = `topolens-capture-${new Date().toISOString().slice(0, 10)}.tar.gz`;
    return saveDialog('capture', () => (res ??= captureArchive(process.env['TOPOLENS_FS_ROOT'] ?? '/')).bytes, name);
  });
}

// --- menus -------------------------------------------------------------------------

function menuCommand(cmd: MenuCommand): () => void {
  return () => send('menu:command', cmd);
}

function buildMenu(): void {
  const isMac = process.platform === 'darwin';
  const rec = recent();
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: async () => { const p = await openDialog(); if (p) await openAndNotify(p); } },
        { label: 'Open Folder…', click: async () => { const p = await openDialog(true); if (p) await openAndNotify(p); } },
        {
          label: 'Open Recent',
          submenu: rec.length ? rec.map((p) => ({ label: p, click: () => void openAndNotify(p) })) : [{ label: '(none)', enabled: false }],
        },
        { label: 'Open This Machine (live)', click: () => void openAndNotify(undefined) },
        { type: 'separator' },
        { label: 'Capture This Machine…', click: async () => {
          try {
            const { captureArchive } = await import('../topology/sources/capture');
            const p = await saveDialog('capture', () => captureArchive(process.env['TOPOLENS_FS_ROOT'] ?? '/').bytes, `topolens-capture-${new Date().toISOString().slice(0, 10)}.tar.gz`);
            if (p) dialog.showMessageBox(win!, { message: `Saved the capture to ${p}` });
          } catch (e) {
            dialog.showErrorBox('Capture failed', message(e));
          }
        } },
        {
          label: 'Export',
          submenu: [
            { label: 'SVG (view as shown)…', click: menuCommand('export-svg') },
            { label: 'PNG (view as shown)…', click: menuCommand('export-png') },
            { label: 'JSON snapshot…', click: menuCommand('export-json') },
            { label: 'Text tree…', click: menuCommand('export-text') },
          ],
        },
        { type: 'separator' },
        { label: 'Reload', accelerator: 'CmdOrCtrl+R', click: async () => { if (!current?.ok || current.value.reloadable) await open(currentInput, current?.ok ? current.value.input : undefined); send('topology:changed', null); } },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { label: '&Edit', submenu: [{ role: 'copy' }, { role: 'selectAll' }, { type: 'separator' }, { label: 'Find…', accelerator: 'CmdOrCtrl+F', click: menuCommand('find') }] },
    {
      label: '&View',
      submenu: [
        { label: 'Zoom In', accelerator: 'CmdOrCtrl+=', click: menuCommand('zoom-in') },
        { label: 'Zoom Out', accelerator: 'CmdOrCtrl+-', click: menuCommand('zoom-out') },
        { label: 'Fit', accelerator: 'CmdOrCtrl+0', click: menuCommand('fit') },
        { type: 'separator' },
        { label: 'Toggle Dark / Light', accelerator: 'CmdOrCtrl+Shift+D', click: menuCommand('toggle-theme') },
        ...(app.isPackaged ? [] : [{ type: 'separator' as const }, { role: 'toggleDevTools' as const }]),
        { role: 'togglefullscreen' },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

// --- window and security -------------------------------------------------------------

function createWindow(): void {
  win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'topolens',
    show: false,
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      // No middle-click (auxclick) navigation to new windows (Electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => (win = null));
  void win.loadFile(join(here, '../renderer/index.html'));
}

app.on('web-contents-created', (_e, wc) => {
  // No navigation away from the app page, no new windows, no webviews.
  wc.on('will-navigate', (e) => e.preventDefault());
  wc.on('will-redirect', (e) => e.preventDefault());
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  wc.on('will-attach-webview', (e) => e.preventDefault());
});

app.enableSandbox();
app.whenReady().then(async () => {
  // Nothing remote: deny every permission and every non-file request.
  session.defaultSession.setPermissionRequestHandler((_wc, _p, cb) => cb(false));
  session.defaultSession.webRequest.onBeforeRequest((details, cb) => {
    const ok = details.url.startsWith('file://') || details.url.startsWith('devtools://') || details.url.startsWith('data:') || details.url.startsWith('blob:');
    cb({ cancel: !ok });
  });
  registerIpc();
  buildMenu();
  await open(fileFromArgv(process.argv));
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}).catch((e: unknown) => {
  process.stderr.write(`topolens: ${message(e)}\n`);
  app.exit(1);
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// A second `npm start -- FILE` while running: open FILE in this window.
if (!app.requestSingleInstanceLock()) app.quit();
else {
  app.on('second-instance', (_e, argv) => {
    const f = fileFromArgv(argv);
    if (f) void openAndNotify(f);
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
}
