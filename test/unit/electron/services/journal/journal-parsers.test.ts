import { describe, expect, test } from 'vitest';
import {
  levelOfPriority,
  levelOfText,
  parseJournalJson,
  parsePinoLine,
  parseServiceLogLine,
} from '../../../../../electron/services/journal/journal-parsers';
import {
  journaldSource,
  serviceLogSource,
  tailLogSource,
} from '../../../../../electron/services/journal/journal-sources';
import { RecordingHost } from '../host/recording-host';

describe("Coin's JSON log lines", () => {
  test('level, time, message, pid, and the extra fields as key=value', () => {
    const line = JSON.stringify({
      level: 40,
      time: 1795826529833,
      pid: 7,
      hostname: 'h',
      msg: 'agent lost',
      agentId: 'a1',
    });
    expect(parsePinoLine(line)).toEqual({
      time: 1795826529833,
      level: 'warning',
      message: 'agent lost agentId=a1',
      pid: 7,
    });
  });
  test('an error with its stack', () => {
    const line = JSON.stringify({
      level: 50,
      time: 1,
      msg: 'failed',
      err: { message: 'boom', stack: 'Error: boom\n    at x' },
    });
    expect(parsePinoLine(line)?.message).toBe('failed Error: boom\n    at x');
    expect(parsePinoLine(line)?.level).toBe('error');
  });
  test('plain text lines of the service log get a level from their words', () => {
    expect(parseServiceLogLine('Traceback (most recent call last):')).toEqual({
      time: null,
      level: 'error',
      message: 'Traceback (most recent call last):',
      pid: null,
    });
    expect(levelOfText('    at startInstance (/srv/coin/runner/node/instance/coin-instance.ts:150:3)')).toBe(
      'error',
    );
    expect(levelOfText('FATAL ERROR: Reached heap limit')).toBe('critical');
    expect(levelOfText('(node:1) Warning: something')).toBe('warning');
    expect(levelOfText('listening')).toBe('info');
    expect(parsePinoLine('{"not":"pino"}')).toBeUndefined();
  });
});

describe('journalctl -o json records', () => {
  const record = (extra: Record<string, unknown>) =>
    JSON.stringify({
      __CURSOR: 's=abc;i=1f;b=def;m=1;t=2;x=3',
      __REALTIME_TIMESTAMP: '1795826529833123',
      PRIORITY: '6',
      _PID: '4242',
      ...extra,
    });

  test('a Coin JSON line inside MESSAGE gives its own level and time', () => {
    const message = JSON.stringify({ level: 50, time: 1795826529000, pid: 4242, msg: 'integration failed' });
    expect(parseJournalJson(record({ MESSAGE: message }))).toEqual({
      cursor: 's=abc;i=1f;b=def;m=1;t=2;x=3',
      entry: { time: 1795826529000, level: 'error', message: 'integration failed', pid: 4242 },
    });
  });
  test('plain MESSAGE: PRIORITY and the realtime timestamp', () => {
    expect(parseJournalJson(record({ MESSAGE: 'Started coin.service', PRIORITY: '4' }))?.entry).toEqual({
      time: 1795826529833,
      level: 'warning',
      message: 'Started coin.service',
      pid: 4242,
    });
  });
  test('MESSAGE as an array of bytes (not valid UTF-8 in the journal)', () => {
    const bytes = [...Buffer.from('caf\u00e9 ok')];
    expect(parseJournalJson(record({ MESSAGE: bytes }))?.entry.message).toBe('caf\u00e9 ok');
  });
  test('lines without a cursor are not records', () => {
    expect(parseJournalJson('{"MESSAGE":"x"}')).toBeUndefined();
    expect(parseJournalJson('-- No entries --')).toBeUndefined();
  });
  test('priorities', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(levelOfPriority)).toEqual([
      'critical',
      'critical',
      'critical',
      'error',
      'warning',
      'notice',
      'info',
      'debug',
    ]);
  });
});

