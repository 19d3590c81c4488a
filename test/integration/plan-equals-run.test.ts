// A plan is what a run executes, on Qt's real Coin files (test/helpers/qt-fixtures.ts) and every
// configuration of qt5's platform_configs:
// 1. for every fixture module, the work units the runner plans (runner/core/integration-units.ts,
//    what runner/node/instance/integration-plan.ts calls after reading git) are the work items
//    `coin plan` shows, with the same instruction lists, on all configurations;
// 2. each work item of a Linux configuration is executed by the agent's real executor with its
//    commands replaced by a recorder (test/helpers/recording-agent.ts), and the steps it runs and
//    the commands it starts (argv, directory, time limits) are the plan's, up to the first step
//    that needs files only a real build produces (a build directory, an install to upload).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { IncludeResolver } from '../../runner/core/coin-files/include-resolver';
import { loadModuleConfig } from '../../runner/core/coin-files/module-config';
import { allPlatforms, type PlatformSelection } from '../../runner/core/coin-files/module-platforms';
import { PlatformConfigLoader } from '../../runner/core/coin-files/platform-configs';
import { integrationUnits } from '../../runner/core/integration-units';
import {
  defaultSampleCores,
  planReport,
  type PhaseReport,
  type PlanReport,
} from '../../runner/core/plan-report';
import { sampleCoinDownloadUrl } from '../../runner/core/plan-simulation';
import type { WorkUnit } from '../../runner/core/work-unit';
import { FsPlatformConfigSource } from '../../runner/node/coin-files/fs-platform-config-source';
import { FsRepoResolver } from '../../runner/node/coin-files/fs-repo-resolver';
import { qtCoinFixtures } from '../helpers/qt-fixtures';
import { recordRun, workAreaDirs, type RecordedStep } from '../helpers/recording-agent';
import { makeTempDir, removePath, type TempDir } from '../helpers/temp-dir';

const qt = qtCoinFixtures();
const modules = ['qt/qt5', 'qt/qtbase', 'qt/qtsvg', 'qt/qtdeclarative', 'qt/qtshadertools'];
const run = { revision: '0123456789abcdef0123456789abcdef01234567', branch: 'dev', taskId: 'plan-run' };

let platforms: PlatformSelection;
let includes: IncludeResolver;
let tmp: TempDir;
beforeAll(async () => {
  if (!qt.found) return;
  const source = new FsPlatformConfigSource(path.join(qt.dir, 'qt/qt5/coin/platform_configs'));
  platforms = allPlatforms(new PlatformConfigLoader(source), source.names());
  includes = new IncludeResolver(new FsRepoResolver(qt.dir));
  tmp = await makeTempDir('plan-run-');
});
afterAll(async () => {
  await tmp?.remove();
});

function unitsOf(project: string): WorkUnit[] {
  const module = loadModuleConfig(includes, project);
  const root = { project, path: path.join(qt.dir, project), sha: run.revision, module, dependencies: [] };
  const request = {
    taskId: run.taskId,
    branch: run.branch,
    configurations: platforms.configurations,
    searchRoots: [],
  };
  return integrationUnits(request, root, new Map());
}

/** Every phase of the plan that makes a work item, by work item id. */
function plannedItems(report: PlanReport): Map<string, PhaseReport> {
  const items = new Map<string, PhaseReport>();
  for (const config of report.configurations) {
    expect(config.error, config.name).toBeUndefined();
    for (const phase of config.phases) if (phase.absent === null) items.set(phase.workItem, phase);
  }
  return items;
}

describe.skipIf(!qt.found)('a plan is what a run executes (every qt5 configuration)', () => {
  test.each(modules)('%s: the run plans the work items and instruction lists coin plan shows', (project) => {
    expect(platforms.configurations.length).toBeGreaterThan(140);
    const module = loadModuleConfig(includes, project);
    const planned = plannedItems(planReport({ module, project, platforms, run }));
    const units = unitsOf(project);
    expect(units.map((u) => u.id).sort()).toEqual([...planned.keys()].sort());
    for (const unit of units) {
      const phase = planned.get(unit.id)!;
      expect(unit.kind, unit.id).toBe(phase.kind);
      expect(unit.instructions, unit.id).toEqual(phase.instructions);
    }
  });
});

/** Steps the plan says a successful run executes: the variables' steps, then every instruction but Groups. */
function plannedSteps(phase: PhaseReport, configuration: string): RecordedStep[] {
  const variables = phase.environment
    .filter((e) => e.from === 'coin' || e.from === 'configuration')
    .map((e) => ({
      type: 'EnvironmentVariable',
      at: e.from === 'coin' ? '<coin>' : `<configuration ${configuration}>`,
    }));
  const steps = phase.steps
    .filter((s) => s.runs && s.type !== 'Group')
    .map((s) => ({ type: s.type, at: s.at }));
  return [...variables, ...steps];
}

