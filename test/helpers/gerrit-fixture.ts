/**
 * The Gerrit fake with the accounts and files `coin run --gerrit` needs (a CI account with its key
 * and a known_hosts file), for tests that start an instance watching it.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateEd25519KeyPair } from './ssh-keys';
import { startGerritFake, type FakeAccount, type GerritFake } from '../fakes/gerrit/gerrit-fake';

/** Tests that start an instance watching the fake wait with this (test/helpers/until.ts). */
export { until } from './until';

export interface GerritFixture {
  fake: GerritFake;
  /** A developer who stages changes. */
  dev: FakeAccount;
  /** The cherry-pick bot (its changes accumulate before a build). */
  bot: FakeAccount;
  /** The `coin run` options that watch the fake for `projects` (comma-separated), with one agent. */
  args(projects: string): string[];
  stop(): Promise<void>;
}

/** The developer and the cherry-pick bot of every fixture. */
export const gerritDev: FakeAccount = { name: 'Dev', email: 'dev@example.invalid', username: 'dev' };
export const gerritBot: FakeAccount = {
  name: 'Cherry-pick bot',
  email: 'cherrypick_bot@qt-project.org',
  username: 'cherrypick_bot',
};

/** Start the fake in `dir` (the caller removes the directory after stop()). */
export async function startGerritFixture(dir: string): Promise<GerritFixture> {
  const key = generateEd25519KeyPair();
  const ci = { name: 'Qt CI', email: 'ci@example.invalid', username: 'qtci', publicKey: key.public };
  const dev = gerritDev;
  const bot = gerritBot;
  const fake = await startGerritFake({ root: path.join(dir, 'gerrit'), users: [ci, dev, bot] });
  const keyFile = path.join(dir, 'id_ed25519');
  await writeFile(keyFile, key.private, { mode: 0o600 });
  const knownHosts = path.join(dir, 'known_hosts');
  await writeFile(knownHosts, `${fake.knownHostsLine}\n`);
  return {
    fake,
    dev,
    bot,
    args: (projects) => [
      '--gerrit',
      fake.sshUrl('qtci'),
      '--gerrit-key',
      keyFile,
      '--gerrit-known-hosts',
      knownHosts,
      '--gerrit-git',
      fake.gitUrlPrefix,
      '--gerrit-projects',
      projects,
      '--max-agents',
      '1',
    ],
    stop: () => fake.stop(),
  };
}
