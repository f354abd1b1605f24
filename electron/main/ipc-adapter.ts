// The Electron IPC adapter of the host service: one ipcMain handler per channel of the
// contract, each refusing any sender but our window's own top frame, then handing the
// call to the service (which checks the arguments). The window is one session.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS } from '../ipc';
import type { HostService } from '../host/service';
import { senderAllowed } from './sender';

export const WINDOW_SESSION = 'electron-main-window';

export function registerIpc(service: HostService, window: () => BrowserWindow | null): void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, ...args: unknown[]) => {
      const win = window();
      if (!senderAllowed(event, win && { webContents: win.webContents, mainFrame: win.webContents.mainFrame })) return { ok: false, error: 'sender not allowed' };
      return service.invoke(WINDOW_SESSION, channel, args);
    });
  }
}
