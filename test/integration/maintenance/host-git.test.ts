// git on an instance's host runs with an explicit environment, whatever the host's shell has set.
import { expect, test } from 'vitest';
import { LocalHost } from '../../../electron/services/host/local-host';
import { gitArgv, gitOutput, GitError } from '../../../electron/services/maintenance/host-git';
import { createGitRepo } from '../../helpers/git-repo';

test('git -C DIR gets the passed-on variables and ours, never inherited GIT_* or others', async () => {
  const repo = await createGitRepo({ prefix: 'host-git-' });
  try {
    await repo.commit('first');
    const host = new LocalHost();
    // What a login shell on the host might have set: a GIT_DIR pointing elsewhere, anything else.
    const polluted = (args: string[]) => [
      'env',
      'GIT_DIR=/nonexistent',
      'FOO=bar',
      'https_proxy=http://proxy:3128',
      ...gitArgv(repo.path, args),
    ];
    const top = await host.run(polluted(['rev-parse', '--show-toplevel']));
    expect(top).toMatchObject({ code: 0, stdout: `${repo.path}\n` });
    // git runs an alias starting with ! in a shell with its own environment: print it.
    const env = (await host.run(polluted(['-c', 'alias.env=!env', 'env']))).stdout.split('\n');
    expect(env).toEqual(
      expect.arrayContaining(['GIT_TERMINAL_PROMPT=0', 'LC_ALL=C', 'https_proxy=http://proxy:3128']),
    );
    expect(env.some((line) => line.startsWith('PATH='))).toBe(true);
    expect(env.filter((line) => /^(GIT_DIR|FOO)=/.test(line))).toEqual([]);

    expect(await gitOutput(host, repo.path, ['rev-parse', 'HEAD'])).toBe(await repo.head());
    const failure = await gitOutput(host, repo.path, ['rev-parse', 'nope']).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GitError);
    expect((failure as Error).message).toMatch(/^git rev-parse nope failed: .*unknown revision/s);
  } finally {
    await repo.remove();
  }
});
