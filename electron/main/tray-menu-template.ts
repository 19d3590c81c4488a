/** The tray icon's menu as a template of plain values: the pinned instance's state, show, quit. */
import type { MenuItemConstructorOptions } from 'electron';
import type { TrayState } from '../services/notifications/tray-state';

/** What the tray menu's items do. */
export interface TrayMenuActions {
  showWindow(): void;
  quit(): void;
}

/** The menu under the tray icon for a tray state. */
export function trayMenuTemplate(state: TrayState, actions: TrayMenuActions): MenuItemConstructorOptions[] {
  return [
    { label: state.statusLine, enabled: false },
    { type: 'separator' },
    { label: 'Show Coin Admin', click: () => actions.showWindow() },
    { label: 'Quit Coin Admin', click: () => actions.quit() },
  ];
}
