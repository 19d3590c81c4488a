import type { MenuItemConstructorOptions } from 'electron';
import { expect, test, vi } from 'vitest';
import { appMenuTemplate, desktopAreas } from '../../../../electron/main/app-menu-template';
import { trayMenuTemplate } from '../../../../electron/main/tray-menu-template';
import { areas } from '../../../../renderer/src/areas';

const actions = () => ({ showArea: vi.fn(), openDataFolder: vi.fn() });
const names = (items: MenuItemConstructorOptions[]) => items.map((i) => i.label ?? i.role ?? i.type);
const submenu = (item: MenuItemConstructorOptions | undefined) =>
  item?.submenu as MenuItemConstructorOptions[];

test('the menu areas are the UI areas, in the same order', () => {
  expect(desktopAreas.map(({ id, title }) => ({ id, title }))).toEqual(
    areas.map(({ id, title }) => ({ id, title })),
  );
});

test('Linux and Windows: File … Help, quit in File, no developer tools in a release build', () => {
  const menu = appMenuTemplate({
    platform: 'linux',
    appName: 'Coin Admin',
    development: false,
    actions: actions(),
  });
  expect(names(menu)).toEqual(['File', 'Edit', 'View', 'Go', 'Window', 'Help']);
  expect(names(submenu(menu[0]))).toEqual(['Open Data Folder', 'separator', 'quit']);
  expect(names(submenu(menu[2]))).not.toContain('toggleDevTools');
  expect(names(submenu(menu[1]))).toEqual(['undo', 'redo', 'separator', 'cut', 'copy', 'paste', 'selectAll']);
});

test('macOS: the app menu comes first with quit; File closes the window; no Help menu', () => {
  const menu = appMenuTemplate({
    platform: 'darwin',
    appName: 'Coin Admin',
    development: true,
    actions: actions(),
  });
  expect(names(menu)).toEqual(['Coin Admin', 'File', 'Edit', 'View', 'Go', 'Window']);
  expect(names(submenu(menu[0]))).toContain('quit');
  expect(names(submenu(menu[1])).at(-1)).toBe('close');
  expect(names(submenu(menu[3])).slice(0, 2)).toEqual(['reload', 'toggleDevTools']);
});

test('Go opens each area with Ctrl/Cmd and its number; File opens the data folder', () => {
  const acts = actions();
  const menu = appMenuTemplate({
    platform: 'win32',
    appName: 'Coin Admin',
    development: false,
    actions: acts,
  });
  const go = submenu(menu.find((m) => m.label === 'Go'));
  expect(go.map((i) => [i.label, i.accelerator])).toEqual(
    desktopAreas.map((a, i) => [a.title, `CmdOrCtrl+${i + 1}`]),
  );
  (go[2]!.click as () => void)();
  expect(acts.showArea).toHaveBeenCalledWith('agents');
  (submenu(menu[0])[0]!.click as () => void)();
  expect(acts.openDataFolder).toHaveBeenCalledOnce();
});

test("the tray menu shows the pinned instance's state, disabled, then show and quit", () => {
  const show = vi.fn();
  const quit = vi.fn();
  const menu = trayMenuTemplate(
    { icon: 'ok', tooltip: 't', statusLine: 'Master: running (active (running))' },
    { showWindow: show, quit },
  );
  expect(menu.map((i) => [i.label ?? i.type, i.enabled])).toEqual([
    ['Master: running (active (running))', false],
    ['separator', undefined],
    ['Show Coin Admin', undefined],
    ['Quit Coin Admin', undefined],
  ]);
  (menu[3]!.click as () => void)();
  expect(quit).toHaveBeenCalledOnce();
});
