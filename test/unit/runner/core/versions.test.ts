import { describe, expect, test } from 'vitest';
import { compareVersions, isAtLeast, parseVersion } from '../../../../runner/core/versions';

describe('versions', () => {
  test('reads the first dotted number of a tool banner', () => {
    expect(parseVersion('git version 2.39.5')).toEqual([2, 39, 5]);
    expect(parseVersion('git version 2.20.1.windows.1')).toEqual([2, 20, 1]);
    expect(parseVersion('v20.20.2')).toEqual([20, 20, 2]);
    expect(parseVersion('1.8')).toEqual([1, 8, 0]);
    expect(parseVersion('no digits')).toBeNull();
  });

  test('compares numerically, not as text', () => {
    expect(compareVersions([2, 10, 0], [2, 9, 9])).toBeGreaterThan(0);
    expect(compareVersions([2, 0], [2, 0, 0])).toBe(0);
    expect(isAtLeast('git version 1.9.5', '2.0.0')).toBe(false);
    expect(isAtLeast('git version 2.0.0', '2.0.0')).toBe(true);
    expect(isAtLeast('20.19.0', '20.19.0')).toBe(true);
    expect(isAtLeast('20.18.3', '20.19.0')).toBe(false);
  });
});
