/**
 * A production master on loopback, as the Maintenance tests need one: a real OpenSSH server whose
 * host key is already known, the app's Instances services over a temp data dir, a real deployment
 * checkout (test/helpers/coin-deployment.ts) with a profile for it on a fixed instance port, its
 * `coin service` started, and the dashboard tunnel opened (so it is part of the fixture, not a leak
 * of the first test). stop() undoes all of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ConnectionProfile, InstanceKind } from '../../electron/common/instance-schemas';
import {
  createInstanceServices,
  type InstanceServices,
} from '../../electron/services/instances/instance-services';
import { sshdProfile } from '../integration/ssh/ssh-fixture';
import { createCoinDeployment, type CoinDeployment } from './coin-deployment';
import { freeLoopbackPort } from './free-port';
import { startSshd, type SshdHandle } from './sshd';
import { makeTempDir, type TempDir } from './temp-dir';

export interface LoopbackMaster {
  sshd: SshdHandle;
  /** The app's data directory (profiles, known hosts in ssh/). */
  data: TempDir;
  deployment: CoinDeployment;
  instances: InstanceServices;
  profile: ConnectionProfile;
  /** The instance's web server port on its host. */
  port: number;
  /** Close the connections, kill what runs for the deployment, stop sshd, remove the files. */
  stop(): Promise<void>;
}

/** Start the master; its service is active when this resolves. */
export async function startLoopbackMaster(options: {
  prefix: string;
  instanceKind?: InstanceKind;
}): Promise<LoopbackMaster> {
  const [sshd, data, deployment, port] = await Promise.all([
    startSshd(),
    makeTempDir(options.prefix),
    createCoinDeployment(),
    freeLoopbackPort(),
  ]);
  const sshDir = path.join(data.path, 'ssh');
  fs.mkdirSync(sshDir);
  fs.writeFileSync(path.join(sshDir, 'known_hosts'), `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
  const instances = createInstanceServices({ dataDir: data.path, sshDir });
  const stop = async () => {
    await instances.closeAll();
    await deployment.remove();
    await sshd.stop();
    await data.remove();
  };
  try {
    const { id: _id, ...input } = sshdProfile(sshd, {
      name: 'Loopback master',
      coinDir: deployment.coinDir,
      workingDir: deployment.workingDir,
      instancePort: port,
      instanceKind: options.instanceKind ?? 'private',
    });
    const profile = await instances.api.profilesSave({ profile: input });
    const started = await instances.api.serviceStart({ profileId: profile.id });
    if (started.state !== 'active') throw new Error(`the service did not start: ${JSON.stringify(started)}`);
    await instances.api.instanceDashboard({ profileId: profile.id });
    return { sshd, data, deployment, instances, profile, port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
