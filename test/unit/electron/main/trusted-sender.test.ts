import { describe, expect, it } from 'vitest';
import { appUrl } from '../../../../electron/main/app-url';
import { isAllowedNavigation, isAppPageUrl, isTrustedSender } from '../../../../electron/main/trusted-sender';

describe('isTrustedSender', () => {
  it('trusts the app window, on any page and with any hash or query', () => {
    expect(appUrl).toBe('app://coin-admin/index.html');
    expect(isTrustedSender(appUrl, appUrl)).toBe(true);
    expect(isTrustedSender('app://coin-admin/index.html#/agents', appUrl)).toBe(true);
    expect(isTrustedSender('app://coin-admin/other.html?x=1', appUrl)).toBe(true);
  });

  it.each([
    ['another host of the same scheme', 'app://evil/index.html'],
    ['a web page', 'https://coin-admin/index.html'],
    ['a local runner dashboard', 'http://127.0.0.1:8080/coin/'],
    ['a file page', 'file:///tmp/index.html'],
    ['a page with credentials', 'app://user:pw@coin-admin/index.html'],
    ['a frame without a URL', ''],
    ['an unparsable URL', 'not a url'],
  ])('refuses %s', (_what, url) => expect(isTrustedSender(url, appUrl)).toBe(false));

  it('refuses a sender frame that is gone', () => {
    expect(isTrustedSender(null, appUrl)).toBe(false);
    expect(isTrustedSender(undefined, appUrl)).toBe(false);
  });

  it('for a file:// app, trusts only the very same file', () => {
    const fileApp = 'file:///opt/Coin%20Admin/resources/app.asar/build/out/renderer/index.html';
    expect(isTrustedSender(`${fileApp}#/doctor`, fileApp)).toBe(true);
    expect(isTrustedSender('file:///home/me/Downloads/evil.html', fileApp)).toBe(false);
  });

  it('for an http app, trusts the same origin only (port included)', () => {
    expect(isAppPageUrl('http://127.0.0.1:5173/x', 'http://127.0.0.1:5173/')).toBe(true);
    expect(isAppPageUrl('http://127.0.0.1:8080/x', 'http://127.0.0.1:5173/')).toBe(false);
  });
});

describe('isAllowedNavigation', () => {
  it('allows moving within the app and nothing else', () => {
    expect(isAllowedNavigation('app://coin-admin/index.html#/config', appUrl)).toBe(true);
    expect(isAllowedNavigation('https://www.qt.io/', appUrl)).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd', appUrl)).toBe(false);
  });
});
