// The Electron main process: one window, the menu, and the host service behind IPC.
// Wiring only: loading, exporting and capturing are the engine's, the handlers are the
// host service's (shared with `topolens serve`), dialogs are dialogs.ts's. File paths
// come from the command line or from dialogs this process opened, never from the page;
// dropped files arrive as bytes.
import { app, BrowserWindow, dialog, session } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventChannels, LoadedTopology, Result } from '../ipc';
import { createHostService, errorMessage } from '../host/service';
import { chooseInput, saveCapture, saveDialog } from './dialogs';
import { registerIpc, WINDOW_SESSION } from './ipc-adapter';
import { buildMenu, type MenuActions } from './menu';
import { addRecent, recent } from './recent';

const here = dirname(fileURLToPath(import.meta.url));
let win: BrowserWindow | null = null;

/** FILE from `npm start -- FILE` / `topolens-app FILE`: the first non-flag argument after the app. */
function fileFromArgv(argv: readonly string[]): string | undefined {
  return argv.slice(app.isPackaged ? 1 : 2).filter((a) => !a.startsWith('-'))[0];
}

const service = createHostService({
  initialInput: fileFromArgv(process.argv),
  maxSessions: 1,
  platform: {
    chooseFile: () => chooseInput(win),
    recent,
    addRecent: (p) => {
      addRecent(p);
      buildMenu(menuActions, recent());
    },
    saveExport: (kind, data, name) => saveDialog(win, kind, () => data, name),
    saveCapture: () => saveCapture(win),
  },
});

function send<C extends keyof EventChannels>(channel: C, payload: EventChannels[C]): void {
  win?.webContents.send(channel, payload);
}

/** After the main process loaded something (menu, second instance): show an error, or tell the page. */
async function loaded(r: Promise<Result<LoadedTopology>>): Promise<void> {
  const res = await r;
  if (!res.ok) dialog.showErrorBox('topolens could not open this input', res.error);
  else send('topology:changed', null);
}

const menuActions: MenuActions = {
  openFile: () => void chooseInput(win).then((p) => (p ? loaded(service.openPath(WINDOW_SESSION, p)) : undefined)),
  openFolder: () => void chooseInput(win, true).then((p) => (p ? loaded(service.openPath(WINDOW_SESSION, p)) : undefined)),
  openPath: (p) => void loaded(service.openPath(WINDOW_SESSION, p)),
  openInitial: () => void loaded(service.invoke(WINDOW_SESSION, 'topology:open-initial', []) as Promise<Result<LoadedTopology>>),
  reload: () => void loaded(service.invoke(WINDOW_SESSION, 'topology:reload', []) as Promise<Result<LoadedTopology>>),
  capture: () =>
    void saveCapture(win).then(
      (p) => void (p && win ? dialog.showMessageBox(win, { message: `Saved the capture to ${p}` }) : undefined),
      (e: unknown) => dialog.showErrorBox('Capture failed', errorMessage(e)),
    ),
  command: (c) => send('menu:command', c),
};

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
  registerIpc(service, () => win);
  buildMenu(menuActions, recent());
  await service.current(WINDOW_SESSION); // an unusable FILE is shown in the window, not thrown
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}).catch((e: unknown) => {
  process.stderr.write(`topolens: ${errorMessage(e)}\n`);
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
    if (f) menuActions.openPath(f);
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
}
