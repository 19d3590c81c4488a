// The instance's health judgements on plain values: OpenNebula hosts and extra web servers.
import { describe, expect, test } from 'vitest';
import { judgeOpenNebulaHosts, judgeWebServers, worstStatus } from '../../../../runner/core/health-checks';

const endpoint = 'http://one:2633/RPC2';

describe('judgeOpenNebulaHosts', () => {
  test('skipped without OpenNebula; fails when the pool cannot be read or is empty', () => {
    expect(judgeOpenNebulaHosts({ kind: 'not-configured', hypervisor: 'local' }).status).toBe('skipped');
    const down = judgeOpenNebulaHosts({ kind: 'unreadable', endpoint, error: 'ECONNREFUSED' });
    expect(down).toMatchObject({
      status: 'fail',
      summary: `OpenNebula at ${endpoint} cannot be asked for its hosts: ECONNREFUSED`,
    });
    expect(judgeOpenNebulaHosts({ kind: 'hosts', endpoint, hosts: [] }).status).toBe('fail');
  });
  test('all ON is ok, off or disabled warns, error fails', () => {
    const on = { name: 'a', state: 'on' } as const;
    expect(judgeOpenNebulaHosts({ kind: 'hosts', endpoint, hosts: [on] }).summary).toBe('all 1 of 1 host ON');
    const off = judgeOpenNebulaHosts({
      kind: 'hosts',
      endpoint,
      hosts: [on, { name: 'b', state: 'disabled' }],
    });
    expect(off).toMatchObject({ status: 'warn', summary: '1 of 2 hosts ON; not ON: b (disabled)' });
    const error = judgeOpenNebulaHosts({
      kind: 'hosts',
      endpoint,
      hosts: [
        { name: 'c', state: 'error' },
        { name: 'b', state: 'off' },
      ],
    });
    expect(error).toMatchObject({ status: 'fail', details: ['c: ERROR', 'b: OFF'] });
  });
});

describe('judgeWebServers', () => {
  test('none listed is skipped; 2xx and 3xx are ok; anything else or no answer fails', () => {
    expect(judgeWebServers([]).status).toBe('skipped');
    const ok = judgeWebServers([
      { url: 'http://a/', kind: 'answered', status: 200, ms: 5 },
      { url: 'http://b/', kind: 'answered', status: 302, ms: 7 },
    ]);
    expect(ok).toMatchObject({ status: 'ok', summary: 'all 2 web servers answer' });
    const bad = judgeWebServers([
      { url: 'http://a/', kind: 'answered', status: 503, ms: 5 },
      { url: 'http://b/', kind: 'down', error: 'ECONNREFUSED' },
    ]);
    expect(bad.summary).toBe(
      '2 of 2 web servers not answering well: http://a/ (HTTP 503), http://b/ (ECONNREFUSED)',
    );
  });
  test('the overall status is the worst of those made', () => {
    expect(worstStatus(['skipped', 'ok', 'warn'])).toBe('warn');
    expect(worstStatus(['skipped'])).toBe('skipped');
  });
});
