// The preload: exposes one named API object (window.topolens) over IPC, nothing
// generic (no raw ipcRenderer, no channel names from the page). Runs sandboxed.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { MENU_COMMANDS, type InvokeChannel, type InvokeChannels, type MenuCommand, type PreloadApi, type Result } from '../ipc';

function invoke<C extends InvokeChannel>(channel: C, ...args: InvokeChannels[C]['args']): Promise<Result<InvokeChannels[C]['result']>> {
  return ipcRenderer.invoke(channel, ...args) as Promise<Result<InvokeChannels[C]['result']>>;
}

const api: PreloadApi = {
  getTopology: () => invoke('topology:get'),
  reload: () => invoke('topology:reload'),
  openDialog: () => invoke('topology:open-dialog'),
  openRecent: (i) => invoke('topology:open-recent', i),
  recent: () => invoke('topology:recent'),
  openBytes: (name, bytes) => invoke('topology:open-bytes', name, bytes),
  parseBytes: (name, bytes) => invoke('topology:parse-bytes', name, bytes),
  openInitial: () => invoke('topology:open-initial'),
  exportData: (kind) => invoke('export:data', kind),
  save: (kind, data) => invoke('export:save', kind, data),
  captureMachine: () => invoke('capture:save'),
  onMenu: (cb) => {
    const l = (_e: IpcRendererEvent, cmd: unknown) => {
      if (MENU_COMMANDS.includes(cmd as MenuCommand)) cb(cmd as MenuCommand);
    };
    ipcRenderer.on('menu:command', l);
    return () => ipcRenderer.off('menu:command', l);
  },
  onTopologyChanged: (cb) => {
    const l = () => cb();
    ipcRenderer.on('topology:changed', l);
    return () => ipcRenderer.off('topology:changed', l);
  },
};

contextBridge.exposeInMainWorld('topolens', api);
