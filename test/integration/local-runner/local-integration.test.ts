// "Run an integration of this git repository" through DeskApi, on a runner the app hosts: the
// integration goes through the runner's own API with its admin token, like `coin integrate`.
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  createLocalHostingServices,
  type LocalHostingServices,
} from '../../../electron/services/local-runner/local-hosting-services';
import { commitModule } from '../../helpers/coin-process';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';

let temp: TempDir;
let work: string;
let hosting: LocalHostingServices;
let sha: string;

beforeAll(async () => {
  temp = await makeTempDir('local-integration-');
  work = path.join(temp.path, 'work');
  hosting = createLocalHostingServices({ dataDir: path.join(temp.path, 'data'), defaultWorkingDir: work });
  sha = await commitModule(temp.path, 'demo/tool', {
    'coin/module_config.yaml': toolModuleConfig(),
    'tool.c': toolSource,
  });
  // Started here, not in a test: the per-test leak check holds a test to what it started itself.
  expect((await hosting.api.localRunnerStart({})).phase).toBe('running');
});
afterAll(async () => {
  await hosting.close();
  await temp.remove();
});

test('a module integrates on the hosted runner and passes; the result has its work items', async () => {
  const repo = path.join(temp.path, 'demo/tool');
  const { taskId } = await hosting.api.localRunnerIntegrate({ repo, ref: 'main' });
  await expect
    .poll(async () => (await hosting.api.localRunnerTask({ taskId })).state, {
      timeout: 90_000,
      interval: 300,
    })
    .toBe('Passed');
  const task = await hosting.api.localRunnerTask({ taskId });
  expect(task).toMatchObject({ id: taskId, project: 'demo/tool', branch: 'main', sha, reason: null });
  expect(task.workItems.map((w) => [w.kind, w.state, w.failure])).toEqual([
    ['build', 'Done', null],
    ['test', 'Done', null],
  ]);
  expect(task.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/coin/#/tasks/${taskId}$`));
});

test("the runner's refusal of a bad ref or a relative path comes back as a bad input", async () => {
  const repo = path.join(temp.path, 'demo/tool');
  await expect(hosting.api.localRunnerIntegrate({ repo, ref: 'no-such-branch' })).rejects.toMatchObject({
    code: 'bad-input',
    message: expect.stringContaining('no-such-branch'),
  });
  await expect(hosting.api.localRunnerIntegrate({ repo: 'demo/tool', ref: 'main' })).rejects.toMatchObject({
    code: 'bad-input',
    message: "the repository must be an absolute path, got 'demo/tool'",
  });
  await expect(hosting.api.localRunnerTask({ taskId: 'nope' })).rejects.toMatchObject({
    code: 'failed',
    message: "no task 'nope'",
  });
});
