import { describe, expect, test } from 'vitest';
import {
  buildOriginOf,
  changeLabel,
  readOnlyView,
  type ChangeSource,
  type ChangeSourceReader,
} from '../../../../runner/core/change-source';
import { branchOfBuildId, buildIdFor } from '../../../../runner/core/gerrit/gerrit-protocol';

describe('the change-source contract', () => {
  test("a task's stored origin is read back only for its own kind of source", () => {
    const origin = {
      kind: 'gerrit',
      project: 'qt/qtbase',
      branch: 'dev',
      buildId: 'qtci/dev/7',
      ref: 'refs/builds/qtci/dev/7',
    };
    expect(buildOriginOf({ kind: 'local-git', origin }, 'gerrit')).toEqual(origin);
    expect(buildOriginOf({ kind: 'local-git', origin }, 'git')).toBeUndefined();
    expect(buildOriginOf({ kind: 'local-git' }, 'gerrit')).toBeUndefined();
    expect(buildOriginOf({ origin: { ...origin, buildId: null } }, 'gerrit')?.buildId).toBeNull();
    expect(buildOriginOf({ origin: { kind: 'gerrit', branch: 'dev' } }, 'gerrit')).toBeUndefined();
  });

  test('a change is labelled by its number where it has one, else by its id', () => {
    expect(changeLabel({ id: '42', number: 42 })).toBe(42);
    expect(changeLabel({ id: 'I0abc', number: null })).toBe('I0abc');
  });

  test('the read-only view passes reads through and has no way to write', async () => {
    const calls: string[] = [];
    const record =
      (name: string) =>
      async (...args: unknown[]) => {
        calls.push(`${name} ${args.join(' ')}`);
        return [];
      };
    const source = {
      kind: 'git',
      feed: 'git polling',
      watch: () => ({ stop: async () => undefined }),
      stagedChanges: record('staged'),
      integratingChanges: record('integrating'),
      openChanges: record('open'),
      stagingRef: (branch: string) => `refs/staging/${branch}`,
      listCommits: record('list'),
      fetch: record('fetch'),
      fetchDependencies: record('deps'),
      close: record('close'),
      createBuild: record('build'),
      report: record('report'),
    } as unknown as ChangeSource;
    const view: ChangeSourceReader = readOnlyView(source);
    expect(view).not.toHaveProperty('createBuild');
    expect(view).not.toHaveProperty('report');
    await view.openChanges('p', 'dev');
    await view.listCommits('p', view.stagingRef('dev'), 'dev');
    await view.close();
    expect(calls).toEqual(['open p dev', 'list p refs/staging/dev dev', 'close ']);
    expect([view.kind, view.feed]).toEqual(['git', 'git polling']);
  });

  test("the branch of Coin's build ids", () => {
    expect(branchOfBuildId(buildIdFor('dev', 1764300000))).toBe('dev');
    expect(branchOfBuildId(buildIdFor('6.8/feature', 3))).toBe('6.8/feature');
    expect(branchOfBuildId('other/dev/1')).toBeUndefined();
    expect(branchOfBuildId('qtci/dev/x')).toBeUndefined();
  });
});
