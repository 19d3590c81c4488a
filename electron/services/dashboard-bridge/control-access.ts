/**
 * How the app's own process gets the right to change an instance (cancel, re-run, retry) for the
 * in-window dashboard: the instance's admin token, read where the instance keeps it, at the moment
 * of the call. A runner on this computer: its working directory's admin-token file. A profile's
 * instance: the same file in the profile's working directory, read through the profile's host
 * (this computer, or the master over the profile's SSH connection with SFTP), so what lets the app
 * act on a master is what already lets it in: the SSH login, whose user can read the instance's
 * files. No token is stored in the profile or anywhere in the app's data, none goes to the window,
 * and a new token (every start of an instance makes one) needs nothing from the user.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { DeskError } from '../../common/desk-api';
import type { ConnectionProfile } from '../../common/instance-schemas';
import type { WatchTarget } from '../../common/local-runner-contract';
import type { AuditOrigin } from '../../../runner/core/instance-api-control';
import { inWorkingDir } from '../../../runner/core/working-dir-layout';
import type { Host } from '../host/host';

/** What a write needs: the token, and who acts from where for the audit trail. */
export interface WriteAccess {
  token: string;
  actor: string;
  origin: Extract<AuditOrigin, 'app' | 'app-ssh'>;
  /** Where the token was read, for messages. */
  tokenSource: string;
}

/** A profile's open session, as far as the access needs it (instance-session.ts). */
export interface ProfileHost {
  profile: ConnectionProfile;
  host: Pick<Host, 'readFile' | 'description'>;
}

/** The name of the person using the app on this computer. */
export function localUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

function tokenOf(content: string, source: string): string {
  const token = content.trim();
  if (!token) throw new DeskError('failed', `${source} is empty: restart the instance to make a new token`);
  return token;
}

/** The admin token of the runner in `workingDir` on this computer. */
export async function localRunnerAccess(workingDir: string): Promise<WriteAccess> {
  const file = inWorkingDir(workingDir, 'adminToken');
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DeskError(
      'failed',
      code === 'ENOENT'
        ? `${file} does not exist: is the runner running? (it writes the token when it starts)`
        : `the app cannot read ${file} (${code ?? (error as Error).message})`,
    );
  }
  return { token: tokenOf(content, file), actor: localUserName(), origin: 'app', tokenSource: file };
}

/**
 * The admin token of a profile's instance, read through its host. Over SSH the actor names both
 * the person at this computer and the login on the master ("alice as coin@master").
 */
export async function profileAccess({ profile, host }: ProfileHost): Promise<WriteAccess> {
  const file = inWorkingDir(profile.workingDir, 'adminToken');
  const where = profile.kind === 'ssh' ? `${file} on ${host.description}` : file;
  let snapshot;
  try {
    snapshot = await host.readFile(file);
  } catch (error) {
    throw new DeskError('failed', `the app cannot read ${where}: ${(error as Error).message}`);
  }
  if (!snapshot)
    throw new DeskError(
      'failed',
      `${where} does not exist: is ${profile.name} running? (the instance writes it when it starts)`,
    );
  const token = tokenOf(snapshot.content.toString('utf8'), where);
  if (profile.kind === 'local') return { token, actor: localUserName(), origin: 'app', tokenSource: where };
  return {
    token,
    actor: `${localUserName()} as ${profile.user}@${profile.host}`,
    origin: 'app-ssh',
    tokenSource: where,
  };
}

/** Where the bridge gets write access for a target. */
export type WriteAccessSource = (target: WatchTarget) => Promise<WriteAccess>;

/** Write access for local runners directly, for profiles through `sessionOf`. */
export function writeAccessSource(sessionOf: (profileId: string) => Promise<ProfileHost>): WriteAccessSource {
  return async (target) =>
    target.kind === 'profile'
      ? profileAccess(await sessionOf(target.profileId))
      : localRunnerAccess(target.workingDir);
}
