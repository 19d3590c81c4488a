/**
 * The health runs a profile's instance stored (runner/core/instance-api-health.ts), read through
 * the session's tunnel to its web server, as the checks read its other answers.
 */
import type { HealthHistory } from '../../../runner/core/instance-api';
import { defaultHealthDays } from '../../../runner/core/instance-api';
import { InstanceClient } from '../../../runner/client/instance-client';
import type { InstanceSession } from '../instances/instance-session';
import { listeningPort, readDirectoryInstance } from '../instances/directory-instance';
import { instanceUrl } from './instance-http';

/** The last 30 days of the instance's health runs; one line saying why when they cannot be read. */
export async function readHealthHistory(session: InstanceSession): Promise<HealthHistory> {
  await session.connect();
  const port = listeningPort(await readDirectoryInstance(session, null));
  if (port === null)
    throw new Error(
      `the instance in ${session.profile.workingDir} is not running: its health history is in its database, start it to read it`,
    );
  const url = await instanceUrl(session, port);
  return new InstanceClient({ root: url, timeoutMs: 15_000 }).healthHistory({ days: defaultHealthDays });
}
