/**
 * Controlling the Coin service on a host: through systemd's user manager where Coin is installed
 * as a user unit, through `coin service` elsewhere. Every action returns the state read back from
 * the service manager afterwards, never an assumed one.
 */
import type { ServiceStatus } from '../../common/instance-schemas';
import type { Host } from '../host/host';

/** Start, stop, restart and read the Coin service on one host. */
export interface ServiceController {
  /** Which service manager this controller talks to. */
  readonly manager: ServiceStatus['manager'];
  /** The state as the service manager reports it now. */
  status(): Promise<ServiceStatus>;
  /** Starts the service (nothing to do when it runs); resolves to the state read back. */
  start(): Promise<ServiceStatus>;
  /** Stops the service (nothing to do when it is stopped); resolves to the state read back. */
  stop(): Promise<ServiceStatus>;
  /** Stops and starts the service; resolves to the state read back. */
  restart(): Promise<ServiceStatus>;
}

/** The service manager refused or failed an action; the message is its own words. */
export class ServiceCommandError extends Error {
  constructor(action: string, where: string, output: string) {
    const text = output.trim().split('\n').slice(0, 6).join('\n');
    super(`${action} on ${where} failed${text ? `: ${text}` : ''}`);
    this.name = 'ServiceCommandError';
  }
}

/** The command that asks systemd whether the user unit coin.service exists. */
export const systemdProbeCommand = ['systemctl', '--user', 'show', 'coin.service', '--property=LoadState'];

/**
 * 'systemd' when the host's user manager answers and knows coin.service; 'coin-service' when
 * systemd is missing, its user manager unreachable (containers, no linger), or the unit not installed.
 */
export async function detectServiceManager(host: Host): Promise<ServiceStatus['manager']> {
  const probe = await host.run(systemdProbeCommand, { timeoutMs: 30_000 }).catch(() => undefined);
  return probe?.code === 0 && /^LoadState=loaded$/m.test(probe.stdout) ? 'systemd' : 'coin-service';
}
