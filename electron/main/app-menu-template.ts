/**
 * The app menu as a template of plain values (Electron's MenuItemConstructorOptions), built from
 * the platform and the actions it triggers, so the whole menu is tested without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';

/** The UI's areas, in navigation order (renderer/src/areas.ts; a unit test keeps the two equal). */
export const desktopAreas = [
  { id: 'instances', title: 'Instances' },
  { id: 'integrations', title: 'Integrations' },
  { id: 'agents', title: 'Agents' },
  { id: 'configuration', title: 'Configuration' },
  { id: 'maintenance', title: 'Maintenance' },
] as const;

/** What the menu items do besides Electron's own roles. */
export interface AppMenuActions {
  /** Bring the window up on an area of the UI. */
  showArea(id: string): void;
  /** Open the app's data directory (profiles, known_hosts, watch settings) in the file manager. */
  openDataFolder(): void;
}

/** What the template depends on. */
export interface AppMenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  /** Reload and the developer tools only in development builds. */
  development: boolean;
  actions: AppMenuActions;
}

function macAppMenu(appName: string): MenuItemConstructorOptions {
  return {
    label: appName,
    submenu: [
      { role: 'about' },
      { type: 'separator' },
      { role: 'services' },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit' },
    ],
  };
}

function fileMenu(mac: boolean, actions: AppMenuActions): MenuItemConstructorOptions {
  const last: MenuItemConstructorOptions = mac ? { role: 'close' } : { role: 'quit' };
  return {
    label: 'File',
    submenu: [
      { label: 'Open Data Folder', click: () => actions.openDataFolder() },
      { type: 'separator' },
      last,
    ],
  };
}

const editMenu: MenuItemConstructorOptions = {
  label: 'Edit',
  submenu: [
    { role: 'undo' },
    { role: 'redo' },
    { type: 'separator' },
    { role: 'cut' },
    { role: 'copy' },
    { role: 'paste' },
    { role: 'selectAll' },
  ],
};

function viewMenu(development: boolean): MenuItemConstructorOptions {
  const developer: MenuItemConstructorOptions[] = development
    ? [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }]
    : [];
  return {
    label: 'View',
    submenu: [
      ...developer,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
}

function goMenu(actions: AppMenuActions): MenuItemConstructorOptions {
  return {
    label: 'Go',
    submenu: desktopAreas.map((area, index) => ({
      label: area.title,
      accelerator: `CmdOrCtrl+${index + 1}`,
      click: () => actions.showArea(area.id),
    })),
  };
}

function windowMenu(mac: boolean): MenuItemConstructorOptions {
  const rest: MenuItemConstructorOptions[] = mac
    ? [{ role: 'zoom' }, { type: 'separator' }, { role: 'front' }]
    : [{ role: 'close' }];
  return { label: 'Window', submenu: [{ role: 'minimize' }, ...rest] };
}

/** The whole menu bar for one platform. */
export function appMenuTemplate(options: AppMenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const help: MenuItemConstructorOptions = { label: 'Help', role: 'help', submenu: [{ role: 'about' }] };
  return [
    ...(mac ? [macAppMenu(options.appName)] : []),
    fileMenu(mac, options.actions),
    editMenu,
    viewMenu(options.development),
    goMenu(options.actions),
    windowMenu(mac),
    ...(mac ? [] : [help]),
  ];
}
