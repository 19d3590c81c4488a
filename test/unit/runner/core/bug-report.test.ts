// The bug report draft holds what the guide asks for, and no secret of the texts it quotes.
import { expect, test } from 'vitest';
import { draftBugReport, maskSecrets, type BugReportContext } from '../../../../runner/core/bug-report';

const context: BugReportContext = {
  instance: 'coin-master (coin@ci.example.org)',
  versions: {
    app: '0.9.0',
    appRevision: 'abc1234',
    runnerRevision: 'def5678',
    coinRevision: 1,
    node: 'v20.20.2',
  },
  trackerUrl: 'https://bugreports.qt.io/projects/COIN',
};

test('secrets are masked: tokens, passwords, private keys, Authorization headers, URL credentials', () => {
  const text = [
    'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig',
    'proxy-authorization: Basic dXNlcjpwYXNz',
    'fetch https://admin:hunter2@gerrit.example.org/a/changes failed',
    'ssh://ci@gerrit.example.org:29418 is fine',
    'password=hunter2 user=ci',
    '{"adminToken":"0123456789abcdef","port":8080}',
    'X-Coin-Admin-Token: 0123456789abcdef',
    'http://127.0.0.1:5000/#token=feedbeef and ?api_key=k3y&x=1',
    'pushed with ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    '-----BEGIN OPENSSH PRIVATE KEY-----',
    'b3BlbnNzaC1rZXktdjEAAAAA',
    '-----END OPENSSH PRIVATE KEY-----',
    'sha 0123456789abcdef0123456789abcdef01234567 built',
  ].join('\n');
  const out = maskSecrets(text);
  for (const secret of [
    'eyJhbGci',
    'dXNlcjpwYXNz',
    'hunter2',
    '0123456789abcdef"',
    'feedbeef',
    'k3y',
    'ghp_',
    'b3BlbnNz',
  ])
    expect(out).not.toContain(secret);
  expect(out.split('\n')).toEqual([
    'Authorization: [masked]',
    'proxy-authorization: [masked]',
    'fetch https://admin:[masked]@gerrit.example.org/a/changes failed',
    'ssh://ci@gerrit.example.org:29418 is fine',
    'password=[masked] user=ci',
    '{"adminToken":"[masked]","port":8080}',
    'X-Coin-Admin-Token: [masked]',
    'http://127.0.0.1:5000/#token=[masked] and ?api_key=[masked]&x=1',
    'pushed with [masked]',
    '[private key [masked]]',
    'sha 0123456789abcdef0123456789abcdef01234567 built',
  ]);
});

test('a failed task: summary, links to the integration and the build log, log lines, versions', () => {
  const draft = draftBugReport(
    {
      kind: 'task',
      taskId: 't-42',
      project: 'qt/qtsvg',
      branch: 'dev',
      state: 'Failed',
      failureKind: 'system',
      failureReason: 'agent lost',
      integrationUrl: 'https://coin.example.org/coin/#/tasks/t-42',
      buildLogUrl: 'https://ci-files.example.org/logs/w-1.txt',
      lines: ['cloning https://bot:s3cr3t@code.qt.io/qt/qtsvg', 'agent a-1 disconnected'],
    },
    context,
  );
  expect(draft.title).toBe('coin-master (coin@ci.example.org): qt/qtsvg dev Failed (system failure)');
  expect(draft.trackerUrl).toBe('https://bugreports.qt.io/projects/COIN');
  expect(draft.markdown).toBe(
    [
      '## Summary',
      '',
      'Integration t-42 of qt/qtsvg (dev) ended Failed on coin-master (coin@ci.example.org): agent lost',
      '',
      '## Links',
      '',
      '- Integration: <https://coin.example.org/coin/#/tasks/t-42>',
      '- Build log: <https://ci-files.example.org/logs/w-1.txt>',
      '',
      '## Relevant log lines',
      '',
      '```text',
      'cloning https://bot:[masked]@code.qt.io/qt/qtsvg',
      'agent a-1 disconnected',
      '```',
      '',
      '## Versions',
      '',
      '- Coin Admin: 0.9.0 (abc1234)',
      '- Runner revision: def5678',
      '- COIN revision: 1',
      '- Node: v20.20.2',
      '',
    ].join('\n'),
  );
});

test('a check, a journal signature and a diagnosis each say their conditions; no links is n/a', () => {
  const check = draftBugReport(
    { kind: 'check', title: 'Disk space', detail: '2% free on /', checkedAt: '2026-12-04T08:00:00Z' },
    context,
  );
  expect(check.markdown).toContain(
    'The daily check "Disk space" failed on coin-master (coin@ci.example.org) at 2026-12-04T08:00:00Z: 2% free on /',
  );
  expect(check.markdown).toContain('- Integration: n/a\n- Build log: n/a');
  expect(check.markdown).toContain('```text\n(none)\n```');

  const journal = draftBugReport(
    {
      kind: 'journal',
      signature: 'sqlite: database is locked',
      count: 3,
      firstSeen: '08:00',
      lastSeen: '09:00',
      lines: ['a ``` b'],
    },
    context,
  );
  expect(journal.title).toBe('coin-master (coin@ci.example.org): sqlite: database is locked');
  expect(journal.markdown).toContain('3 time(s), first at 08:00, last at 09:00');
  expect(journal.markdown).toContain('~~~~text\na ``` b\n~~~~'); // a fence the lines cannot close

  const diagnosis = draftBugReport(
    {
      kind: 'diagnosis',
      verdict: 'BLOCKED: the event loop did not turn within 1000 ms',
      text: 'Diagnosis of pid 1\nBLOCKED: ...\n',
      takenAt: 'T',
    },
    { ...context, trackerUrl: null },
  );
  expect(diagnosis.title).toBe('coin-master (coin@ci.example.org): BLOCKED instance (diagnosis T)');
  expect(diagnosis.markdown).toContain('```text\nDiagnosis of pid 1\nBLOCKED: ...\n```');
  expect(diagnosis.trackerUrl).toBeNull();
});
