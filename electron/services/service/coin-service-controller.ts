/** The Coin service without systemd: the runner's own `coin service` daemon on the host. */
import * as z from 'zod';
import type { InstanceKind, ServiceActiveState, ServiceStatus } from '../../common/instance-schemas';
import type { Host } from '../host/host';
import { ServiceCommandError, type ServiceController } from './service-controller';

/** How `coin` is run on the host and for which instance. */
export interface CoinServiceTarget {
  /** argv of the `coin` CLI on the host, e.g. ['node', '/srv/coin/runner/cli/coin.mjs']. */
  coinCommand: readonly string[];
  workingDir: string;
  instanceKind: InstanceKind;
  /** `coin run --port` (0: any free port). */
  instancePort: number;
}

const statusSchema = z.object({
  state: z.enum(['running', 'stopped', 'failed']),
  since: z.string().nullable(),
  pid: z.number().nullable(),
  port: z.number().nullable(),
  detail: z.string(),
});

const mapped: Record<z.infer<typeof statusSchema>['state'], ServiceActiveState> = {
  running: 'active',
  stopped: 'inactive',
  failed: 'failed',
};

/** `coin service ... --working-dir DIR` on `host`. */
export class CoinServiceController implements ServiceController {
  readonly manager = 'coin-service' as const;

  constructor(
    private readonly host: Host,
    private readonly target: CoinServiceTarget,
  ) {}

  /** `coin service status --json` (which exits 1 when not running: the JSON says why). */
  async status(): Promise<ServiceStatus> {
    const result = await this.host.run(this.command('status', '--json'), { timeoutMs: 60_000 });
    let parsed: z.infer<typeof statusSchema>;
    try {
      parsed = statusSchema.parse(JSON.parse(result.stdout));
    } catch {
      throw new ServiceCommandError(
        'coin service status',
        this.host.description,
        result.stderr || result.stdout,
      );
    }
    const { state, since, pid, port, detail } = parsed;
    return { manager: 'coin-service', state: mapped[state], subState: state, since, pid, port, detail };
  }

  /** `coin service start` with the profile's instance kind and port. */
  start(): Promise<ServiceStatus> {
    const port = String(this.target.instancePort);
    return this.act('start', this.command('start', '--instance', this.target.instanceKind, '--port', port));
  }

  /** `coin service stop`. */
  stop(): Promise<ServiceStatus> {
    return this.act('stop', this.command('stop'));
  }

  /** `coin service restart` (the daemon keeps the options it was started with). */
  restart(): Promise<ServiceStatus> {
    return this.act('restart', this.command('restart'));
  }

  private async act(verb: string, argv: string[]): Promise<ServiceStatus> {
    const result = await this.host.run(argv, { timeoutMs: 180_000 });
    if (result.code !== 0)
      throw new ServiceCommandError(
        `coin service ${verb}`,
        this.host.description,
        result.stderr || result.stdout,
      );
    return this.status();
  }

  private command(verb: string, ...extra: string[]): string[] {
    return [...this.target.coinCommand, 'service', verb, '--working-dir', this.target.workingDir, ...extra];
  }
}
