/**
 * Electron glue for the instance watcher (electron/services/notifications): the tray icon shows
 * the pinned instance, native notifications announce failures. Every decision is made there.
 */
import { app, Menu, nativeImage, Notification, Tray } from 'electron';
import { recentRunnerTasks } from '../services/local-runner/runner-integration';
import { InstanceWatcher } from '../services/notifications/instance-watcher';
import type { DeskNotification } from '../services/notifications/notification-decisions';
import { trayStateOf, type TrayState } from '../services/notifications/tray-state';
import type { ElectronServices } from './electron-desk-services';
import { trayIconPng } from './tray-icon-image';
import { trayMenuTemplate } from './tray-menu-template';

// Shown notifications are kept until closed, so a click still reaches its handler.
const shown = new Set<Notification>();

function notify(notification: DeskNotification, showWindow: () => void): void {
  if (!Notification.isSupported()) return;
  const native = new Notification({ title: notification.title, body: notification.body });
  shown.add(native);
  native.on('click', showWindow);
  native.on('close', () => shown.delete(native));
  native.show();
}

/** A tray icon that redraws only when its state changes; null where no tray can be made. */
function createTray(showWindow: () => void): ((state: TrayState) => void) | null {
  let tray: Tray;
  try {
    tray = new Tray(nativeImage.createFromBuffer(trayIconPng('idle'), { scaleFactor: 2 }));
  } catch {
    return null;
  }
  tray.on('click', showWindow);
  let drawn = '';
  return (state) => {
    if (JSON.stringify(state) === drawn) return;
    drawn = JSON.stringify(state);
    tray.setImage(nativeImage.createFromBuffer(trayIconPng(state.icon), { scaleFactor: 2 }));
    tray.setToolTip(state.tooltip);
    const menu = trayMenuTemplate(state, { showWindow, quit: () => app.quit() });
    tray.setContextMenu(Menu.buildFromTemplate(menu));
  };
}

/** Start the tray icon and the watcher behind it and the notifications; it stops when the app quits. */
export function setupDesktopWatch(services: ElectronServices, showWindow: () => void): void {
  const draw = createTray(showWindow);
  draw?.(trayStateOf(null));
  const watcher = new InstanceWatcher(
    {
      api: services.api,
      runners: services.localHosting.runners,
      runnerTasks: (dir) => recentRunnerTasks(dir),
    },
    { tray: (state) => draw?.(state), notify: (n) => notify(n, showWindow) },
  );
  watcher.start();
  services.localHosting.watch.onChange(() => void watcher.poll());
  app.on('before-quit', () => void watcher.stop());
}
