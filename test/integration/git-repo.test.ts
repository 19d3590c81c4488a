import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitRepo, type GitRepo } from '../helpers/git-repo';

describe('createGitRepo', () => {
  const repos: GitRepo[] = [];
  const newRepo = async (...args: Parameters<typeof createGitRepo>) => {
    const repo = await createGitRepo(...args);
    repos.push(repo);
    return repo;
  };

  afterEach(async () => {
    await Promise.all(repos.splice(0).map((repo) => repo.remove()));
  });

  it('starts on main with a local test identity', async () => {
    const repo = await newRepo();
    expect(await repo.git('symbolic-ref', '--short', 'HEAD')).toBe('main');
    expect(await repo.git('config', '--local', 'user.name')).toBe('Coin Test');
    expect(await repo.git('config', '--local', 'user.email')).toBe('coin-test@example.invalid');
  });

  it('commits twice, branches, and reads the history back with git log', async () => {
    const repo = await newRepo();
    await repo.writeFiles({ 'README.md': 'one\n', 'coin/module_config.yaml': 'Version: 2\n' });
    const first = await repo.commit('First commit');
    await repo.writeFiles({ 'README.md': 'two\n' });
    const second = await repo.commit('Second commit');
    await repo.branch('feature', first);

    expect(await repo.head()).toBe(second);
    expect(await repo.git('log', '--format=%H %P %s', 'main')).toBe(
      [`${second} ${first} Second commit`, `${first}  First commit`].join('\n'),
    );
    expect(await repo.git('log', '--format=%an <%ae>', '-1')).toBe('Coin Test <coin-test@example.invalid>');
    expect(await repo.git('ls-tree', '-r', '--name-only', 'HEAD')).toBe('README.md\ncoin/module_config.yaml');

    await repo.checkout('feature');
    expect(await repo.head()).toBe(first);
    expect(await repo.git('symbolic-ref', '--short', 'HEAD')).toBe('feature');
    expect(fs.readFileSync(path.join(repo.path, 'README.md'), 'utf8')).toBe('one\n');
  });

  it('tags, lightweight and annotated', async () => {
    const repo = await newRepo();
    const sha = await repo.commit('Empty start');
    await repo.tag('v1.0');
    await repo.tag('v1.1', 'Release 1.1');
    expect(await repo.git('rev-parse', 'v1.0')).toBe(sha);
    expect(await repo.git('cat-file', '-t', 'v1.1')).toBe('tag');
    expect(await repo.git('rev-parse', 'v1.1^{commit}')).toBe(sha);
  });

  it('gives the same shas to the same history (fixed dates)', async () => {
    const build = async () => {
      const repo = await newRepo();
      await repo.writeFiles({ 'a.txt': 'a\n' });
      await repo.commit('a');
      await repo.writeFiles({ 'b.txt': 'b\n' });
      return repo.commit('b');
    };
    expect(await build()).toBe(await build());
  });

  it('ignores GIT_* variables and identity inherited from the test process', async () => {
    const saved = { GIT_DIR: process.env.GIT_DIR, GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME };
    process.env.GIT_DIR = '/nonexistent/.git';
    process.env.GIT_AUTHOR_NAME = 'Somebody Else';
    try {
      const repo = await newRepo();
      await repo.commit('Isolated');
      expect(await repo.git('log', '--format=%an', '-1')).toBe('Coin Test');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('names the failing git command and its stderr', async () => {
    const repo = await newRepo();
    await expect(repo.checkout('no-such-branch')).rejects.toThrow(
      /git checkout -q no-such-branch failed in .*: error: pathspec/,
    );
  });

  it('refuses to write outside the repository', async () => {
    const repo = await newRepo();
    await expect(repo.writeFiles({ '../escape.txt': 'x' })).rejects.toThrow('outside the repository');
  });

  it('remove() deletes the repository', async () => {
    const repo = await createGitRepo();
    await repo.remove();
    expect(fs.existsSync(repo.path)).toBe(false);
  });
});
