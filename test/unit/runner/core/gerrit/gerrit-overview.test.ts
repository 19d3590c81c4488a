import { describe, expect, test } from 'vitest';
import {
  compareWithGerrit,
  describeRow,
  type CoinFacts,
  type GerritBuilding,
} from '../../../../../runner/core/gerrit/gerrit-overview';
import type { GerritChange } from '../../../../../runner/core/gerrit/gerrit-protocol';

function change(number: number, status: string, project = 'qt/qtbase', branch = 'dev'): GerritChange {
  return {
    project,
    branch,
    number,
    subject: `Change ${number}`,
    status,
    owner: { email: 'dev@example.invalid' },
    url: `https://codereview.example/c/${project}/+/${number}`,
    currentPatchSet: { number: 2, revision: 'a'.repeat(40) },
  };
}

const idle: CoinFacts = {
  write: true,
  building: [],
  preparing: [],
  waiting: [],
  looking: [],
  reportedSince: [],
  integrated: [],
};

function building(taskId: string, changes: number[], project = 'qt/qtbase'): GerritBuilding {
  return {
    taskId,
    project,
    branch: 'dev',
    buildId: 'qtci/dev/1',
    state: 'Running',
    changes: changes.map((c) => ({ change: c, patchSet: 1, subject: '', url: null })),
  };
}

describe('compareWithGerrit', () => {
  test('PRESTAGED changes are listed as the staging queue and never count against convergence', () => {
    const result = compareWithGerrit(
      { staged: [], integrating: [], prestaged: [change(7, 'PRESTAGED')] },
      idle,
    );
    expect(result.prestaged).toEqual([
      expect.objectContaining({ change: 7, status: 'PRESTAGED', coin: { kind: 'prestaged' } }),
    ]);
    expect(result.convergence.converged).toBe(true);
    expect(compareWithGerrit(null, idle).prestaged).toEqual([]);
  });

  test('nothing staged or integrating converges', () => {
    expect(compareWithGerrit({ staged: [], integrating: [] }, idle).convergence).toEqual({
      converged: true,
      integratingWithoutTask: [],
      stagedUnknown: [],
      summary: 'converged: 0 staged, 0 integrating in Gerrit; Coin knows every one',
    });
  });

  test('integrating changes of a running task, and staged ones behind it, converge', () => {
    const result = compareWithGerrit(
      { staged: [change(3, 'STAGED')], integrating: [change(1, 'INTEGRATING'), change(2, 'INTEGRATING')] },
      { ...idle, building: [building('t1', [1, 2])] },
    );
    expect(result.integrating.map((r) => r.coin)).toEqual([
      { kind: 'building', taskId: 't1' },
      { kind: 'building', taskId: 't1' },
    ]);
    expect(result.staged[0]).toMatchObject({
      change: 3,
      patchSet: 2,
      owner: 'dev@example.invalid',
      status: 'STAGED',
      coin: { kind: 'queued-behind', taskId: 't1' },
    });
    expect(result.convergence.converged).toBe(true);
  });

  test('an integrating change without a task, and a staged one nobody looks at, do not converge', () => {
    const result = compareWithGerrit(
      {
        staged: [change(5, 'STAGED', 'qt/qtsvg')],
        integrating: [change(1, 'INTEGRATING'), change(2, 'INTEGRATING', 'qt/qtdeclarative')],
      },
      { ...idle, building: [building('t1', [1])] },
    );
    expect(result.convergence.converged).toBe(false);
    expect(result.convergence.integratingWithoutTask.map((r) => r.change)).toEqual([2]);
    expect(result.convergence.stagedUnknown.map((r) => r.change)).toEqual([5]);
    expect(result.convergence.summary).toBe(
      'not converged: 1 change integrating in Gerrit with no Coin task, 1 staged change Coin does not know about',
    );
    expect(describeRow(result.convergence.integratingWithoutTask[0]!)).toBe(
      'qt/qtdeclarative dev 2,2 "Change 2" (INTEGRATING) https://codereview.example/c/qt/qtdeclarative/+/2',
    );
  });

  test('what Coin is about to do, or did after Gerrit was asked, is known', () => {
    const result = compareWithGerrit(
      {
        staged: [change(4, 'STAGED', 'qt/a'), change(5, 'STAGED', 'qt/b'), change(6, 'STAGED', 'qt/c')],
        integrating: [change(1, 'INTEGRATING', 'qt/a'), change(2, 'INTEGRATING', 'qt/d')],
      },
      {
        ...idle,
        preparing: ['qt/d/dev'],
        looking: ['qt/b/dev'],
        waiting: [{ project: 'qt/c', branch: 'dev', until: '2026-01-01T18:00:00Z', changes: [6] }],
        reportedSince: [{ taskId: 't0', changes: [1] }],
      },
    );
    expect(result.integrating.map((r) => r.coin)).toEqual([
      { kind: 'reported', taskId: 't0' },
      { kind: 'preparing' },
    ]);
    expect(result.staged.map((r) => r.coin)).toEqual([
      { kind: 'unknown' },
      { kind: 'looking' },
      { kind: 'waiting', until: '2026-01-01T18:00:00Z' },
    ]);
    expect(result.convergence.stagedUnknown.map((r) => r.change)).toEqual([4]);
  });

  test("read-only: integrating changes are the writing instance's; staged ones it integrated are known", () => {
    const result = compareWithGerrit(
      { staged: [change(3, 'STAGED')], integrating: [change(1, 'INTEGRATING')] },
      { ...idle, write: false, integrated: [{ key: 'qt/qtbase/dev', taskId: 'r1', changes: [3] }] },
    );
    expect(result.integrating[0]!.coin).toEqual({ kind: 'other-instance' });
    expect(result.staged[0]!.coin).toEqual({ kind: 'integrated', taskId: 'r1' });
    expect(result.convergence).toMatchObject({
      converged: true,
      summary:
        'converged: 1 staged, 1 integrating in Gerrit (1 built by another instance: this one is read-only); Coin knows every one',
    });
  });

  test("Gerrit's view missing: unknown, with the reason", () => {
    expect(compareWithGerrit(null, idle, 'connection refused').convergence).toEqual({
      converged: null,
      integratingWithoutTask: [],
      stagedUnknown: [],
      summary: "unknown: Gerrit's view could not be read (connection refused)",
    });
  });
});
