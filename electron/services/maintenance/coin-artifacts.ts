/**
 * Garbage collection and artifact invalidation, as the guide runs them: the deployment's own
 * `coin gc` and `coin invalidate-artifacts` on the instance's host (through the running instance
 * when there is one, on the working directory otherwise: the CLI decides).
 */
import { DeskError } from '../../common/desk-api';
import { gcReportSchema, type GcReport } from '../../common/maintenance-contract';
import type { InstanceSession } from '../instances/instance-session';

/** The GC report of `coin gc --json` output; throws when it is not one. */
export function parseGcJson(stdout: string): GcReport {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    throw new Error(`coin gc did not print its JSON report: ${stdout.trim().slice(0, 200) || '(nothing)'}`);
  }
  return gcReportSchema.parse(value);
}

/** The epoch `coin invalidate-artifacts` reports ("artifact epoch is now N: ..."). */
export function parseInvalidateOutput(stdout: string): number {
  const match = /artifact epoch is now (\d+)/.exec(stdout);
  if (!match)
    throw new Error(
      `coin invalidate-artifacts did not say the new epoch: ${stdout.trim().slice(0, 200) || '(nothing)'}`,
    );
  return Number(match[1]);
}

/** What a GC request asks. */
export interface GcRequest {
  dryRun: boolean;
  minFreeGb?: number;
  confirmed?: boolean;
}

/** `coin gc`; a real run on a 'real' instance needs `confirmed`. */
export async function collectGarbage(session: InstanceSession, request: GcRequest): Promise<GcReport> {
  const { profile } = session;
  if (!request.dryRun && profile.instanceKind === 'real' && request.confirmed !== true)
    throw new DeskError(
      'bad-input',
      `${profile.name} is the real instance: removing its artifacts makes the next integrations build again; look at a dry run, then confirm`,
    );
  const args = ['gc', '--working-dir', profile.workingDir, '--json'];
  if (request.dryRun) args.push('--dry-run');
  if (request.minFreeGb !== undefined) args.push('--min-free-gb', String(request.minFreeGb));
  const stdout = await runCoin(session, args);
  try {
    return parseGcJson(stdout);
  } catch (error) {
    throw new DeskError('failed', (error as Error).message);
  }
}

/** `coin invalidate-artifacts`; resolves to the new epoch. */
export async function invalidateArtifacts(session: InstanceSession): Promise<number> {
  const stdout = await runCoin(session, [
    'invalidate-artifacts',
    '--working-dir',
    session.profile.workingDir,
  ]);
  try {
    return parseInvalidateOutput(stdout);
  } catch (error) {
    throw new DeskError('failed', (error as Error).message);
  }
}

async function runCoin(session: InstanceSession, args: string[]): Promise<string> {
  const result = await session.host
    .run([...session.coinCommand(), ...args], { timeoutMs: 30 * 60_000 })
    .catch((error: unknown) => {
      throw new DeskError(
        'failed',
        `coin ${args[0]} on ${session.host.description}: ${(error as Error).message}`,
      );
    });
  if (result.code !== 0) {
    const lines = (result.stderr.trim() || result.stdout.trim()).split('\n');
    // The CLI's own one-line error, or the error line of a crash, else the end of what it printed.
    const said = lines.find((line) => /^(coin:|\w*Error\b)/.test(line)) ?? lines.slice(-10).join('\n');
    throw new DeskError(
      'failed',
      `coin ${args[0]} on ${session.host.description} failed: ${said || `exit ${result.code}`}`,
    );
  }
  return result.stdout;
}
