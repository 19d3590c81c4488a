/** Status at a glance: the connection, the service, the deployment's version, disk, agents and tasks. */
import { InstanceClient } from '../../../runner/client/instance-client';
import { instanceRootUrl } from '../../../runner/core/instance-api';
import type { InstanceStatus, ServiceStatus } from '../../common/instance-schemas';
import { listeningPort, readDirectoryInstance } from './directory-instance';
import type { InstanceSession } from './instance-session';

/** Free and total bytes from `df -Pk DIR` (POSIX format: 1024-byte blocks). */
export function parseDf(text: string): { freeBytes: number; totalBytes: number } | null {
  const fields = text.trim().split('\n').at(-1)?.trim().split(/\s+/) ?? [];
  const total = Number(fields[1]);
  const free = Number(fields[3]);
  return fields.length >= 6 && Number.isFinite(total) && Number.isFinite(free)
    ? { freeBytes: free * 1024, totalBytes: total * 1024 }
    : null;
}

/** The web server port of a running instance: what the service reports, else the profile's. */
export function instancePortOf(status: ServiceStatus | null, profilePort: number): number | null {
  if (status?.state !== 'active') return null;
  return status.port ?? (profilePort > 0 ? profilePort : null);
}

async function attempt<T>(problems: string[], what: string, work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    problems.push(`${what}: ${(error as Error).message}`);
    return null;
  }
}

async function activityOf(session: InstanceSession, port: number): Promise<InstanceStatus['activity']> {
  const root = instanceRootUrl(`http://127.0.0.1:${await session.localPortFor(port)}`);
  const client = new InstanceClient({ root, timeoutMs: 5000 });
  const [agents, tasks] = await Promise.all([client.agents(), client.tasks({ max: 5 })]);
  const counts: Record<string, number> = {};
  for (const agent of agents) counts[agent.state] = (counts[agent.state] ?? 0) + 1;
  return {
    agents: counts,
    tasks: tasks.tasks.map(({ id, project, branch, state, created }) => ({
      id,
      project,
      branch,
      state,
      created,
    })),
  };
}

/** Everything the Instances area shows about one instance; what cannot be read is listed in `problems`. */
export async function gatherInstanceStatus(session: InstanceSession): Promise<InstanceStatus> {
  const problems: string[] = [];
  const base = { profileId: session.profile.id, checkedAt: new Date().toISOString() };
  try {
    await session.connect();
  } catch {
    // The connection state carries the reason (and the host-key problem, if that was it).
    const connection = session.connectionState();
    const nothing = { instance: null, service: null, version: null, disk: null, activity: null };
    return { ...base, connection, ...nothing, problems };
  }
  const { host } = session;
  const reading = attempt(problems, 'service', async () => (await session.controller()).status());
  const [service, instance, version, disk] = await Promise.all([
    reading,
    reading.then((s) => attempt(problems, 'instance', () => readDirectoryInstance(session, s))),
    attempt(problems, 'version', async () => {
      const result = await host.run([...session.coinCommand(), '--version']);
      if (result.code !== 0) throw new Error(result.stderr.trim() || `exit ${result.code}`);
      return result.stdout.trim();
    }),
    attempt(problems, 'disk', async () => {
      const result = await host.run(['df', '-Pk', session.profile.workingDir]);
      if (result.code !== 0) throw new Error(result.stderr.trim() || `exit ${result.code}`);
      return parseDf(result.stdout);
    }),
  ]);
  // What listens in the working directory, whoever started it; the service's word only when the
  // lock could not be read.
  const port = instance ? listeningPort(instance) : instancePortOf(service, session.profile.instancePort);
  const activity =
    port === null ? null : await attempt(problems, 'dashboard', () => activityOf(session, port));
  const connection = session.connectionState();
  return { ...base, connection, instance, service, version, disk, activity, problems };
}
