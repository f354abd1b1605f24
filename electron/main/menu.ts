// The application menu. Items that load something call back into index.ts; view and
// export items become menu:command events for the renderer.
import { app, Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../ipc';

export interface MenuActions {
  openFile(): void;
  openFolder(): void;
  openPath(p: string | undefined): void;
  openInitial(): void;
  capture(): void;
  reload(): void;
  command(c: MenuCommand): void;
}

function fileMenu(a: MenuActions, recent: readonly string[], isMac: boolean): MenuItemConstructorOptions {
  const cmd = (c: MenuCommand) => () => a.command(c);
  return {
    label: '&File',
    submenu: [
      { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => a.openFile() },
      { label: 'Open Folder…', click: () => a.openFolder() },
      { label: 'Open Recent', submenu: recent.length ? recent.map((p) => ({ label: p, click: () => a.openPath(p) })) : [{ label: '(none)', enabled: false }] },
      { label: 'Open This Machine (live)', click: () => a.openPath(undefined) },
      { label: 'Back to the Command-Line Input', click: () => a.openInitial() },
      { type: 'separator' },
      { label: 'Capture This Machine…', click: () => a.capture() },
      {
        label: 'Export',
        submenu: [
          { label: 'SVG (view as shown)…', click: cmd('export-svg') },
          { label: 'PNG (view as shown)…', click: cmd('export-png') },
          { label: 'JSON snapshot…', click: cmd('export-json') },
          { label: 'Text tree…', click: cmd('export-text') },
        ],
      },
      { type: 'separator' },
      { label: 'Reload', accelerator: 'CmdOrCtrl+R', click: () => a.reload() },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
}

export function buildMenu(a: MenuActions, recent: readonly string[]): void {
  const isMac = process.platform === 'darwin';
  const cmd = (c: MenuCommand) => () => a.command(c);
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    fileMenu(a, recent, isMac),
    { label: '&Edit', submenu: [{ role: 'copy' }, { role: 'selectAll' }, { type: 'separator' }, { label: 'Find…', accelerator: 'CmdOrCtrl+F', click: cmd('find') }] },
    {
      label: '&View',
      submenu: [
        { label: 'Zoom In', accelerator: 'CmdOrCtrl+=', click: cmd('zoom-in') },
        { label: 'Zoom Out', accelerator: 'CmdOrCtrl+-', click: cmd('zoom-out') },
        { label: 'Fit', accelerator: 'CmdOrCtrl+0', click: cmd('fit') },
        { type: 'separator' },
        { label: 'Toggle Dark / Light', accelerator: 'CmdOrCtrl+Shift+D', click: cmd('toggle-theme') },
        ...(app.isPackaged ? [] : [{ type: 'separator' as const }, { role: 'toggleDevTools' as const }]),
        { role: 'togglefullscreen' },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
