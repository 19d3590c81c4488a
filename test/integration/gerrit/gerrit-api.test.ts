// The Gerrit overview (the API's gerrit route, read with the instance client) of a real `coin run
// --gerrit` against the Gerrit fake: the connection, the changes Coin builds and reported, Gerrit's
// own view (cached) and whether the two converge.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InstanceClient } from '../../../runner/client/instance-client';
import { instanceRootUrl } from '../../../runner/core/instance-api';
import { judgeGerrit } from '../../../electron/services/maintenance/check-decisions';
import type { GerritApiAnswer, GerritOverview } from '../../../runner/core/gerrit/gerrit-overview';
import { startCoin } from '../../helpers/coin-process';
import { startGerritFixture, until, type GerritFixture } from '../../helpers/gerrit-fixture';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';

let root: TempDir;
let gerrit: GerritFixture;

beforeAll(async () => {
  root = await makeTempDir('gerrit-api-');
  gerrit = await startGerritFixture(root.path);
});

afterAll(async () => {
  await gerrit?.stop();
  await root?.remove();
});

function api(port: number): Promise<GerritApiAnswer> {
  return new InstanceClient({ root: instanceRootUrl(`http://127.0.0.1:${port}`) }).gerrit();
}

async function overview(port: number): Promise<GerritOverview> {
  const answer = await api(port);
  if (!answer.enabled) throw new Error('the instance does not watch Gerrit');
  return answer;
}

const slowStep = `    - type: ExecuteCommand\n      command: "sleep 4"\n      userMessageOnFailure: "sleep failed"\n`;

const queries = () => gerrit.fake.commands.filter((c) => c.startsWith('gerrit query')).length;

