/** Electron glue: the app menu built from app-menu-template.ts. */
import { app, Menu, shell } from 'electron';
import { appMenuTemplate } from './app-menu-template';

/** What the menu needs from the rest of the main process. */
export interface AppMenuHooks {
  dataDir: string;
  showArea(id: string): void;
}

/** Set the application menu for this platform. */
export function setupAppMenu(hooks: AppMenuHooks): void {
  const template = appMenuTemplate({
    platform: process.platform,
    appName: app.name,
    development: !app.isPackaged,
    actions: {
      showArea: hooks.showArea,
      openDataFolder: () => void shell.openPath(hooks.dataDir),
    },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