describe('sources', () => {
  test('journald: the backlog first, then resumed after the cursor', async () => {
    const source = journaldSource(500);
    expect(await source.command(null)).toEqual({
      argv: ['journalctl', '--user', '-u', 'coin', '-o', 'json', '--no-pager', '-f', '-n', '500'],
      cursor: null,
    });
    expect((await source.command('s=1;i=2')).argv.at(-1)).toBe('--after-cursor=s=1;i=2');
  });

  test('service log: coin service logs --json, the backlog first, then resumed after the cursor', async () => {
    const host = new RecordingHost([]);
    const source = serviceLogSource(
      host,
      { coinCommand: ['node', '/srv/coin/runner/cli/coin.mjs'], workingDir: '/w' },
      500,
    );
    const base = [
      'node',
      '/srv/coin/runner/cli/coin.mjs',
      'service',
      'logs',
      '--working-dir',
      '/w',
      '--follow',
      '--json',
    ];
    expect(await source.command(null)).toEqual({ argv: [...base, '-n', '500'], cursor: null });
    const cursor = 'f1:2049:77:120:0123456789abcdef';
    expect(await source.command(cursor)).toEqual({ argv: [...base, '--after', cursor], cursor });
    expect(source.description).toBe('coin service logs -f /w/service/coin.log');
    expect(host.commands).toEqual([]);

    const record = (value: object) => Buffer.from(JSON.stringify(value));
    const line = JSON.stringify({ level: 50, time: 5, pid: 3, msg: 'boom' });
    expect(source.parse(record({ cursor: 'c1' }), null)).toEqual({ entry: null, cursor: 'c1' });
    expect(source.parse(record({ cursor: 'c2', line }), 'c1')).toEqual({
      entry: { time: 5, level: 'error', message: 'boom', pid: 3 },
      cursor: 'c2',
    });
    expect(source.parse(record({ cursor: 'c3', line: 'plain\r' }), 'c2').entry?.message).toBe('plain');
    expect(source.parse(record({ cursor: 'c4', line: '' }), 'c3')).toEqual({ entry: null, cursor: 'c4' });
    expect(source.parse(record({ cursor: 'c5', notice: 'lines may be missing', time: 9 }), 'c4')).toEqual({
      entry: { time: 9, level: 'warning', message: 'lines may be missing', pid: null },
      cursor: 'c5',
    });
    // Not a record: shown as text, the cursor stays.
    expect(source.parse(Buffer.from('(node:1) Warning: x'), 'c5')).toMatchObject({
      entry: { level: 'warning', message: '(node:1) Warning: x' },
      cursor: 'c5',
    });
  });

  test('service log: a Coin on the host without --json is followed with tail -F, with one warning', async () => {
    const host = new RecordingHost([
      { match: 'wc -c /w/service/coin.log', result: { stdout: '100 /w/service/coin.log\n' } },
    ]);
    const source = serviceLogSource(host, { coinCommand: ['coin'], workingDir: '/w' }, 500);
    expect(source.ended?.({ code: 1, signal: null }, 'boom')).toBe(false);
    expect(source.ended?.({ code: 2, signal: null }, "error: unknown option '--json'\n")).toBe(true);
    const first = await source.command('f1:1:2:3:0123456789abcdef');
    expect(first.argv).toEqual(['tail', '-c', '+1', '-F', '/w/service/coin.log']);
    expect(first.notice).toMatch(/cannot follow its log by cursor.*lines may be repeated or missing/);
    expect(source.description).toBe('tail -F /w/service/coin.log');
    expect(source.parse(Buffer.from('abc'), '0')).toMatchObject({ cursor: '4' });
    const again = await source.command('4');
    expect(again).toEqual({ argv: ['tail', '-c', '+5', '-F', '/w/service/coin.log'], cursor: '4' });
    expect(source.ended?.({ code: 2, signal: null }, "error: unknown option '--json'")).toBe(false);
  });

  test('tail -F source: starts a backlog before the end, skips the cut line, counts bytes', async () => {
    const host = new RecordingHost([
      { match: 'wc -c /w/service/coin.log', result: { stdout: '300000 /w/service/coin.log\n' } },
    ]);
    const source = tailLogSource(host, '/w/service/coin.log', 1000);
    const first = await source.command(null);
    expect(first).toEqual({ argv: ['tail', '-c', '+299001', '-F', '/w/service/coin.log'], cursor: '299000' });
    expect(source.parse(Buffer.from('ut line'), '299000')).toEqual({ entry: null, cursor: '299008' });
    const next = source.parse(Buffer.from('caf\u00e9'), '299008');
    expect(next.cursor).toBe(String(299008 + 6));
    expect(next.entry?.message).toBe('caf\u00e9');
    expect((await source.command('299014')).argv).toEqual([
      'tail',
      '-c',
      '+299015',
      '-F',
      '/w/service/coin.log',
    ]);
  });
});
