// The post-update watch and rollback end to end in Node: a real deployment checkout following a
// bare upstream, a real runner under `coin service` behind a real OpenSSH server on loopback. An
// update restarts Coin while an integration builds; the watch sees the interrupted task re-queued,
// running again and passing, an agent reaching running, and says green. A new revision that logs
// errors turns the watch red, and the rollback (the update's steps, back to the revision before)
// brings the previous revision back. The update's state kept on disk: a second services object
// over the same data directory (the app started again after it died mid-update) reports where the
// run stopped and continues it; a third one resumes the watch.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ConnectionProfile } from '../../../electron/common/instance-schemas';
import type { UpdateProgress, UpdateStep } from '../../../electron/common/maintenance-contract';
import type { PostUpdateWatch } from '../../../electron/common/post-update-contract';
import {
  createMaintenanceServices,
  type MaintenanceServices,
} from '../../../electron/services/maintenance/maintenance-services';
import { updateRecordsDir } from '../../../electron/services/maintenance/update-record';
import { commitModule } from '../../helpers/coin-process';
import { type CoinDeployment } from '../../helpers/coin-deployment';
import { startLoopbackMaster, type LoopbackMaster } from '../../helpers/loopback-master';
import { runCoin } from '../../helpers/run-coin';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';

let master: LoopbackMaster;
let deployment: CoinDeployment;
let profile: ConnectionProfile;
const services: MaintenanceServices[] = [];
// Each `coin` CLI call the steps make loads the whole CLI through tsx: about 9 s each with the load
// average at 25 on this machine's 2 cores (measured), so an update takes up to two minutes here.
const slowTest = 900_000;

function maintenanceOver(beforeUpdateStep?: (step: UpdateStep['id']) => Promise<void>) {
  const created = createMaintenanceServices({
    instances: master.instances,
    watchPollMs: 500,
    beforeUpdateStep: (_id, step) => beforeUpdateStep?.(step),
  });
  services.push(created);
  return created;
}

beforeAll(async () => {
  master = await startLoopbackMaster({ prefix: 'update-watch-', instanceKind: 'private' });
  ({ deployment, profile } = master);
}, slowTest);
afterAll(async () => {
  for (const s of services) await Promise.race([s.close(), new Promise((r) => setTimeout(r, 5000))]);
  await master?.stop();
}, slowTest);

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 240_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last error: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const watchOf = async (m: MaintenanceServices) =>
  (await m.api.maintenanceUpdateWatch({ profileId: profile.id })).watch;

/** How long each step took, in seconds (printed: slow updates are measured, not guessed). */
function timings(progress: UpdateProgress): string {
  return progress.steps
    .map(
      (s) =>
        `${s.id} ${s.startedAt && s.finishedAt ? (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000 : '-'}s`,
    )
    .join(', ');
}

async function plannedTarget(m: MaintenanceServices): Promise<string> {
  const plan = await m.api.maintenanceUpdatePlan({ profileId: profile.id });
  expect(plan.blockers).toEqual([]);
  return plan.target!;
}

