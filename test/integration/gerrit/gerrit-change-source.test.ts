// Gerrit as a change source (runner/node/gerrit/gerrit-change-source.ts) against the Gerrit fake:
// a real SSH server and real bare repositories, through the one change-source contract.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseGerritAddress } from '../../../runner/core/gerrit/gerrit-protocol';
import { GerritChangeSource } from '../../../runner/node/gerrit/gerrit-change-source';
import { GerritClient } from '../../../runner/node/gerrit/gerrit-client';
import { GitMirror } from '../../../runner/node/sources/git-mirror';
import { changeSourceContract, contractDev } from '../../contracts/change-source-contract';
import { startGerritFake } from '../../fakes/gerrit/gerrit-fake';
import { runGit } from '../../helpers/git-repo';
import { makeTempDir } from '../../helpers/temp-dir';
import { generateEd25519KeyPair } from '../../helpers/ssh-keys';

changeSourceContract('Gerrit (the Gerrit fake)', async () => {
  const root = await makeTempDir('gerrit-source-');
  const key = generateEd25519KeyPair();
  const ci = { name: 'Qt CI', email: 'ci@example.invalid', username: 'qtci', publicKey: key.public };
  const fake = await startGerritFake({ root: path.join(root.path, 'gerrit'), users: [ci, contractDev] });
  const knownHostsFile = path.join(root.path, 'known_hosts');
  await writeFile(knownHostsFile, `${fake.knownHostsLine}\n`);
  return {
    open: (_projects, mirrorDir) =>
      new GerritChangeSource({
        client: new GerritClient({
          address: parseGerritAddress(fake.sshUrl('qtci')),
          privateKey: key.private,
          hostKey: { knownHostsFile },
        }),
        mirror: new GitMirror({ dir: mirrorDir, urlPrefix: fake.gitUrlPrefix }),
        initialBackoffMs: 50,
      }),
    createProject: (project, branch, files) => fake.createProject(project, branch, files),
    stageChange: async (input) => {
      const change = await fake.createChange(input);
      await fake.stage(change, input.owner);
      return { id: String(change.number), number: change.number };
    },
    branchHead: (project, branch) =>
      runGit(fake.gitUrlPrefix, ['--git-dir', `${project}.git`, 'rev-parse', `refs/heads/${branch}`]),
    stop: async () => {
      await fake.stop();
      await root.remove();
    },
  };
});
