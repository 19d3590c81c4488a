/**
 * `coin run`: an instance served on its port. Takes the working directory's lock, opens the
 * instance (runner/node/instance), serves it (runner/node/server), stops the maintenance page a
 * stopped instance left and starts it again at stop. This is the one place that knows both the
 * instance and its server.
 */
import type { FastifyInstance } from 'fastify';
import type { PlatformConfiguration } from '../../core/coin-files/platform-configs';
import { openInstance, type InstanceOptions, type OpenInstance } from '../instance/coin-instance';
import { startMaintenanceDetached, stopMaintenanceServer } from '../maintenance/maintenance-record';
import { createCoinServer } from '../server/coin-server';
import { importAuditJournalAtStart } from '../store/audit-journal-import';
import { acquireInstanceLock, type InstanceLock } from '../store/instance-lock';

export interface RunningInstance {
  port: number;
  url: string;
  configurations: readonly PlatformConfiguration[];
  stop(): Promise<void>;
  /** The step stop() is in now; undefined before stop() and after it ended. */
  stopStep(): string | undefined;
  /**
   * Ends a stop that hangs (`coin run --stop-timeout-seconds`): the store closes cleanly, the
   * admin token file goes and the lock is released, with nothing awaited; the caller exits next.
   */
  forceClose(): void;
}

function serverFor(options: InstanceOptions, instance: OpenInstance): Promise<FastifyInstance> {
  return createCoinServer(instance.facade, {
    basePath: options.basePath,
    listenHost: options.host,
    // Agents (VMs too) reach the server on their own address: always a name the server answers to.
    allowedHosts: [instance.agentAddress, ...(options.allowedHosts ?? [])],
  });
}

async function listen(server: FastifyInstance, options: InstanceOptions): Promise<number> {
  await server.listen({ host: options.host, port: options.port });
  const address = server.server.address();
  return typeof address === 'object' && address ? address.port : options.port;
}

async function serve(options: InstanceOptions, lock: InstanceLock): Promise<RunningInstance> {
  const instance = await openInstance(options, lock);
  const server = await serverFor(options, instance);
  const maintenance = await stopMaintenanceServer(options.workingDir, options.log);
  // What was audited while the instance was stopped (the maintenance page on and off) joins the trail.
  importAuditJournalAtStart(options.workingDir, instance.facade.store, {
    info: (m) => options.log.info(m),
    warn: (m) => options.log.warn(m),
  });
  const port = await listen(server, options);
  lock.updateLockInfo({ port });
  options.log.info(
    { port, workingDir: options.workingDir },
    `Coin is running at http://${options.host}:${port}${options.basePath}`,
  );
  instance.begin(port);
  let step: string | undefined;
  const enter = (name: string) => (step = name);
  const stop = async () => {
    if (maintenance) {
      enter('starting the maintenance page');
      startMaintenanceDetached(options.workingDir, { ...maintenance, host: options.host, port });
    }
    await instance.quiesce(enter);
    enter('closing the web server');
    await server.close();
    await instance.close(enter);
    lock.release();
    step = undefined;
  };
  const forceClose = () => {
    instance.forceClose();
    lock.release();
  };
  const url = `http://127.0.0.1:${port}${options.basePath}`;
  return {
    port,
    url,
    configurations: instance.facade.configurations,
    stop,
    stopStep: () => step,
    forceClose,
  };
}

/** Start an instance; rejects with InstanceLockedError when another one runs in the directory. */
export async function startInstance(options: InstanceOptions): Promise<RunningInstance> {
  options.signal?.throwIfAborted();
  // The lock prepares the directory (a WorkingDirError says why one cannot be used).
  const lock = await acquireInstanceLock(options.workingDir, {
    log: { info: (m) => options.log.info(m), warn: (m) => options.log.warn(m) },
  });
  try {
    return await serve(options, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}
