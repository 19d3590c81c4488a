// The Configuration area in real Chromium through the browser host, against a real `coin run`
// (started by `coin service` for a local profile) whose history holds recorded integrations:
// edit a regex in the form, see the rule tester and the impact preview follow, review the diff,
// save, see the instance report the new version applied; introduce an error and see it refused at
// the field and in the text; a file changed behind the editor's back gives the three-way view.
// Screenshots go to test/e2e/screenshots/ for a person to look at.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../electron/host/browser-host';
import { createDeskServices, type DeskServices } from '../../electron/services/desk-services';
import {
  createInstanceServices,
  type InstanceServices,
} from '../../electron/services/instances/instance-services';
import { localHostConfiguration } from '../../runner/node/instance/local-host-config';
import { SqliteStore } from '../../runner/node/store/sqlite-store';
import { withPage } from '../helpers/chromium';
import { rendererDir } from '../helpers/test-host';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';
import { killDaemon } from '../integration/service/service-fixture';

const screenshots = path.resolve(import.meta.dirname, 'screenshots');
const minute = 60_000;

const initialText = `{
  // How integrations start on this instance.
  "gerrit_monitor": {
    "parallel_integration_delay": 600, // ten minutes between parallel starts
    "parallel_project_rules": [
      "qt/qtdeclarative/dev" // declarative may run in parallel
    ]
  }
}
`;

let data: TempDir;
let work: TempDir;
let instances: InstanceServices;
let services: DeskServices;
let host: BrowserHost;
let profileId: string;

/** Integrations of the last two days: three overlapping qtbase/dev ones, two of declarative, one of qtsvg. */
function seedHistory(workingDir: string): void {
  let clock = Date.now() - 2 * 24 * 60 * minute;
  const store = SqliteStore.open(workingDir, { now: () => new Date(clock) });
  const configurationId = localHostConfiguration().name;
  const record = (id: string, project: string, queued: number, started: number, finished: number) => {
    const base = clock;
    clock = base + queued * minute;
    store.createTask({ id, type: 'Integration', project, branch: 'dev' });
    store.createWorkItems(id, [{ id: `${id}-build`, kind: 'build', configurationId }]);
    clock = base + started * minute;
    store.setTaskState(id, 'Running');
    store.setWorkItemState(`${id}-build`, 'Running');
    clock = base + finished * minute;
    store.setWorkItemState(`${id}-build`, 'Done');
    store.setTaskState(id, 'Passed');
    clock = base;
  };
  try {
    record('base-1', 'qt/qtbase', 0, 0, 40);
    record('base-2', 'qt/qtbase', 5, 40, 80);
    record('base-3', 'qt/qtbase', 10, 80, 120);
    record('decl-1', 'qt/qtdeclarative', 200, 200, 230);
    record('decl-2', 'qt/qtdeclarative', 205, 210, 240);
    record('svg-1', 'qt/qtsvg', 300, 300, 310);
  } finally {
    store.close();
  }
}

beforeEach(async () => {
  mkdirSync(screenshots, { recursive: true });
  data = await makeTempDir('e2e-config-data-');
  work = await makeTempDir('e2e-config-work-');
  seedHistory(work.path);
  writeFileSync(path.join(work.path, 'coin_configuration.json'), initialText);
  instances = createInstanceServices({ dataDir: data.path, sshDir: path.join(data.path, 'ssh') });
  services = createDeskServices({
    shell: 'browser',
    electronVersion: null,
    defaultWorkingDir: work.path,
    instances,
  });
  host = await startBrowserHost({ services, staticDir: rendererDir });
  const profile = await services.profilesSave({
    profile: {
      kind: 'local',
      name: 'Local instance',
      coinDir: '',
      workingDir: work.path,
      instanceKind: 'local',
      serviceManager: 'coin-service',
      instancePort: 0,
    },
  });
  profileId = profile.id;
  expect((await services.serviceStart({ profileId })).state).toBe('active');
});

afterEach(async () => {
  await services.serviceStop({ profileId }).catch(() => undefined);
  await host.close();
  await services.close();
  await killDaemon(work.path);
  await work.remove();
  await data.remove();
});

const text = (page: Page, testId: string) => async () =>
  (await page.getByTestId(testId).first().textContent()) ?? '';
const lane = (page: Page, name: string, part: string) => async () =>
  (await page.locator(`[data-lane="${name}"] [data-testid="${part}"]`).textContent()) ?? '';