test(
  'an update during an integration: the queue resumes, the build finishes, an agent runs: green',
  async () => {
    const maintenance = maintenanceOver();
    const modules = path.join(deployment.workingDir, '..', 'modules');
    // The build waits for a file the test writes once the watch saw it running again after the
    // restart: it is surely running when the update stops Coin, whatever the machine's load.
    const release = path.join(modules, 'release-the-build');
    const waiting = `    - type: ExecuteCommand\n      command: "sh -c 'echo building; while [ ! -e ${release} ]; do sleep 0.5; done'"\n`;
    await commitModule(modules, 'demo/slow', {
      'coin/module_config.yaml': toolModuleConfig(waiting),
      'tool.c': toolSource,
    });
    const submitted = await runCoin(
      [
        'integrate',
        path.join(modules, 'demo/slow'),
        '--ref',
        'main',
        '--working-dir',
        deployment.workingDir,
        '--json',
      ],
      { timeoutMs: 60_000, launch: deployment.coin },
    );
    expect(submitted.code, submitted.stderr).toBe(0);
    const taskId = (JSON.parse(submitted.stdout) as { id: string }).id;
    await until('the integration to build', async () => {
      const shown = await runCoin(['task', taskId, '--working-dir', deployment.workingDir, '--json'], {
        launch: deployment.coin,
      });
      const task = JSON.parse(shown.stdout) as { state: string; workItems: { state: string }[] };
      return task.state === 'Running' && task.workItems.some((w) => w.state === 'Running') ? true : undefined;
    });

    const from = await deployment.head();
    await deployment.pushUpstream();
    const target = await plannedTarget(maintenance);
    const started = await maintenance.api.maintenanceUpdateStart({
      profileId: profile.id,
      target,
      confirmed: true,
      watchMinutes: 10,
    });
    expect(started).toMatchObject({ kind: 'update', state: 'running', from, to: target, canRollback: false });
    await maintenance.idle();
    const progress = await maintenance.api.maintenanceUpdateProgress({ profileId: profile.id });
    console.log(`update steps: ${timings(progress)}`);
    expect(progress.state, JSON.stringify(progress, null, 2)).toBe('done');
    expect(progress.canRollback).toBe(true);

    const resumed = await until('the interrupted task running again on an agent', async () => {
      const watch = await watchOf(maintenance);
      expect(watch?.verdict, JSON.stringify(watch, null, 2)).not.toBe('red');
      return watch?.interrupted[0]?.state === 'Running' && watch.agents.reachedRunning > 0
        ? watch
        : undefined;
    });
    expect(resumed.verdict).toBe('watching');
    expect(resumed.pending).toEqual(['1 interrupted task(s) building again, not finished yet']);
    fs.writeFileSync(release, '');
    const green = await until('a green verdict', async () => {
      const watch = await watchOf(maintenance);
      expect(watch?.verdict, JSON.stringify(watch, null, 2)).not.toBe('red');
      return watch?.verdict === 'green' ? watch : undefined;
    });
    expect(green).toMatchObject({
      kind: 'update',
      revision: target,
      state: 'polling',
      periodMinutes: 10,
      reasons: [],
      pending: [],
      pollError: null,
      journal: { count: 0, errors: [] },
    });
    expect(green.interrupted).toEqual([
      expect.objectContaining({ id: taskId, project: 'demo/slow', state: 'Passed', failureKinds: [] }),
    ]);
    expect(green.finished.map((t) => t.id)).toContain(taskId);
    expect(green.agents.reachedRunning).toBeGreaterThanOrEqual(1);
    expect(Date.parse(green.until) - Date.parse(green.restartedAt)).toBe(10 * 60_000);
    expect(green.restartedAt).toBe(progress.steps.find((s) => s.id === 'start')!.startedAt);

    // Kept on disk after every poll (the write follows the poll's judgement).
    const file = path.join(updateRecordsDir(master.data.path), `${profile.id}.json`);
    type Kept = {
      progress: UpdateProgress;
      watch: PostUpdateWatch;
      interruptedTasks: string[];
      watchMinutes: number;
    };
    const kept = await until('the green verdict on disk', async () => {
      const read = JSON.parse(fs.readFileSync(file, 'utf8')) as Kept;
      return read.watch.verdict === 'green' ? read : undefined;
    });
    expect(kept).toMatchObject({ interruptedTasks: [taskId], watchMinutes: 10 });
    expect(kept.progress).toMatchObject({ state: 'done', from, to: target });

    const stopped = await maintenance.api.maintenanceUpdateWatchStop({ profileId: profile.id });
    expect(stopped.watch).toMatchObject({ state: 'stopped', verdict: 'green' });
  },
  slowTest,
);

/** A revision of Coin whose instance logs an error line when it starts (as a broken release would). */
async function pushBrokenRevision(): Promise<string> {
  const file = 'runner/cli/coin.mjs';
  const source = fs.readFileSync(path.join(deployment.coinDir, file), 'utf8');
  const broken = source.replace(
    'register();\n',
    "register();\nif (process.argv[2] === 'run')\n  process.stderr.write(`${JSON.stringify({ level: 50, time: Date.now(), msg: 'cannot open the build pool of this revision' })}\\n`);\n",
  );
  expect(broken).not.toBe(source);
  return deployment.pushUpstream({ [file]: broken }, 'runner: a release that logs an error at start');
}

