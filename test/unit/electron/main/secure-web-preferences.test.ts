import { describe, expect, it } from 'vitest';
import { mainPaths } from '../../../../electron/main/main-paths';
import { isPermissionAllowed } from '../../../../electron/main/permission-policy';
import { secureWebPreferences } from '../../../../electron/main/secure-web-preferences';

describe('secureWebPreferences', () => {
  const preload = mainPaths('/opt/coin-admin/resources/app.asar/build/out/electron').preload;
  const prefs = secureWebPreferences(preload);

  it('isolates and sandboxes the page, with no Node anywhere', () => {
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
    });
  });

  it('keeps web security on and the risky extras off', () => {
    expect(prefs).toMatchObject({
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    });
  });

  it('loads the bundled preload next to the main bundle', () => {
    expect(prefs.preload).toBe('/opt/coin-admin/resources/app.asar/build/out/electron/preload.cjs');
  });
});

describe('isPermissionAllowed', () => {
  it.each([
    'media',
    'geolocation',
    'notifications',
    'openExternal',
    'hid',
    'serial',
    'usb',
    'fullscreen',
    'clipboard-read',
  ])('denies %s', (permission) => expect(isPermissionAllowed(permission)).toBe(false));

  it('allows writing plain text to the clipboard', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write')).toBe(true);
  });
});
