import { describe, expect, test } from 'vitest';
import {
  levelOfPriority,
  levelOfText,
  parseJournalJson,
  parsePinoLine,
  parseServiceLogLine,
} from '../../../../../electron/services/journal/journal-parsers';
import { journaldSource, serviceLogSource } from '../../../../../electron/services/journal/journal-sources';
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

  test('service log: starts a backlog before the end, skips the cut line, counts bytes', async () => {
    const host = new RecordingHost([
      { match: 'wc -c /w/service/coin.log', result: { stdout: '300000 /w/service/coin.log\n' } },
    ]);
    const source = serviceLogSource(host, '/w/service/coin.log', 1000);
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