test(
  'a revision that logs errors goes red; the rollback brings the previous revision back',
  async () => {
    const maintenance = maintenanceOver();
    const before = await deployment.head();
    await pushBrokenRevision();
    const target = await plannedTarget(maintenance);
    await maintenance.api.maintenanceUpdateStart({ profileId: profile.id, target, confirmed: true });
    await maintenance.idle();
    const progress = await maintenance.api.maintenanceUpdateProgress({ profileId: profile.id });
    expect(progress.state, JSON.stringify(progress, null, 2)).toBe('done');
    expect(await deployment.head()).toBe(target);

    const red = await until('a red verdict', async () => {
      const watch = await watchOf(maintenance);
      return watch?.verdict === 'red' ? watch : undefined;
    });
    expect(red.revision).toBe(target);
    expect(red.journal.count).toBeGreaterThanOrEqual(1);
    expect(red.journal.errors.join('\n')).toContain('cannot open the build pool of this revision');
    expect(red.reasons[0]).toMatch(
      /^\d+ error line\(s\) in the journal since the restart; the last: \S+Z ERROR cannot open the build pool of this revision$/,
    );

    const rollback = await maintenance.api.maintenanceUpdateRollback({
      profileId: profile.id,
      confirmed: true,
    });
    expect(rollback).toMatchObject({ kind: 'rollback', state: 'running', from: target, to: before });
    await maintenance.idle();
    const rolled = await maintenance.api.maintenanceUpdateProgress({ profileId: profile.id });
    expect(rolled.state, JSON.stringify(rolled, null, 2)).toBe('done');
    expect(rolled.steps.map((s) => [s.id, s.state])).toEqual([
      ['stop', 'done'],
      ['maintenance-page', 'done'],
      ['pull', 'done'],
      ['dependencies', 'skipped'],
      ['start', 'done'],
      ['verify', 'done'],
    ]);
    expect(rolled.steps.find((s) => s.id === 'pull')).toMatchObject({
      title: 'Return to the previous revision',
      detail: `moved ${deployment.coinDir} back from ${target.slice(0, 12)} to ${before.slice(0, 12)}`,
    });
    expect(await deployment.head()).toBe(before);
    await expect(
      maintenance.api.maintenanceUpdateRollback({ profileId: profile.id, confirmed: true }),
    ).rejects.toThrow(/there is no update to roll back/);
    expect((await master.instances.api.serviceStatus({ profileId: profile.id })).state).toBe('active');
    // The branch is behind its upstream again: the plan offers the update once more.
    const plan = await maintenance.api.maintenanceUpdatePlan({ profileId: profile.id });
    expect(plan).toMatchObject({ head: before, target, ahead: 0, blockers: [] });

    const afterRollback = await until('the watch of the rollback to judge', async () => {
      const watch = await watchOf(maintenance);
      return watch?.kind === 'rollback' && watch.lastPollAt ? watch : undefined;
    });
    expect(afterRollback).toMatchObject({ revision: before, verdict: 'green', journal: { count: 0 } });
    await maintenance.api.maintenanceUpdateWatchStop({ profileId: profile.id });
  },
  slowTest,
);

test(
  'the app dies mid-update: the next start reports where it stopped, continues it and resumes the watch',
  async () => {
    // The first app hangs for good before the pull: it is abandoned as a killed process would be.
    const dying = maintenanceOver((step) =>
      step === 'pull' ? new Promise<void>(() => undefined) : Promise.resolve(),
    );
    const target = await plannedTarget(dying);
    const from = await deployment.head();
    await dying.api.maintenanceUpdateStart({
      profileId: profile.id,
      target,
      confirmed: true,
      watchMinutes: 5,
    });
    await until('the run to reach the pull', async () => {
      const progress = await dying.api.maintenanceUpdateProgress({ profileId: profile.id });
      return progress.steps[1]!.state === 'done' ? progress : undefined;
    });

    const next = maintenanceOver();
    const reported = await next.api.maintenanceUpdateProgress({ profileId: profile.id });
    expect(reported).toMatchObject({
      kind: 'update',
      state: 'interrupted',
      from,
      to: target,
      canRollback: false,
    });
    expect(reported.steps.map((s) => s.state)).toEqual([
      'done',
      'done',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    expect(reported.note).toBe(
      'The app stopped after the step “Maintenance page” ended and before the next one started: the update did not finish. The steps up to “Maintenance page” were done. Continue runs it again from the step it reached.',
    );
    expect((await master.instances.api.serviceStatus({ profileId: profile.id })).state).toBe('inactive');

    await next.api.maintenanceUpdateContinue({ profileId: profile.id, confirmed: true });
    await next.idle();
    const continued = await next.api.maintenanceUpdateProgress({ profileId: profile.id });
    expect(continued.state, JSON.stringify(continued, null, 2)).toBe('done');
    expect(continued.steps.map((s) => s.state)).toEqual(['done', 'done', 'done', 'skipped', 'done', 'done']);
    expect(await deployment.head()).toBe(target);
    const watching = await until('the first poll', async () => {
      const watch = await watchOf(next);
      return watch?.lastPollAt ? watch : undefined;
    });
    expect(watching).toMatchObject({ state: 'polling', periodMinutes: 5, revision: target });

    // The app starts once more while the watch runs: it goes on watching from the kept state.
    await next.close();
    const third = maintenanceOver();
    const resumed = await until('the resumed watch to poll again', async () => {
      const watch = await watchOf(third);
      return watch && watch.lastPollAt! > watching.lastPollAt! ? watch : undefined;
    });
    expect(resumed).toMatchObject({
      state: 'polling',
      restartedAt: watching.restartedAt,
      until: watching.until,
    });
    await third.api.maintenanceUpdateWatchStop({ profileId: profile.id });
  },
  slowTest,
);