/** A screenshot of the whole area: the viewport grows to the scrolled content for it. */
async function shot(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize()!;
  const height = await page.locator('.content').evaluate((el) => el.scrollHeight + 60);
  await page.setViewportSize({ width: viewport.width, height: Math.max(height, viewport.height) });
  await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
  await page.setViewportSize(viewport);
}

async function openEditor(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1500, height: 1000 });
  await page.goto(host.url);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Configuration' }).click();
  await page.getByTestId('config-editor').waitFor();
  await expect
    .poll(lane(page, 'qt/qtbase/dev', 'lane-verdict'), { timeout: 30_000 })
    .toBe('waits for the first');
}

/** The 1-based line and column of `needle` in `haystack`. */
function placeOf(haystack: string, needle: string): string {
  const before = haystack.slice(0, haystack.indexOf(needle)).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

test('edit a regex in the form: the tester and impact follow, the diff is reviewed, the instance applies it', ({
  task,
}) =>
  withPage(task.name, async (page) => {
    await openEditor(page);
    expect(await lane(page, 'qt/qtdeclarative/dev', 'lane-rules')()).toBe('qt/qtdeclarative/dev');
    expect(await text(page, 'check-verdict')()).toBe('valid');

    const rule = page.getByLabel('parallel_project_rules 1', { exact: true });
    await rule.fill('qt/qtbase/.*');
    await expect.poll(lane(page, 'qt/qtbase/dev', 'lane-rules')).toBe('qt/qtbase/.*');
    expect(await lane(page, 'qt/qtbase/dev', 'lane-verdict')()).toBe(
      'runs in parallel (saved: waits for the first)',
    );
    expect(await lane(page, 'qt/qtdeclarative/dev', 'lane-verdict')()).toBe(
      'waits for the first (saved: runs in parallel)',
    );
    const raw = page.getByLabel('coin_configuration.json text');
    expect(await raw.inputValue()).toBe(initialText.replace('"qt/qtdeclarative/dev"', '"qt/qtbase/.*"'));
    expect(await text(page, 'impact-changed')()).toMatch(
      /^[1-9]\d* integration\(s\) would have started differently/,
    );
    expect(await page.getByTestId('impact-row').first().textContent()).toContain('base-');
    await shot(page, 'configuration-edited');

    await page.getByRole('button', { name: 'Review and save…' }).click();
    const review = page.getByRole('dialog', { name: 'Save coin_configuration.json to Local instance?' });
    await review.waitFor();
    expect(await review.getByTestId('field-changes').textContent()).toBe(
      'gerrit_monitor.parallel_project_rules: ["qt/qtdeclarative/dev"] -> ["qt/qtbase/.*"]',
    );
    const diff = (await review.getByTestId('diff').textContent()) ?? '';
    expect(diff).toContain('-      "qt/qtdeclarative/dev" // declarative may run in parallel');
    expect(diff).toContain('+      "qt/qtbase/.*" // declarative may run in parallel');
    expect(await review.getByTestId('review-impact').textContent()).toMatch(/^Replaying the last 7 days:/);
    await shot(page, 'configuration-review');
    await review.getByRole('button', { name: 'Save to Local instance' }).click();

    await expect
      .poll(text(page, 'save-outcome'), { timeout: 30_000 })
      .toMatch(
        new RegExp(`^The instance applied it as version 2 \\(${os.userInfo().username}, desktop editor\\)`),
      );
    expect(await text(page, 'save-outcome')()).toContain(
      'gerrit_monitor.parallel_project_rules: ["qt/qtdeclarative/dev"] → ["qt/qtbase/.*"]',
    );
    expect(await text(page, 'dirty-state')()).toBe('as on the instance');
    expect(readFileSync(path.join(work.path, 'coin_configuration.json'), 'utf8')).toBe(
      await raw.inputValue(),
    );
    await shot(page, 'configuration-applied');

    await rule.fill('qt/(qtbase');
    const problem = page
      .locator('[data-field="gerrit_monitor.parallel_project_rules"] .field-problem')
      .first();
    await expect
      .poll(async () => (await problem.textContent()) ?? '')
      .toContain('invalid regular expression "qt/(qtbase"');
    const broken = await raw.inputValue();
    const place = placeOf(broken, '"qt/(qtbase"');
    expect(await problem.textContent()).toMatch(new RegExp(`^${place} `));
    expect(await text(page, 'text-problems')()).toContain(
      `${place} error: gerrit_monitor.parallel_project_rules[0]`,
    );
    const line = place.split(':')[0]!;
    expect(await page.locator(`.gutter-line[data-line="${line}"]`).getAttribute('class')).toContain(
      'gutter-error',
    );
    expect(
      await page.locator('[data-testid="raw-painted"] [data-severity="error"]').first().textContent(),
    ).toBe('"qt/(qtbase"');
    expect(await text(page, 'check-verdict')()).toBe('1 error(s), 0 warning(s)');
    expect(await text(page, 'save-blocked')()).toContain('The instance would reject this text');
    expect(await page.getByRole('button', { name: 'Review and save…' }).isDisabled()).toBe(true);
    expect(readFileSync(path.join(work.path, 'coin_configuration.json'), 'utf8')).not.toContain('qt/(qtbase');
    await shot(page, 'configuration-error');
  }));

test('typing in the text updates the form; a file changed behind the editor gives the three-way view', ({
  task,
}) =>
  withPage(task.name, async (page) => {
    await openEditor(page);
    const raw = page.getByLabel('coin_configuration.json text');
    await raw.fill(initialText.replace('600', '900'));
    const delay = page.getByLabel('parallel_integration_delay', { exact: true });
    await expect.poll(() => delay.inputValue()).toBe('900');

    await page.getByRole('button', { name: 'Add to sched_rules' }).click();
    const rule = page.getByRole('group', { name: 'sched_rules 1' });
    await expect
      .poll(async () => (await rule.textContent()) ?? '')
      .toContain('SCHED_REQUIREMENTS is empty: write an OpenNebula expression');
    await rule.getByLabel('SCHED_REQUIREMENTS', { exact: true }).fill('NESTED_VIRT = true');
    await rule.getByRole('button', { name: 'Add attribute' }).click();
    await rule.getByLabel('match host.os', { exact: true }).fill('Linux');
    const local = page.locator(`[data-configuration="${localHostConfiguration().name}"]`);
    await expect
      .poll(async () => (await local.getByTestId('sched-requirements').textContent()) ?? '')
      .toBe('NESTED_VIRT = truesaved: (none)');
    await rule.getByLabel('match attribute 1', { exact: true }).fill('target.os');
    await rule.getByLabel('match target.os', { exact: true }).fill('QNX|Android');
    await expect
      .poll(async () => (await local.getByTestId('sched-requirements').textContent()) ?? '')
      .toBe('(none)');
    expect(await raw.inputValue()).toContain('"match": {\n');
    expect(await raw.inputValue()).toContain('"target.os": "QNX|Android"');
    expect(await text(page, 'check-verdict')()).toBe('valid');
    await shot(page, 'configuration-sched-rules');

    const file = path.join(work.path, 'coin_configuration.json');
    writeFileSync(file, initialText.replace('600', '1200'));
    await page.getByRole('button', { name: 'Review and save…' }).click();
    await page.getByRole('button', { name: 'Save to Local instance' }).click();
    const conflict = page.getByRole('dialog', { name: 'The file changed on the instance' });
    await conflict.waitFor();
    const fields = page.getByTestId('three-way-fields');
    expect(await fields.textContent()).toContain(
      'gerrit_monitor.parallel_integration_delay (both changed)6009001200',
    );
    await shot(page, 'configuration-conflict');
    await conflict.getByRole('button', { name: 'Load the file on the instance (drop my edits)' }).click();
    await expect.poll(() => delay.inputValue()).toBe('1200');
    expect(await raw.inputValue()).toBe(initialText.replace('600', '1200'));
    expect(await text(page, 'dirty-state')()).toBe('as on the instance');
  }));

test('a broken text written to the instance is reported rejected with its errors, the version in force kept', async () => {
  const { eventSeq } = await services.configEventSeq({ profileId });
  expect(eventSeq).not.toBeNull();
  const current = await services.configRead({ profileId });
  const broken = '{\n  "gerrit_monitor": { "parallel_integration_dealy": 5 }\n}\n';
  const written = await services.configWrite({ profileId, content: broken, baseVersion: current.version });
  expect(written.ok).toBe(true);
  if (!written.ok) return;
  let outcome = await services.configOutcome({ profileId, sha256: written.version.sha256, since: eventSeq! });
  for (let tries = 0; outcome.kind === 'pending' && tries < 3; tries++)
    outcome = await services.configOutcome({
      profileId,
      sha256: written.version.sha256,
      since: outcome.since,
    });
  expect(outcome).toMatchObject({
    kind: 'rejected',
    keptVersion: 1,
    errors: [
      'coin_configuration.json:2:23: error: unknown key "parallel_integration_dealy" in gerrit_monitor (did you mean "parallel_integration_delay"?)',
    ],
  });
});
