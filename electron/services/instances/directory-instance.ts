/**
 * The instance of a profile's working directory, as every view of the app sees it. An instance is
 * identified by its working directory, and its lock file (DIR/coin.lock, written by the runner
 * itself) says which process holds it and on which port it listens. That is read on the profile's
 * host and checked against the process and the instance's own API; the service manager is only
 * asked who started it. The Instances panel, the dashboard URL (and through it the configuration
 * editor and the in-window dashboard) and the daily checks all read it here, so they agree with
 * each other and with the Local runner card, which reads the same lock.
 */
import * as z from 'zod';
import { InstanceClient } from '../../../runner/client/instance-client';
import { instanceRootUrl } from '../../../runner/core/instance-api';
import { assertNever } from '../../../runner/core/model';
import { inWorkingDir, lockInfoSchema, type LockInfoRecord } from '../../../runner/core/working-dir-layout';
import type { DirectoryInstance, InstanceOwner, ServiceStatus } from '../../common/instance-schemas';
import type { Host } from '../host/host';
import { isHostedRunner } from '../local-runner/local-runner-process';
import type { InstanceSession } from './instance-session';

/** What DIR/coin.lock says (runner/node/store/instance-lock.ts writes it). */
export type LockFacts = LockInfoRecord;

/** What the judgement needs: the lock, and what its process and its API said. */
export interface DirectoryFacts {
  workingDir: string;
  lock: LockFacts | null;
  /** Whether the lock's process runs; null when not asked (its API answered). */
  alive: boolean | null;
  /** Whether the instance's API answered on the lock's port; null when the lock names no port. */
  answered: boolean | null;
  owner: InstanceOwner;
}

/** Who started it, in words that finish "running on port P (pid N), ...". */
export function ownerWords(owner: InstanceOwner): string {
  switch (owner) {
    case 'app-runner':
      return "the app's local runner";
    case 'service':
      return 'started by its service';
    case 'other':
      return 'started outside this app';
    default:
      return assertNever(owner, 'instance owner');
  }
}

/** The directory's instance from the facts (a pure function: unit-tested on values). */
export function judgeDirectoryInstance(facts: DirectoryFacts): DirectoryInstance {
  const { workingDir: dir, lock } = facts;
  if (!lock) return { ...nobody(dir), detail: `no Coin instance runs in ${dir}` };
  const held = {
    workingDir: dir,
    pid: lock.pid,
    port: lock.port ?? null,
    startedAt: lock.startedAt,
    owner: facts.owner,
  };
  const who = ownerWords(facts.owner);
  if (lock.port !== undefined && facts.answered)
    return { ...held, state: 'running', detail: `running on port ${lock.port} (pid ${lock.pid}), ${who}` };
  if (facts.alive === false)
    return {
      ...nobody(dir),
      detail: `no Coin instance runs in ${dir}: its lock names pid ${lock.pid}, which has ended`,
    };
  if (lock.port === undefined)
    return { ...held, state: 'starting', detail: `starting (pid ${lock.pid}), ${who}: not listening yet` };
  return {
    ...held,
    state: 'silent',
    detail: `pid ${lock.pid} holds ${dir} and names port ${lock.port}, but its API does not answer (${who})`,
  };
}

function nobody(workingDir: string): Omit<DirectoryInstance, 'detail'> {
  return { workingDir, state: 'none', pid: null, port: null, startedAt: null, owner: null };
}

/** A JSON record on the host; null when absent or not valid. */
async function readJson<T>(host: Host, file: string, schema: z.ZodType<T>): Promise<T | null> {
  const snapshot = await host.readFile(file);
  if (!snapshot) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(snapshot.content.toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Whether the instance at `port` on the session's host answers its read API. */
async function apiAnswers(session: InstanceSession, port: number): Promise<boolean> {
  try {
    const local = await session.localPortFor(port);
    const client = new InstanceClient({
      root: instanceRootUrl(`http://127.0.0.1:${local}`),
      timeoutMs: 5000,
    });
    return await client.answers();
  } catch {
    return false;
  }
}

/** Whether `pid` runs on the host (`kill -0`, which signals nothing). */
async function processRuns(host: Host, pid: number): Promise<boolean> {
  const result = await host.run(['sh', '-c', 'kill -0 "$1" 2>/dev/null', 'sh', String(pid)], {
    timeoutMs: 15_000,
  });
  return result.code === 0;
}

const pidRecordSchema = z.object({ pid: z.number().int().positive() });

/** Who started `pid`: the profile's service manager, this app's local runner, or something else. */
async function ownerOf(
  session: InstanceSession,
  pid: number,
  service: ServiceStatus | null,
): Promise<InstanceOwner> {
  if (service?.pid === pid) return 'service';
  if (session.profile.kind === 'local' && isHostedRunner(pid)) return 'app-runner';
  // `coin service` keeps its daemon's pid in DIR/service/coin.pid (runner/node/service).
  const pidFile = inWorkingDir(session.profile.workingDir, 'servicePid');
  const record = await readJson(session.host, pidFile, pidRecordSchema).catch(() => null);
  return record?.pid === pid ? 'service' : 'other';
}

/**
 * The instance of the profile's working directory, read on its host. `service` is the service
 * manager's state when the caller has it (it names the pid of a systemd service). Throws when the
 * lock file cannot be read (permissions, the connection).
 */
export async function readDirectoryInstance(
  session: InstanceSession,
  service: ServiceStatus | null = null,
): Promise<DirectoryInstance> {
  const workingDir = session.profile.workingDir;
  const lock = await readJson(session.host, inWorkingDir(workingDir, 'lock'), lockInfoSchema);
  if (!lock) return judgeDirectoryInstance({ workingDir, lock, alive: null, answered: null, owner: 'other' });
  const answered = lock.port === undefined ? null : await apiAnswers(session, lock.port);
  const alive = answered ? null : await processRuns(session.host, lock.pid);
  const owner = await ownerOf(session, lock.pid, service);
  return judgeDirectoryInstance({ workingDir, lock, alive, answered, owner });
}

/** The port of the directory's instance while it listens (running or silent), else null. */
export function listeningPort(instance: DirectoryInstance | null): number | null {
  return instance?.state === 'running' || instance?.state === 'silent' ? instance.port : null;
}
