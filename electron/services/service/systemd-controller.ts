/** The Coin service as a systemd user unit: `systemctl --user start|stop|restart coin.service`. */
import type { ServiceStatus } from '../../common/instance-schemas';
import type { Host } from '../host/host';
import { ServiceCommandError, type ServiceController } from './service-controller';
import { systemdStatusFrom, systemdStatusProperties } from './systemd-show';

/** The status command: TZ=UTC so every systemd version prints timestamps that parse without a zone database. */
export const systemdStatusCommand = [
  'env',
  'TZ=UTC',
  'systemctl',
  '--user',
  'show',
  'coin.service',
  `--property=${systemdStatusProperties.join(',')}`,
];

/** systemd's user manager on `host`. */
export class SystemdController implements ServiceController {
  readonly manager = 'systemd' as const;

  constructor(private readonly host: Host) {}

  /** `systemctl --user show coin.service`, parsed. */
  async status(): Promise<ServiceStatus> {
    const result = await this.host.run(systemdStatusCommand, { timeoutMs: 30_000 });
    if (result.code !== 0)
      throw new ServiceCommandError('systemctl --user show', this.host.description, result.stderr);
    return systemdStatusFrom(result.stdout);
  }

  /** `systemctl --user start coin.service`. */
  start(): Promise<ServiceStatus> {
    return this.act('start');
  }

  /** `systemctl --user stop coin.service`. */
  stop(): Promise<ServiceStatus> {
    return this.act('stop');
  }

  /** `systemctl --user restart coin.service`. */
  restart(): Promise<ServiceStatus> {
    return this.act('restart');
  }

  // systemctl waits for the job to finish (the unit's start or stop timeout), so no timeout shorter than that.
  private async act(verb: 'start' | 'stop' | 'restart'): Promise<ServiceStatus> {
    const result = await this.host.run(['systemctl', '--user', verb, 'coin.service'], { timeoutMs: 180_000 });
    if (result.code !== 0)
      throw new ServiceCommandError(`systemctl --user ${verb} coin`, this.host.description, result.stderr);
    return this.status();
  }
}
