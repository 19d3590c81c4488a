#!/usr/bin/env node
// Runner benchmarks (issue 3). Not part of npm test: run `node test/bench/runner-bench.mjs`.
// Each measurement prints a ratio against a baseline measured in the same run:
//   overhead:   200 work items running `true` through the whole runner vs spawning `true` 200 times
//   reuse:      a second integration of an unchanged module vs the first
//   log:        a command printing 50 MB of lines through the runner vs the same command into a file
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const coin = path.join(repoRoot, 'runner', 'cli', 'coin.mjs');
const env = { PATH: process.env.PATH, HOME: process.env.HOME };
const gitEnv = {
  ...env,
  GIT_AUTHOR_NAME: 'b',
  GIT_AUTHOR_EMAIL: 'b@b',
  GIT_COMMITTER_NAME: 'b',
  GIT_COMMITTER_EMAIL: 'b@b',
  GIT_CONFIG_NOSYSTEM: '1',
};

function commit(dir, files) {
  mkdirSync(dir, { recursive: true });
  spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env: gitEnv });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  execFileSync('git', ['add', '-A'], { cwd: dir, env: gitEnv });
  execFileSync('git', ['commit', '-q', '-m', 'bench'], { cwd: dir, env: gitEnv });
}

async function startInstance(work, extra = []) {
  const child = spawn(
    process.execPath,
    [coin, 'run', '--working-dir', work, '--port', '0', '--log-format', 'json', ...extra],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (/"port":\d+,"workingDir"/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`coin run exited ${code}`)));
  });
  child.stdout.resume();
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

function integrate(repo, work, extra = []) {
  const started = process.hrtime.bigint();
  const result = spawnSync(
    process.execPath,
    [coin, 'integrate', repo, '--ref', 'main', '--working-dir', work, '--wait', '--json', ...extra],
    { env, encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0)
    throw new Error(`integration failed: ${result.stderr}\n${result.stdout.slice(0, 2000)}`);
  return { seconds, task: JSON.parse(result.stdout) };
}

function time(fn) {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const moduleConfig = (build, test) => `version: 2\ninstructions:\n  Build:\n${build}\n  Test:\n${test}\n`;
const step = (command) => `    - type: ExecuteCommand\n      command: "${command}"\n`;

async function overhead(root) {
  const configs = Array.from({ length: 100 }, (_, i) => `c${String(i).padStart(3, '0')}`);
  const pc = path.join(root, 'platform-configs');
  mkdirSync(pc);
  writeFileSync(
    path.join(pc, 'bench.yaml'),
    `Version: 2\nConfigurations:\n${configs.map((id) => `- Id: '${id}'\n  Template: 'qtci-linux-Debian-12-x86_64-0'\n  Compiler: 'GCC'\n  Features: []\n`).join('')}`,
  );
  const repo = path.join(root, 'bench/trivial');
  commit(repo, { 'coin/module_config.yaml': moduleConfig(step('true'), step('true')) });
  const work = path.join(root, 'work-overhead');
  const instance = await startInstance(work, ['--platform-configs', pc]);
  try {
    const run = integrate(
      repo,
      work,
      configs.flatMap((c) => ['--config', c]),
    );
    const baseline = time(() => {
      for (let i = 0; i < 200; i++) spawnSync('true');
    });
    console.log(
      `overhead: ${run.task.workItems.length} work items in ${run.seconds.toFixed(2)} s; spawning true 200 times: ${baseline.toFixed(2)} s; ratio ${(run.seconds / baseline).toFixed(1)}x (aim: 3x)`,
    );
  } finally {
    await instance.stop();
  }
}

async function reuse(root) {
  const lines = Array.from(
    { length: 4000 },
    (_, i) => `int f${i}(int x) { return x * ${i} + ${i % 7}; }`,
  ).join('\n');
  const repo = path.join(root, 'bench/compiled');
  commit(repo, {
    'big.c': `${lines}\nint main(void) { return f1(0); }\n`,
    'coin/module_config.yaml': moduleConfig(
      `    - type: MakeDirectory\n      directory: "{{.BuildDir}}"\n${step('cc -O2 -o {{.BuildDir}}/big {{.SourceDir}}/big.c')}`,
      step('true'),
    ),
  });
  const work = path.join(root, 'work-reuse');
  const instance = await startInstance(work);
  try {
    const first = integrate(repo, work);
    const second = integrate(repo, work);
    const reused = second.task.workItems.find((w) => w.kind === 'build').reused;
    console.log(
      `reuse: first ${first.seconds.toFixed(2)} s, second ${second.seconds.toFixed(2)} s (build reused: ${reused}); ratio ${(second.seconds / first.seconds).toFixed(3)} (aim: under 0.1)`,
    );
  } finally {
    await instance.stop();
  }
}

async function logThroughput(root) {
  const produce =
    'yes 0123456789012345678901234567890123456789012345678901234567890123456789 | head -c 50000000';
  const repo = path.join(root, 'bench/chatty');
  commit(repo, { 'coin/module_config.yaml': moduleConfig(step(`sh -c '${produce}'`), step('true')) });
  const work = path.join(root, 'work-log');
  const instance = await startInstance(work);
  try {
    const run = integrate(repo, work);
    const direct = time(() => spawnSync('sh', ['-c', `${produce} > ${path.join(root, 'direct.log')}`]));
    const build = run.task.workItems.find((w) => w.kind === 'build');
    const buildSeconds = (Date.parse(build.finished) - Date.parse(build.started)) / 1000;
    console.log(
      `log: 50 MB through the runner: build work item ${buildSeconds.toFixed(2)} s (whole integration ${run.seconds.toFixed(2)} s); into a file: ${direct.toFixed(2)} s; ratio ${(buildSeconds / direct).toFixed(1)}x (aim: 1.5x)`,
    );
  } finally {
    await instance.stop();
  }
}

// `node test/bench/runner-bench.mjs [overhead] [reuse] [log]`: all three when none is named.
const wanted = process.argv.slice(2);
const runs = { overhead, reuse, log: logThroughput };
const root = mkdtempSync(path.join(os.tmpdir(), 'coin-bench-'));
try {
  for (const [name, run] of Object.entries(runs))
    if (wanted.length === 0 || wanted.includes(name)) await run(root);
} finally {
  rmSync(root, { recursive: true, force: true });
}
