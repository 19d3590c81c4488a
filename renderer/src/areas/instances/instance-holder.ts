/**
 * The instance that holds a working directory (DirectoryInstance, read from its lock by the
 * services) in the Instances area's words: its tone, and what a profile's buttons can do about it.
 */
import type {
  ConnectionProfile,
  DirectoryInstance,
  InstanceStatus,
  ServiceStatus,
} from '../../../../electron/common/instance-schemas';
import { assertNever } from '../../../../runner/core/model';

/** The badge class of a directory's instance. */
export function instanceTone(instance: DirectoryInstance): 'ok' | 'warn' | 'fail' | 'muted' {
  switch (instance.state) {
    case 'running':
      return 'ok';
    case 'starting':
      return 'warn';
    case 'silent':
      return 'fail';
    case 'none':
      return 'muted';
    default:
      return assertNever(instance.state, 'directory instance state');
  }
}

/**
 * Why the profile's service buttons do not apply: an instance its service did not start holds the
 * directory, so starting the service would be refused and stopping it would stop nothing. Null when
 * they apply.
 */
export function heldElsewhere(status: Pick<InstanceStatus, 'instance'> | undefined): string | null {
  const instance = status?.instance;
  if (!instance || instance.state === 'none' || instance.owner === 'service' || instance.owner === null)
    return null;
  switch (instance.owner) {
    case 'app-runner':
      return `The working directory is held by the app's local runner (pid ${instance.pid}): stop it in the Local runner card below to control this instance as a service.`;
    case 'other':
      return `The working directory is held by pid ${instance.pid}, started outside this app: stop it where it was started to control this instance as a service.`;
    default:
      return assertNever(instance.owner, 'instance owner');
  }
}

/** True when the service is not active but an instance it did not start runs in its directory. */
export function runsWithoutService(
  instance: DirectoryInstance | null,
  service: ServiceStatus | null,
): boolean {
  return instance?.state === 'running' && instance.owner !== 'service' && service?.state !== 'active';
}

/** The local profile whose working directory is `dir` (the same instance, seen as a service). */
export function profileOfDirectory(
  profiles: readonly ConnectionProfile[],
  dir: string,
): ConnectionProfile | undefined {
  const plain = (p: string) => p.replace(/\/+$/, '') || '/';
  return profiles.find((p) => p.kind === 'local' && plain(p.workingDir) === plain(dir));
}
