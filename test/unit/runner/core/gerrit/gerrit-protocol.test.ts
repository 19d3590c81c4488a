import { describe, expect, test } from 'vitest';
import {
  buildIdFor,
  formatCommand,
  integrationMessage,
  parseGerritAddress,
  parseGerritEvent,
  parseQueryOutput,
  parseStagingLs,
  splitCommandLine,
  stagedBranches,
} from '../../../../../runner/core/gerrit/gerrit-protocol';

const sha = 'a'.repeat(40);
const change = { project: 'qt/qtbase', branch: 'dev', number: 5, subject: 'Fix it', owner: { email: 'x@y' } };

describe('gerrit protocol', () => {
  test('ssh addresses', () => {
    expect(parseGerritAddress('ssh://qtci@codereview.qt-project.org:29418')).toEqual({
      user: 'qtci',
      host: 'codereview.qt-project.org',
      port: 29418,
    });
    expect(parseGerritAddress('ssh://u@[::1]:22/').host).toBe('::1');
    expect(parseGerritAddress('ssh://u@h').port).toBe(29418);
    expect(() => parseGerritAddress('http://h')).toThrow(/ssh:\/\/user@host/);
  });

  test('command lines survive quoting and splitting', () => {
    const argv = [
      'gerrit-plugin-qt-workflow',
      'staging-approve',
      '--message',
      'it\'s "done"\n\nDetails: x',
      '--x',
      '',
    ];
    expect(splitCommandLine(formatCommand(argv))).toEqual(argv);
    expect(formatCommand(['a', 'qtci/dev/17', '--format=JSON'])).toBe('a qtci/dev/17 --format=JSON');
    expect(splitCommandLine(`a "b \\" c" d\\ e`)).toEqual(['a', 'b " c', 'd e']);
    expect(() => splitCommandLine("a 'b")).toThrow(/unterminated/);
  });

  test('staging-ls lines', () => {
    expect(parseStagingLs(`${sha} 12,3 Fix the thing\n\n`)).toEqual([
      { sha, change: 12, patchSet: 3, subject: 'Fix the thing' },
    ]);
    expect(() => parseStagingLs('nonsense')).toThrow(/unexpected staging-ls line/);
  });

  test('stream events: core and plugin types typed, others unknown', () => {
    const staged = parseGerritEvent(
      JSON.stringify({
        type: 'change-staged',
        change,
        patchSet: { number: 1, revision: sha },
        eventCreatedOn: 1,
      }),
    );
    expect(staged.type).toBe('change-staged');
    const ref = parseGerritEvent(
      JSON.stringify({
        type: 'ref-updated',
        refUpdate: { oldRev: sha, newRev: sha, refName: 'refs/heads/dev', project: 'p' },
      }),
    );
    expect(ref.type === 'ref-updated' && ref.refUpdate.refName).toBe('refs/heads/dev');
    expect(parseGerritEvent('{"type":"reviewer-added"}')).toMatchObject({
      type: 'unknown',
      originalType: 'reviewer-added',
    });
    expect(parseGerritEvent('{"type":"change-staged"}')).toMatchObject({
      type: 'unknown',
      originalType: 'change-staged',
    });
    expect(() => parseGerritEvent('[1]')).toThrow(/not a JSON object/);
  });

  test('query output', () => {
    const out = `${JSON.stringify({ ...change, status: 'STAGED' })}\n${JSON.stringify({ type: 'stats', rowCount: 1 })}\n`;
    const result = parseQueryOutput(out);
    expect(result.rowCount).toBe(1);
    expect(stagedBranches([...result.changes, { ...change, number: 6 }])).toEqual([
      { project: 'qt/qtbase', branch: 'dev' },
    ]);
    expect(() => parseQueryOutput('')).toThrow(/no stats line/);
    expect(() => parseQueryOutput('{"type":"error","message":"bad"}')).toThrow(/bad/);
  });

  test('build ids and messages', () => {
    expect(buildIdFor('6.8', 3)).toBe('qtci/6.8/3');
    expect(integrationMessage('fail', 'http://c/coin/#/tasks/t1', 'build failed')).toBe(
      'Continuous Integration: Failed\n\nbuild failed\n\nDetails: http://c/coin/#/tasks/t1',
    );
  });
});