/** Failures that only say a real build's files are missing: what a recorded run cannot have. */
const needsBuiltFiles = /is not a directory|has nothing to upload|cannot read|does not exist/;

/** Types whose paths the agent writes or creates (a recorded install creates its directory). */
const writesFiles = new Set([
  'MakeDirectory',
  'WriteFile',
  'Rename',
  'CreateFileListFromDirectory',
  'InstallBinaryArchive',
  'InstallTestBinaryArchive',
  'InstallSourceArchive',
]);

/** Whether every path the plan shows a writing step using is inside `root` (or relative). */
function staysInside(phase: PhaseReport, root: string): boolean {
  return phase.steps
    .filter((s) => s.runs && writesFiles.has(s.type))
    .every((s) =>
      [...(s.action ?? '').matchAll(/(?:^|[\s=])(\/[^\s"]*)/g)].every((m) => m[1]!.startsWith(root)),
    );
}

describe.skipIf(!qt.found)('a recorded run executes the plan (Linux configurations)', () => {
  test.each(modules)('%s: steps and commands of every Linux work item are the plan’s', async (project) => {
    const workArea = path.join(tmp.path, 'work');
    const dirs = workAreaDirs(workArea, project);
    const env = { HOME: path.join(tmp.path, 'home'), PATH: '/usr/bin:/bin' };
    const module = loadModuleConfig(includes, project);
    const agent = (_hostOs: string, cores: number) => ({
      dirs: {
        SourceDir: dirs.sourceDir,
        BuildDir: dirs.buildDir,
        InstallDir: dirs.installDir,
        InstallRoot: dirs.installRoot,
        AgentWorkingDir: dirs.agentWorkingDir,
        NumCPU: cores,
        CoinDownloadURL: sampleCoinDownloadUrl,
      },
      env,
    });
    const report = planReport({ module, project, platforms, run, agent });
    const planned = plannedItems(report);
    const linux = new Set(
      report.configurations.filter((c) => c.properties['host.os'] === 'Linux').map((c) => c.name),
    );
    const totals = { items: 0, whole: 0, skipped: 0, compared: 0, planned: 0 };
    for (const unit of unitsOf(project).filter((u) => linux.has(u.configuration))) {
      const phase = planned.get(unit.id)!;
      if (!staysInside(phase, tmp.path)) {
        totals.skipped++;
        continue;
      }
      await removePath(workArea);
      await mkdir(env.HOME, { recursive: true });
      const numCpu = unit.cores ?? defaultSampleCores;
      const recorded = await recordRun(unit.instructions, {
        workArea,
        project,
        numCpu,
        env,
        coinDownloadUrl: sampleCoinDownloadUrl,
      });
      const expected = plannedSteps(phase, unit.configuration);
      const ran = recorded.steps.slice(0, recorded.untilFailure);
      expect(ran, unit.id).toEqual(expected.slice(0, ran.length));
      if (recorded.failure) expect(recorded.failure.message, unit.id).toMatch(needsBuiltFiles);
      else expect(ran.length, unit.id).toBe(expected.length);
      const plannedCommands = phase.steps
        .filter((s) => s.runs && s.type === 'ExecuteCommand')
        .slice(0, ran.filter((s) => s.type === 'ExecuteCommand').length)
        .map((s) => ({
          argv: s.argv,
          cwd: s.cwd,
          limits: [s.limits!.maxTimeInSeconds, s.limits!.maxTimeBetweenOutput],
        }));
      const commands = recorded.commands
        .filter((c) => c.step.type === 'ExecuteCommand' && ran.includes(c.step))
        .map((c) => ({ argv: c.argv, cwd: c.cwd, limits: [c.maxTimeInSeconds, c.maxTimeBetweenOutput] }));
      expect(commands, unit.id).toEqual(plannedCommands);
      totals.items++;
      if (!recorded.failure) totals.whole++;
      totals.compared += ran.length;
      totals.planned += expected.length;
    }
    console.log(
      `${project}: ${totals.items} Linux work items executed (${totals.whole} to the end, ${totals.skipped} not run: they write outside their work area); ` +
        `${totals.compared} of ${totals.planned} planned steps compared`,
    );
    expect(totals.items).toBeGreaterThan(0);
    // most of every plan is reached before a step needs what a real build would have produced
    expect(totals.compared / totals.planned).toBeGreaterThan(0.6);
  });
});
