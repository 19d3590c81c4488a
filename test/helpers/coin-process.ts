/**
 * A real `coin run` process for integration tests: started on a free port, found ready by its
 * log line, stopped with SIGTERM (or killed with SIGKILL to simulate a crash).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { gitEnv, runGit } from './git-repo';
import { mkdir, writeFile } from 'node:fs/promises';
import { checkoutCoin, type CoinLaunch } from './run-coin';

export interface CoinProcess {
  pid: number;
  port: number;
  /** Everything the instance logged so far (JSON lines). */
  output(): string;
  /** How the process ended ('code 1', 'signal SIGABRT'), or undefined while it runs. */
  exitStatus(): string | undefined;
  /**
   * SIGTERM and wait for the exit; resolves to the exit code. An instance still there after
   * `timeoutMs` (default 60 s) is killed, and stop rejects with its last output: a stop that
   * hangs fails where it hangs, not as the test's own time-out with the process left behind.
   */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL and wait (a crash). */
  kill(): Promise<void>;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Start `coin run --working-dir DIR --port 0` (this checkout's, or `launch`) and wait until it listens. */
export async function startCoin(
  workingDir: string,
  extra: readonly string[] = [],
  launch: CoinLaunch = checkoutCoin(),
): Promise<CoinProcess> {
  const child = spawn(
    launch.command[0]!,
    [
      ...launch.command.slice(1),
      ...['run', '--working-dir', workingDir, '--port', '0', '--log-format', 'json', ...extra],
    ],
    { cwd: launch.cwd, env: launch.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`coin run did not start within 20 s:\n${output}`)),
      20_000,
    );
    const check = () => {
      const match = /"port":(\d+),"workingDir"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`coin run exited with ${code}:\n${output}`));
    });
  });
  return {
    pid: child.pid!,
    port,
    output: () => output,
    exitStatus: () =>
      child.signalCode !== null
        ? `signal ${child.signalCode}`
        : child.exitCode !== null
          ? `code ${child.exitCode}`
          : undefined,
    stop: async (timeoutMs = 60_000) => {
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), timeoutMs)));
      const code = await Promise.race([exited(child), hung]).finally(() => clearTimeout(timer));
      if (code !== 'hung') return code;
      child.kill('SIGKILL');
      await exited(child);
      throw new Error(
        `coin run (pid ${child.pid}) did not exit within ${timeoutMs / 1000} s of SIGTERM and was killed; its last output:\n${output.slice(-4000)}`,
      );
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}

/** Create (or add a commit to) a git repository at ROOT/<project> with `files`; resolves to the new sha. */
export async function commitModule(
  root: string,
  project: string,
  files: Record<string, string>,
): Promise<string> {
  const dir = path.join(root, project);
  await mkdir(dir, { recursive: true });
  await runGit(dir, ['init', '-q', '-b', 'main']).catch(() => undefined);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  const identity = { GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.invalid' };
  const env = gitEnv({
    ...identity,
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
  });
  await runGit(dir, ['add', '-A'], env);
  await runGit(dir, ['commit', '-q', '-m', 'change'], env);
  return runGit(dir, ['rev-parse', 'HEAD']);
}
