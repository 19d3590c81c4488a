/**
 * The sandboxed preload: exposes DeskApi as `window.coinDesk`, one function per method. A failed
 * call rejects with an Error whose message carries the DeskError (decodeDeskError in
 * electron/common/desk-ipc-errors.ts reads it).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createDeskBridge, deskBridgeName } from './desk-bridge';

contextBridge.exposeInMainWorld(
  deskBridgeName,
  createDeskBridge((channel, input) => ipcRenderer.invoke(channel, input)),
);
