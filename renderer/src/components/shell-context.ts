/**
 * The shell the UI runs in ('electron' or 'browser', from app:info), for the parts that exist in
 * one of them only: the tray icon and native notifications are the desktop app's.
 */
import { createContext, useContext } from 'react';
import type { AppInfo } from '../../../electron/common/desk-api';

/** Undefined until app:info has answered. */
export const ShellContext = createContext<AppInfo['shell'] | undefined>(undefined);

/** The shell, once known. */
export function useShell(): AppInfo['shell'] | undefined {
  return useContext(ShellContext);
}
