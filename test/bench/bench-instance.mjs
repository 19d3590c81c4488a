// Helpers of the benchmarks: git repositories to integrate, a `coin run` instance in a child
// process (its port, pid and peak resident memory), `coin integrate --wait` and a clock.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const coin = path.join(repoRoot, 'runner', 'cli', 'coin.mjs');
export const cleanEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
const gitEnv = {
  ...cleanEnv,
  GIT_AUTHOR_NAME: 'b',
  GIT_AUTHOR_EMAIL: 'b@b',
  GIT_COMMITTER_NAME: 'b',
  GIT_COMMITTER_EMAIL: 'b@b',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** A git repository at `dir` with one commit of `files` on main. */
export function commit(dir, files) {
  mkdirSync(dir, { recursive: true });
  spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env: gitEnv });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  execFileSync('git', ['add', '-A'], { cwd: dir, env: gitEnv });
  execFileSync('git', ['commit', '-q', '-m', 'bench'], { cwd: dir, env: gitEnv });
}

export const moduleConfig = (build, test) =>
  `version: 2\ninstructions:\n  Build:\n${build}\n  Test:\n${test}\n`;
export const step = (command) => `    - type: ExecuteCommand\n      command: "${command}"\n`;

/** Peak resident memory of a process in MB (VmHWM), or NaN when it is gone. */
export function peakRssMb(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** `coin run` on `work`, listening on a free loopback port. */
export async function startInstance(work, extra = []) {
  const child = spawn(
    process.execPath,
    [coin, 'run', '--working-dir', work, '--port', '0', '--log-format', 'json', ...extra],
    { env: cleanEnv, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  const port = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /"port":(\d+),"workingDir"/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`coin run exited ${code}: ${out.slice(-2000)}`)));
  });
  child.stdout.resume();
  return {
    port,
    pid: child.pid,
    peakRssMb: () => peakRssMb(child.pid),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

/** `coin integrate REPO --wait`: its wall time and the task it printed (this process keeps running). */
export async function integrate(repo, work, extra = []) {
  const started = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [coin, 'integrate', repo, '--ref', 'main', '--working-dir', work, '--wait', '--json', ...extra],
    { env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const status = await new Promise((resolve) => child.once('close', resolve));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (status !== 0) throw new Error(`integration failed: ${stderr}\n${stdout.slice(0, 2000)}`);
  return { seconds, task: JSON.parse(stdout) };
}

/**
 * Seconds a fresh Node process with nothing loaded takes to run `argv` `times` times, one after
 * the other (the time is taken inside it, so its own start is not counted). A baseline spawned
 * from the bench process itself would be slower than it should: Node forks to spawn, and a fork
 * copies the page tables of the bench's 180 MB (Chromium's driver, the store, tsx) where an
 * agent has about 60 MB (200 spawns of `true`: 0.67 to 0.87 s from the bench, 0.28 to 0.37 s
 * from a fresh process).
 */
export function spawnTime(argv, times = 1) {
  const code = `const { spawnSync } = require('node:child_process');
const [file, ...args] = JSON.parse(process.argv[1]);
const n = Number(process.argv[2]);
const started = process.hrtime.bigint();
for (let i = 0; i < n; i++) if (spawnSync(file, args).status !== 0) process.exit(3);
process.stdout.write(String(Number(process.hrtime.bigint() - started) / 1e9));`;
  const result = spawnSync(process.execPath, ['-e', code, JSON.stringify(argv), String(times)], {
    env: cleanEnv,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`the baseline ${argv.join(' ')} failed: ${result.stderr}`);
  return Number(result.stdout);
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