describe("the instance's Gerrit overview", () => {
  test('an instance without --gerrit says so', async () => {
    const coin = await startCoin(path.join(root.path, 'plain'));
    try {
      const answer = await api(coin.port);
      expect(answer).toEqual({ enabled: false });
      // the Maintenance area's check on this answer
      expect(judgeGerrit(answer).status).toBe('skipped');
    } finally {
      expect(await coin.stop()).toBe(0);
    }
  });

  test('a real instance: a change INTEGRATING without a Coin task is not converged; a staged change is built, approved and converges', async () => {
    const { fake, dev } = gerrit;
    await fake.createProject('api/tool', 'dev', {
      'coin/module_config.yaml': toolModuleConfig(),
      'tool.c': toolSource,
    });
    // Someone else (not this instance) made a build: its change is INTEGRATING with no Coin task.
    const orphan = await fake.createChange({
      project: 'api/tool',
      branch: 'dev',
      subject: 'Built elsewhere',
      files: { 'elsewhere.txt': 'e\n' },
      owner: dev,
    });
    await fake.stage(orphan, dev);
    await fake.state.newBuild('api/tool', 'dev', 'other/dev/1', dev);
    expect(fake.change(orphan.number).status).toBe('INTEGRATING');

    const coin = await startCoin(path.join(root.path, 'real'), [
      '--instance',
      'real',
      '--gerrit-write',
      ...gerrit.args('api/tool'),
    ]);
    try {
      const first = await until(
        async () => {
          const o = await overview(coin.port);
          return o.connection.state === 'connected' && o.gerrit.checkedAt !== null && o;
        },
        'the first view of Gerrit',
        coin.output,
      );
      expect(first).toMatchObject({
        mode: 'write',
        server: fake.sshUrl('qtci'),
        projects: ['api/tool'],
        gerrit: { error: null, maxAgeMs: 30_000, staged: [] },
        convergence: {
          converged: false,
          summary: 'not converged: 1 change integrating in Gerrit with no Coin task',
        },
      });
      expect(first.gerrit.integrating).toEqual([
        expect.objectContaining({
          change: orphan.number,
          subject: 'Built elsewhere',
          status: 'INTEGRATING',
          coin: { kind: 'unknown' },
        }),
      ]);
      expect(first.convergence.integratingWithoutTask.map((r) => r.change)).toEqual([orphan.number]);
      expect(judgeGerrit(first)).toMatchObject({
        status: 'warn',
        details: expect.arrayContaining([
          expect.stringMatching(/^integrating with no Coin task: api\/tool dev \d+,1 "Built elsewhere"/),
        ]),
      });

      // Nothing happened: the page asking again does not ask Gerrit again (once the instance's
      // first catch-up, which records gerrit.connected after its queries, is over).
      await until(() => /connected; \d+ staged/.test(coin.output()), 'the first catch-up', coin.output);
      await overview(coin.port); // takes in what the instance's start changed
      const before = queries();
      await overview(coin.port);
      await overview(coin.port);
      expect(queries()).toBe(before);

      // The other build fails: the change goes back to NEW (an event), and the view converges.
      await fake.state.approve('api/tool', 'dev', 'other/dev/1', 'fail', 'Failed elsewhere', dev);
      const settled = await until(
        async () => {
          const o = await overview(coin.port);
          return o.convergence.converged === true && o;
        },
        'the convergence',
        coin.output,
      );
      expect(settled.convergence.summary).toBe(
        'converged: 0 staged, 0 integrating in Gerrit; Coin knows every one',
      );

      // A change staged now is built by a task of this instance, then approved.
      const good = await fake.createChange({
        project: 'api/tool',
        branch: 'dev',
        subject: 'Say hello',
        // slow enough for the page to see it build (Gerrit's view is asked again at most every 2 s)
        files: { 'coin/module_config.yaml': toolModuleConfig(slowStep) },
        owner: dev,
      });
      await fake.stage(good, dev);
      const building = await until(
        async () => {
          const o = await overview(coin.port);
          const row = o.gerrit.integrating.find((r) => r.change === good.number);
          return row?.coin.kind === 'building' && o;
        },
        'the build of the staged change',
        coin.output,
      );
      const taskId = building.coin.building[0]!.taskId;
      expect(building.coin.building).toEqual([
        expect.objectContaining({
          taskId,
          project: 'api/tool',
          branch: 'dev',
          buildId: expect.stringMatching(/^qtci\/dev\/\d+$/),
          changes: [expect.objectContaining({ change: good.number, subject: 'Say hello' })],
        }),
      ]);
      expect(building.convergence.converged).toBe(true);

      const done = await until(
        async () => {
          const o = await overview(coin.port);
          return (
            fake.change(good.number).status === 'MERGED' && o.coin.finished[0]?.report === 'approved' && o
          );
        },
        'the approval',
        coin.output,
      );
      expect(done.coin.finished[0]).toMatchObject({
        taskId,
        state: 'Passed',
        result: 'pass',
        report: 'approved',
        changes: [expect.objectContaining({ change: good.number })],
      });
      const after = await until(
        async () => {
          const o = await overview(coin.port);
          return o.gerrit.integrating.length === 0 && o;
        },
        "Gerrit's view after the merge",
        coin.output,
      );
      expect(after.convergence).toMatchObject({ converged: true, integratingWithoutTask: [] });
      expect(judgeGerrit(after)).toMatchObject({
        status: 'ok',
        summary: 'converged: 0 staged, 0 integrating in Gerrit (writes to Gerrit)',
      });

      // Gerrit goes away: the connection is reconnecting, with the reason.
      fake.setAvailable(false);
      fake.dropConnections();
      const down = await until(
        async () => {
          const o = await overview(coin.port);
          return o.connection.state === 'reconnecting' && o;
        },
        'the disconnection',
        coin.output,
      );
      expect(down.connection.lastError).toEqual(expect.any(String));
      expect(down.connection.lastErrorAt).toEqual(expect.any(String));
      expect(judgeGerrit(down)).toMatchObject({
        status: 'fail',
        summary: expect.stringContaining(`the connection to ${fake.sshUrl('qtci')} is down since`),
      });
      fake.setAvailable(true);
      await until(
        async () => (await overview(coin.port)).connection.state === 'connected',
        'the reconnection',
        coin.output,
      );
    } finally {
      expect(await coin.stop()).toBe(0);
    }
  });
});
