import { expect, test } from 'vitest';
import { takeToken } from '../../../renderer/src/desk-client';

function fakeTab(hash: string) {
  const store = new Map<string, string>();
  const replaced: string[] = [];
  const location = { hash, pathname: '/', search: '' } as Location;
  const storage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
  } as unknown as Storage;
  const history = {
    replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url),
  } as unknown as History;
  return { location, storage, history, replaced };
}

test('the token moves from the URL fragment to session storage and leaves the address bar', () => {
  const tab = fakeTab('#token=00ff');
  expect(takeToken(tab.location, tab.storage, tab.history)).toBe('00ff');
  expect(tab.replaced).toEqual(['/']);
  // A reload (no fragment any more) finds it in session storage.
  const reload = { ...tab, location: { hash: '', pathname: '/', search: '' } as Location };
  expect(takeToken(reload.location, tab.storage, tab.history)).toBe('00ff');
});

test('no token anywhere gives null (the host will refuse, and the page says so)', () => {
  const tab = fakeTab('#/agents');
  expect(takeToken(tab.location, tab.storage, tab.history)).toBeNull();
  expect(tab.replaced).toEqual([]);
});
