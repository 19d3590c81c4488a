// The grouping of a CPU profile into stacks (busiest first) and the text of a diagnosis.
import { expect, test } from 'vitest';
import {
  busiestStacks,
  formatDiagnosis,
  type CpuProfileLike,
  type Diagnosis,
} from '../../../../runner/core/diagnosis';

const frame = (functionName: string, lineNumber = 0) => ({
  functionName,
  url: functionName.startsWith('(') ? '' : 'file:///app.js',
  lineNumber,
  columnNumber: 4,
});

// (root) -> main -> spin ; (root) -> main -> parse ; (root) -> (idle)
const profile: CpuProfileLike = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 5] },
    { id: 2, callFrame: frame('main', 9), children: [3, 4] },
    { id: 3, callFrame: frame('spin', 19) },
    { id: 4, callFrame: frame('parse', 29) },
    { id: 5, callFrame: frame('(idle)') },
  ],
  samples: [3, 3, 3, 4, 5, 3, 5, 3],
};

test('samples grouped by whole stack, busiest first, innermost frame first, 1-based positions', () => {
  const stacks = busiestStacks(profile);
  expect(stacks.map((s) => [s.frames.map((f) => f.functionName), s.samples, s.share])).toEqual([
    [['spin', 'main'], 5, 5 / 8],
    [['(idle)'], 2, 2 / 8],
    [['parse', 'main'], 1, 1 / 8],
  ]);
  expect(stacks[0]!.frames[0]).toEqual({ functionName: 'spin', url: 'file:///app.js', line: 20, column: 5 });
  expect(busiestStacks(profile, 1)).toHaveLength(1);
  expect(busiestStacks({ nodes: profile.nodes })).toEqual([]);
});

const base: Diagnosis = {
  takenAt: '2026-12-04T10:00:00.000Z',
  pid: 42,
  inspectorPort: 40000,
  process: {
    pid: 42,
    node: 'v20.20.2',
    uptimeSeconds: 61.4,
    memory: {
      rss: 100 * 1024 ** 2,
      heapTotal: 40 * 1024 ** 2,
      heapUsed: 20 * 1024 ** 2,
      external: 0,
      arrayBuffers: 0,
    },
    activeResources: ['Timeout', 'TCPServerWrap', 'Timeout'],
    instance: {
      workingDir: '/srv/coin',
      startedAt: '2026-12-04T09:59:00.000Z',
      sqliteInTransaction: true,
      connectedAgents: ['a1'],
      runningTasks: [{ id: 't1', project: 'qt/qtbase', branch: 'dev' }],
      loopDelay: { sinceMs: 60_000, meanMs: 20, p50Ms: 20, p99Ms: 21, maxMs: 25 },
      lastTurnMsAgo: 12_000,
    },
  },
  loopTurn: { kind: 'blocked', limitMs: 1000 },
  paused: {
    kind: 'running',
    frames: [{ functionName: 'spin', url: 'file:///app.js', line: 20, column: 5 }],
    asyncFrames: [],
  },
  profile: { durationMs: 2000, samples: 8, stacks: busiestStacks(profile) },
  promises: null,
  problems: ['promises: skipped'],
};

test('the text leads with the verdict and shows what an administrator looks for', () => {
  const text = formatDiagnosis(base);
  const lines = text.split('\n');
  expect(lines[1]).toBe(
    'BLOCKED: the event loop did not turn within 1000 ms; JavaScript is busy (see the stacks below)',
  );
  expect(text).toContain('active handles and requests: Timeout x2, TCPServerWrap');
  expect(text).toContain('SQLite: a transaction is OPEN');
  expect(text).toContain('event loop last turned 12000 ms ago');
  expect(text).toContain('tasks running: t1 (qt/qtbase dev)');
  expect(text).toContain('paused at:\n    at spin (file:///app.js:20:5)');
  expect(text).toContain(
    '#1 62.5% (5 samples)\n    at spin (file:///app.js:20:5)\n    at main (file:///app.js:10:5)\n#2 25.0%',
  );
  expect(text).toContain('not gathered:\n  promises: skipped');
});

test('idle and unanswered runners say so in their first line', () => {
  const idle = formatDiagnosis({
    ...base,
    loopTurn: { kind: 'turned', ms: 0.4 },
    paused: { kind: 'idle' },
    promises: { total: 9, inspected: 9, pending: 2 },
  });
  expect(idle.split('\n')[1]).toBe(
    'idle: no JavaScript was running and the event loop turns (a turn took 0.4 ms); 2 pending promise(s); it waits on: Timeout x2, TCPServerWrap',
  );
  const silent = formatDiagnosis({ ...base, process: null, loopTurn: null, paused: null, profile: null });
  expect(silent.split('\n')[1]).toMatch(/^UNKNOWN: /);
});
