// Planning throughput on the real Coin files (test/helpers/qt-fixtures.ts): every module fixture on
// every configuration of its platform configuration file, both phases. Not part of `npm test`;
// run it with `npx tsx test/bench/plan-bench.ts [rounds]`.
//
// One "plan" is one module on one configuration: load the module config and the platform set,
// decide accept_configuration, plan Build and Test. Cold: a fresh IncludeResolver and
// PlatformConfigLoader for every plan (every YAML file parsed again). Warm: one resolver and
// loader for the whole run (parsed and expanded files cached), as a running instance or a
// `coin plan` over many configurations uses them. Also measured: planning alone on a loaded
// module, and the full `coin plan` report (planning plus the simulated agent walk).
import fs from 'node:fs';
import path from 'node:path';
import { configProperties } from '../../runner/core/coin-files/config-properties';
import { IncludeResolver } from '../../runner/core/coin-files/include-resolver';
import { loadModuleConfig, type ModuleConfig } from '../../runner/core/coin-files/module-config';
import { filePlatforms, type PlatformSelection } from '../../runner/core/coin-files/module-platforms';
import { PlatformConfigLoader } from '../../runner/core/coin-files/platform-configs';
import { planReport } from '../../runner/core/plan-report';
import { acceptsConfiguration, planPhase } from '../../runner/core/planner';
import { FsPlatformConfigSource } from '../../runner/node/coin-files/fs-platform-config-source';
import { FsRepoResolver } from '../../runner/node/coin-files/fs-repo-resolver';
import { qtCoinFixtures } from '../helpers/qt-fixtures';

const qt = qtCoinFixtures();
const fixtures = qt.dir;
const platformDir = path.join(fixtures, 'qt/qt5/coin/platform_configs');
const rounds = Number(process.argv[2] ?? 3);

interface Job {
  repo: string;
  setName: string;
  config: string;
}

interface Loaders {
  includes: IncludeResolver;
  platforms: PlatformConfigLoader;
}

function freshLoaders(): Loaders {
  return {
    includes: new IncludeResolver(new FsRepoResolver(fixtures)),
    platforms: new PlatformConfigLoader(new FsPlatformConfigSource(platformDir)),
  };
}

/** Every (module fixture, configuration of `<repo>.yaml`) pair. */
function jobs(): Job[] {
  const loaders = freshLoaders();
  const repos = fs
    .readdirSync(fixtures)
    .flatMap((owner) => fs.readdirSync(path.join(fixtures, owner)).map((repo) => `${owner}/${repo}`))
    .filter((repo) => fs.existsSync(path.join(fixtures, repo, 'coin/module_config.yaml')))
    .sort();
  return repos.flatMap((repo) => {
    const setName = `${repo.split('/')[1]}.yaml`;
    const set = loaders.platforms.load(setName);
    return set.configurations.map((c) => ({ repo, setName, config: c.name }));
  });
}

function planOn(module: ModuleConfig, set: PlatformSelection, name: string): number {
  const config = set.configurations.find((c) => c.name === name)!;
  const props = configProperties(config, (id) => set.byId.get(id));
  if (acceptsConfiguration(module, props).value !== true) return 0;
  return planPhase(module, 'Build', props).lines.length + planPhase(module, 'Test', props).lines.length;
}

function planJob(loaders: Loaders, job: Job): number {
  const module = loadModuleConfig(loaders.includes, job.repo);
  return planOn(module, filePlatforms(loaders.platforms, job.setName), job.config);
}

/** Milliseconds of `run` over all jobs; the best of `times` passes. */
function measure(times: number, run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

function line(label: string, count: number, ms: number): string {
  const perSecond = (count / ms) * 1000;
  return `${label.padEnd(44)} ${ms.toFixed(1).padStart(9)} ms  ${perSecond.toFixed(0).padStart(7)} plans/s  ${(ms / count).toFixed(3)} ms/plan`;
}

function main(): void {
  if (!qt.found) {
    process.exitCode = 1; // qtCoinFixtures() said where it looked and what to run
    return;
  }
  const all = jobs();
  const modules = [...new Set(all.map((j) => j.repo))];
  console.log(
    `plan bench: ${modules.length} modules (${modules.join(', ')}), ${all.length} plans per pass, best of ${rounds}`,
  );
  // Warm up the JIT and the OS file cache before measuring anything.
  all.forEach((job) => planJob(freshLoaders(), job));

  const cold = measure(rounds, () => all.forEach((job) => planJob(freshLoaders(), job)));
  const warmLoaders = freshLoaders();
  all.forEach((job) => planJob(warmLoaders, job));
  const parsedBefore = warmLoaders.includes.stats.filesParsed;
  const warm = measure(rounds, () => all.forEach((job) => planJob(warmLoaders, job)));
  const parsedDuringWarm = warmLoaders.includes.stats.filesParsed - parsedBefore;

  const loaded = new Map(modules.map((repo) => [repo, loadModuleConfig(warmLoaders.includes, repo)]));
  const sets = new Map(all.map((j) => [j.setName, filePlatforms(warmLoaders.platforms, j.setName)]));
  const planOnly = measure(rounds, () =>
    all.forEach((j) => planOn(loaded.get(j.repo)!, sets.get(j.setName)!, j.config)),
  );
  const report = measure(rounds, () =>
    all.forEach((j) =>
      planReport({
        module: loaded.get(j.repo)!,
        project: j.repo,
        platforms: sets.get(j.setName)!,
        configName: j.config,
        phases: ['Build', 'Test'],
      }),
    ),
  );

  console.log(line('cold (fresh resolver and loader per plan)', all.length, cold));
  console.log(line('warm (one resolver and loader, cached files)', all.length, warm));
  console.log(line('planning only (module already loaded)', all.length, planOnly));
  console.log(line('coin plan report (planning + simulated walk)', all.length, report));
  console.log(`files parsed during the warm passes: ${parsedDuringWarm}`);
  console.log(
    `warm / cold time: ${(warm / cold).toFixed(3)} (a warm plan is ${(cold / warm).toFixed(1)}x faster)`,
  );
}

main();
