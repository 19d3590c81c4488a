/**
 * Provisioning of a profile's instance (provisioning-contract.ts): `coin provision --status --json`
 * read on the instance's host (over SSH for a master, on this computer for a local profile), and
 * `coin provision` / `coin provision --rollback` run there as a stream, their output kept line by
 * line while they run so the UI can follow it. One run at a time per profile.
 */
import {
  rollbackTarget,
  templateAge,
  templateSetSummary,
  templateSetsSchema,
  type TemplateSet,
} from '../../../runner/core/opennebula/one-template-sets';
import { DeskError, type DeskApi } from '../../common/desk-api';
import type {
  ProvisioningMethod,
  ProvisioningRun,
  ProvisioningStatus,
  TemplateSetView,
} from '../../common/provisioning-contract';
import { shellCommand } from '../host/shell-quote';
import type { InstanceServices } from '../instances/instance-services';
import type { InstanceSession } from '../instances/instance-session';

/** How many lines of a run's output are kept. */
export const keptOutputLines = 1000;

function setView(set: TemplateSet, now: Date): TemplateSetView {
  return {
    date: set.date,
    recordedAt: set.recordedAt,
    templates: set.templates.map((t) => ({ ...t, age: templateAge(t.registeredAt, now) })),
  };
}

/** The status of `coin provision --status --json` output; throws a one-line error when it is not one. */
export function parseProvisionStatus(
  stdout: string,
  profileId: string,
  workingDir: string,
  now: Date,
): ProvisioningStatus {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    throw new Error(
      `coin provision --status did not print JSON: ${stdout.trim().slice(0, 200) || '(nothing)'}`,
    );
  }
  const parsed = templateSetsSchema.safeParse((value as { sets?: unknown } | null)?.sets);
  if (!parsed.success)
    throw new Error(`coin provision --status printed no template sets: ${stdout.trim().slice(0, 200)}`);
  const sets = parsed.data;
  return {
    profileId,
    workingDir,
    summary: templateSetSummary(sets),
    current: sets.current ? setView(sets.current, now) : null,
    previous: sets.previous.map((s) => setView(s, now)),
    rollbackTarget: rollbackTarget(sets),
    lastSource: sets.lastSource,
    readAt: now.toISOString(),
  };
}

/** The template sets of `session`'s instance. */
export async function readProvisioningStatus(session: InstanceSession): Promise<ProvisioningStatus> {
  const { profile, host } = session;
  const argv = [
    ...session.coinCommand(),
    'provision',
    '--working-dir',
    profile.workingDir,
    '--status',
    '--json',
  ];
  const result = await host.run(argv, { timeoutMs: 60_000 }).catch((error: unknown) => {
    throw new DeskError(
      'failed',
      `coin provision --status on ${host.description}: ${(error as Error).message}`,
    );
  });
  if (result.code !== 0)
    throw new DeskError(
      'failed',
      `coin provision --status on ${host.description} failed: ${(result.stderr || result.stdout).trim() || `exit ${result.code}`}`,
    );
  try {
    return parseProvisionStatus(result.stdout, profile.id, profile.workingDir, new Date());
  } catch (error) {
    throw new DeskError('failed', (error as Error).message);
  }
}

/** What a provisioning asks: the templates directory and the account on the instance's host. */
export interface ProvisionRequest {
  templatesDir: string;
  oneXmlrpc?: string;
  oneAuthFile?: string;
}

/** The `coin provision` arguments of an action. */
export function provisionArgs(
  workingDir: string,
  action: 'provision' | 'rollback',
  request?: ProvisionRequest,
): string[] {
  const args = ['provision', '--working-dir', workingDir];
  if (action === 'rollback') return [...args, '--rollback'];
  if (!request) throw new Error('coin provision needs a templates directory');
  args.push('--templates-dir', request.templatesDir);
  if (request.oneXmlrpc) args.push('--one-xmlrpc', request.oneXmlrpc);
  if (request.oneAuthFile) args.push('--one-auth-file', request.oneAuthFile);
  return args;
}

/** Splits a byte stream into lines (a line is complete at its newline), keeping the last ones. */
class OutputLines {
  readonly lines: string[] = [];
  private partial = '';

  add(chunk: Buffer | string): void {
    const parts = (this.partial + chunk.toString()).split('\n');
    this.partial = parts.pop() ?? '';
    this.push(parts);
  }

