// The instance's own health checks: a real `coin run` runs them on its schedule and stores each
// run in SQLite (the history survives a restart), `coin health` runs them on request, the extra
// web servers are real HTTP servers, and the OpenNebula hosts come from the OpenNebula fake.
import http from 'node:http';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { InstanceClient } from '../../../runner/client/instance-client';
import { instanceRootUrl, type HealthRun } from '../../../runner/core/instance-api';
import { agentCommand } from '../../../runner/cli/run-command';
import { hostStates } from '../../../runner/core/opennebula/one-states';
import { startOneFake } from '../../fakes/opennebula/one-fake';
import { startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { waitUntil } from '../service/service-fixture';

const clientOf = (port: number) => new InstanceClient({ root: instanceRootUrl(`http://127.0.0.1:${port}`) });

let work: TempDir;
let coin: CoinProcess | undefined;
const servers: http.Server[] = [];

beforeEach(async () => {
  work = await makeTempDir('health-');
});
afterEach(async () => {
  await coin?.stop();
  coin = undefined;
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  await work.remove();
});

/** A web server on loopback answering every GET with `status`. */
async function webServer(status: number): Promise<string> {
  const server = http.createServer((_request, response) => response.writeHead(status).end('x'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/coin/`;
}

const byId = (run: HealthRun, id: string) => run.checks.find((c) => c.id === id)!;

describe('the instance health checks', () => {
  test('run on the instance schedule, on request, and stay stored across a restart', async () => {
    const good = await webServer(200);
    const bad = await webServer(500);
    const dir = path.join(work.path, 'wd');
    // 0.05 minutes: a scheduled run 5 s after the start, then every 3 s.
    const options = ['--health-interval', '0.05', '--health-web-server', good, '--health-web-server', bad];
    coin = await startCoin(dir, options);
    const client = clientOf(coin.port);
    await waitUntil(async () => (await client.healthHistory()).runs.length >= 2, 30_000);
    const scheduled = await client.healthHistory();
    expect(scheduled.intervalMinutes).toBe(0.05);
    expect(scheduled.nextRunAt).not.toBeNull();
    expect(scheduled.runs.every((r) => r.trigger === 'schedule')).toBe(true);
    const first = scheduled.runs[0]!;
    expect(first.checks.map((c) => c.id)).toEqual([
      'disk',
      'agents',
      'latest-results',
      'opennebula-hosts',
      'web-servers',
    ]);
    expect(byId(first, 'opennebula-hosts').status).toBe('skipped');
    const web = byId(first, 'web-servers');
    expect(web).toMatchObject({
      status: 'fail',
      summary: `1 of 2 web servers not answering well: ${bad} (HTTP 500)`,
    });
    expect(web.details[0]).toMatch(new RegExp(`^${good}: HTTP 200 in \\d+ ms$`));
    expect(first.overall).toBe('fail');

    // coin health: the instance runs them now and stores that run too; a failed check exits 1.
    const asked = await runCoin(['health', '--working-dir', dir, '--json']);
    expect(asked.code).toBe(1);
    const run = JSON.parse(asked.stdout) as HealthRun;
    expect(run).toMatchObject({ trigger: 'request', overall: 'fail' });
    expect(byId(run, 'disk').status).toMatch(/ok|warn|fail/);
    const text = await runCoin(['health', '--working-dir', dir, '--history']);
    expect(text.stdout).toMatch(/^\d+ runs; schedule: every 0.05 min, next /);
    expect(text.stdout).toContain(`${run.checkedAt}  fail    disk=`);

    // Stopped and started again: the runs are still there (SQLite), and the schedule goes on.
    const before = (await client.healthHistory()).runs.length;
    await coin.stop();
    coin = await startCoin(dir, ['--health-interval', '0']);
    const after = await clientOf(coin.port).healthHistory();
    expect(after.runs.length).toBe(before);
    expect(after.runs.map((r) => r.id)).toEqual([...after.runs.map((r) => r.id)].sort((a, b) => a - b));
    expect(after).toMatchObject({ intervalMinutes: 0, nextRunAt: null });
    expect((await clientOf(coin.port).healthHistory({ days: 0 })).runs).toEqual([]);
  }, 120_000);

  test('the OpenNebula hosts are all ON, then one is in ERROR (read from OpenNebula)', async () => {
    const fake = await startOneFake({
      root: path.join(work.path, 'vms'),
      users: [{ name: 'coin', password: 'pw' }],
      hosts: [{ name: 'aquila-1' }, { name: 'aquila-2' }],
      templates: [],
      agentCommand: agentCommand(),
    });
    try {
      const auth = path.join(work.path, 'one_auth');
      await writeFile(auth, 'coin:pw\n', { mode: 0o600 });
      const one = ['--hypervisor', 'opennebula', '--one-xmlrpc', fake.url, '--one-auth-file', auth];
      coin = await startCoin(path.join(work.path, 'wd'), [
        ...one,
        '--own-ip',
        '127.0.0.1',
        '--health-interval',
        '0',
      ]);
      const ok = byId(await runHealth(), 'opennebula-hosts');
      expect(ok).toMatchObject({
        status: 'ok',
        summary: 'all 2 of 2 hosts ON',
        details: ['aquila-1: ON', 'aquila-2: ON'],
      });

      fake.setHostState('aquila-2', hostStates.ERROR);
      const bad = byId(await runHealth(), 'opennebula-hosts');
      expect(bad).toMatchObject({ status: 'fail', summary: '1 of 2 hosts ON; not ON: aquila-2 (error)' });
      // Read only: the checks asked for the host pool and the instance's VMs, nothing else.
      const methods = new Set(fake.calls.map((c) => c.method));
      expect([...methods].filter((m) => !/info|version|user/i.test(m))).toEqual([]);
      await coin.stop();
      coin = undefined;
    } finally {
      await fake.stop();
    }
  }, 120_000);
});

/** POST api/health/run with the working directory's admin token, as coin health does. */
async function runHealth(): Promise<HealthRun> {
  const result = await runCoin(['health', '--working-dir', path.join(work.path, 'wd'), '--json']);
  return JSON.parse(result.stdout) as HealthRun;
}
