import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UsageError, type CliIo } from '../../../../runner/cli/cli-io';
import { gerritInstanceOptions, type GerritCliOptions } from '../../../../runner/cli/gerrit-options';
import { makeTempDir, type TempDir } from '../../../helpers/temp-dir';

const io: CliIo = {
  out: () => undefined,
  err: () => undefined,
  setExitCode: () => undefined,
  usageError: (message) => new UsageError(message),
};
let temp: TempDir;
let dir: string;
let base: GerritCliOptions;

beforeAll(async () => {
  temp = await makeTempDir('gerrit-options-');
  dir = temp.path;
  writeFileSync(path.join(dir, 'key'), 'PRIVATE KEY');
  base = {
    gerrit: 'ssh://qtci@gerrit.example:29418',
    gerritKey: path.join(dir, 'key'),
    gerritKnownHosts: path.join(dir, 'known_hosts'),
    gerritGit: dir,
  };
});
afterAll(() => temp.remove());
const usage = (opts: GerritCliOptions) => () => gerritInstanceOptions(opts, io);

describe('coin run --gerrit options', () => {
  test('complete options, read-only by default', () => {
    const options = gerritInstanceOptions({ ...base, gerritProjects: 'qt/qtbase, qt/qtsvg' }, io)!;
    expect(options.write).toBe(false);
    expect(options.projects).toEqual(['qt/qtbase', 'qt/qtsvg']);
    expect(options.gitUrlPrefix).toBe(`${dir}/`);
    expect(options.ssh.address).toEqual({ user: 'qtci', host: 'gerrit.example', port: 29418 });
    expect(options.ssh.privateKey).toBe('PRIVATE KEY');
    expect(options.gitEnv.GIT_SSH_COMMAND).toBe(
      `ssh -i '${dir}/key' -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile='${dir}/known_hosts'`,
    );
    expect(
      gerritInstanceOptions({ ...base, gerritGit: 'ssh://qtci@gerrit.example:29418' }, io)!.gitUrlPrefix,
    ).toBe('ssh://qtci@gerrit.example:29418/');
    expect(gerritInstanceOptions({}, io)).toBeUndefined();
  });

  test('incomplete or unsafe combinations are usage errors', () => {
    expect(usage({ gerritWrite: true })).toThrow(/need --gerrit/);
    expect(usage({ ...base, gerrit: 'gerrit.example' })).toThrow(/ssh:\/\/user@host/);
    expect(usage({ ...base, gerritKey: undefined })).toThrow(/--gerrit-key/);
    expect(usage({ ...base, gerritKnownHosts: undefined })).toThrow(/exactly one of/);
    expect(usage({ ...base, gerritHostFingerprint: 'SHA256:abc' })).toThrow(/exactly one of/);
    expect(usage({ ...base, gerritKnownHosts: undefined, gerritHostFingerprint: 'MD5:aa' })).toThrow(
      /SHA256/,
    );
    expect(usage({ ...base, gerritWrite: true, instance: 'private' })).toThrow(/--instance real/);
    expect(gerritInstanceOptions({ ...base, gerritWrite: true, instance: 'real' }, io)!.write).toBe(true);
    expect(usage({ ...base, gerritKey: path.join(dir, 'missing') })).toThrow(/cannot read/);
  });
});
