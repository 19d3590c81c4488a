/**
 * The one place that talks to ipcMain: one `handle` per DeskApi method, each checking who calls,
 * validating the input against the contract and encoding failures so the renderer can read them
 * (electron/common/desk-ipc-errors.ts).
 */
import type { DeskApi } from '../common/desk-api';
import { DeskError, parseDeskInput } from '../common/desk-api';
import { deskChannels, deskMethods, type DeskMethod } from '../common/desk-channels';
import { encodeDeskError, toDeskErrorShape } from '../common/desk-ipc-errors';
import { isTrustedSender } from './trusted-sender';

/** The part of an IpcMainInvokeEvent the registrar reads. */
export interface DeskInvokeEvent {
  senderFrame: { url: string } | null;
}

/** The part of Electron's ipcMain the registrar uses; tests pass a small object instead. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: DeskInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
}

type AnyDeskCall = (input: unknown) => Promise<unknown>;

/** The listener for one method: sender check, input check, call, encoded failure. */
export function deskIpcListener(method: DeskMethod, services: DeskApi, appUrl: string) {
  const call = services[method] as AnyDeskCall;
  return async (event: DeskInvokeEvent, input?: unknown): Promise<unknown> => {
    try {
      if (!isTrustedSender(event.senderFrame?.url, appUrl)) {
        throw new DeskError('forbidden', `${deskChannels[method]}: only the Coin Admin window may call this`);
      }
      return await call(parseDeskInput(method, input));
    } catch (error) {
      throw new Error(encodeDeskError(toDeskErrorShape(error)), { cause: error });
    }
  };
}

/** Register every DeskApi method of the contract on `ipc`, served by `services`. */
export function registerDeskIpc(ipc: IpcMainLike, services: DeskApi, appUrl: string): void {
  for (const method of deskMethods)
    ipc.handle(deskChannels[method], deskIpcListener(method, services, appUrl));
}

/** Register DeskApi on Electron's own ipcMain (loaded here so the rest of this file runs in plain Node). */
export async function setupDeskIpc(services: DeskApi, appUrl: string): Promise<void> {
  const { ipcMain } = await import('electron');
  registerDeskIpc(ipcMain, services, appUrl);
}