  /** The text after the last newline, once the command ended. */
  end(): void {
    if (this.partial) this.push([this.partial]);
    this.partial = '';
  }

  private push(lines: string[]): void {
    this.lines.push(...lines.map((line) => line.replace(/\r$/, '')));
    if (this.lines.length > keptOutputLines) this.lines.splice(0, this.lines.length - keptOutputLines);
  }
}

/** One run of `coin provision` on the instance's host. */
class ProvisionRun {
  private state: ProvisioningRun['state'] = 'running';
  private readonly output = new OutputLines();
  private exitCode: number | null = null;
  private detail = '';
  private readonly startedAt = new Date().toISOString();
  private finishedAt: string | null = null;
  readonly finished: Promise<void>;

  constructor(
    private readonly profileId: string,
    private readonly action: 'provision' | 'rollback',
    private readonly command: string,
    start: (lines: OutputLines) => Promise<{ code: number | null; signal: string | null }>,
  ) {
    this.finished = start(this.output).then(
      ({ code, signal }) => this.end(code, signal === null ? '' : ` (ended by ${signal})`),
      (error: unknown) => this.end(null, `: ${(error as Error).message}`),
    );
  }

  get running(): boolean {
    return this.state === 'running';
  }

  private end(code: number | null, why: string): void {
    this.output.end();
    this.exitCode = code;
    this.state = code === 0 ? 'done' : 'failed';
    const what = this.action === 'rollback' ? 'coin provision --rollback' : 'coin provision';
    this.detail = code === 0 ? `${what} finished` : `${what} failed (exit ${code ?? 'none'})${why}`;
    this.finishedAt = new Date().toISOString();
  }

  snapshot(): ProvisioningRun {
    return {
      profileId: this.profileId,
      state: this.state,
      action: this.action,
      command: this.command,
      output: [...this.output.lines],
      exitCode: this.exitCode,
      detail: this.detail,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
    };
  }
}

/** Nothing ran for the profile since the app started. */
export function idleRun(profileId: string): ProvisioningRun {
  const none = { exitCode: null, startedAt: null, finishedAt: null };
  return { profileId, state: 'idle', action: null, command: '', output: [], detail: '', ...none };
}

/** What the provisioning services use. */
export interface ProvisioningServicesOptions {
  instances: Pick<InstanceServices, 'session'>;
}

/** The provisioning methods and a way to wait for runs in flight. */
export interface ProvisioningServices {
  api: Pick<DeskApi, ProvisioningMethod>;
  /** Resolves once no run is under way. */
  idle(): Promise<void>;
}

/** Create the provisioning services. */
export function createProvisioningServices(options: ProvisioningServicesOptions): ProvisioningServices {
  const runs = new Map<string, ProvisionRun>();
  const starting = new Set<string>();

  async function start(
    profileId: string,
    action: 'provision' | 'rollback',
    request?: ProvisionRequest,
  ): Promise<ProvisioningRun> {
    if (runs.get(profileId)?.running || starting.has(profileId))
      throw new DeskError('bad-input', 'coin provision already runs on this instance: follow its output');
    starting.add(profileId);
    try {
      const session = await options.instances.session(profileId);
      const argv = [...session.coinCommand(), ...provisionArgs(session.profile.workingDir, action, request)];
      const run = new ProvisionRun(profileId, action, shellCommand(argv), async (lines) => {
        const stream = await session.host.stream(argv, {
          onStdout: (chunk) => lines.add(chunk),
          onStderr: (chunk) => lines.add(chunk),
        });
        return stream.done;
      });
      runs.set(profileId, run);
      return run.snapshot();
    } finally {
      starting.delete(profileId);
    }
  }

  return {
    api: {
      provisioningStatus: async ({ profileId }) =>
        readProvisioningStatus(await options.instances.session(profileId)),
      provisioningStart: ({ profileId, templatesDir, oneXmlrpc, oneAuthFile }) =>
        start(profileId, 'provision', { templatesDir, oneXmlrpc, oneAuthFile }),
      provisioningRollback: ({ profileId }) => start(profileId, 'rollback'),
      provisioningProgress: async ({ profileId }) => runs.get(profileId)?.snapshot() ?? idleRun(profileId),
    },
    idle: async () => {
      await Promise.all([...runs.values()].map((run) => run.finished));
    },
  };
}
