/**
 * The Diagnose action (diagnose-contract.ts): runs `coin diagnose --json` where the instance runs,
 * through the profile's session (over SSH for a master: SIGUSR1 and the journal are on that host;
 * on this computer for a local profile), and keeps the archive next to the instance's working
 * directory.
 */
import path from 'node:path';
import { diagnosisVerdict, formatDiagnosis, type Diagnosis } from '../../../runner/core/diagnosis';
import { DeskError, type DeskApi } from '../../common/desk-api';
import type { DiagnoseMethod, DiagnoseResult } from '../../common/diagnose-contract';
import type { InstanceServices } from '../instances/instance-services';
import type { InstanceSession } from '../instances/instance-session';

/** What the Diagnose services use. */
export interface DiagnoseServicesOptions {
  instances: Pick<InstanceServices, 'session'>;
}

async function runCoin(session: InstanceSession, args: string[], timeoutMs: number): Promise<string> {
  const result = await session.host
    .run([...session.coinCommand(), ...args], { timeoutMs })
    .catch((error: unknown) => {
      throw new DeskError(
        'failed',
        `coin ${args[0] ?? ''} on ${session.host.description}: ${(error as Error).message}`,
      );
    });
  if (result.code !== 0)
    throw new DeskError(
      'failed',
      `coin ${args[0] ?? ''} on ${session.host.description}: ${(result.stderr || result.stdout).trim() || `exit ${result.code}`}`,
    );
  return result.stdout;
}

/** Diagnose the instance of `session`'s profile. */
export async function diagnoseInstance(session: InstanceSession): Promise<DiagnoseResult> {
  const { profile } = session;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const archive = path.posix.join(profile.workingDir, `coin-diagnosis-${stamp}.tar.gz`);
  const stdout = await runCoin(
    session,
    ['diagnose', '--working-dir', profile.workingDir, '--out', archive, '--json'],
    2 * 60_000,
  );
  let answer: { archive: string; journal: string; diagnosis: Diagnosis };
  try {
    answer = JSON.parse(stdout) as typeof answer;
  } catch {
    throw new DeskError(
      'failed',
      `coin diagnose on ${session.host.description} printed no diagnosis: ${stdout.slice(0, 200)}`,
    );
  }
  const runnerVersion = (await runCoin(session, ['--version'], 30_000).catch(() => 'unknown')).trim();
  return {
    profileId: profile.id,
    verdict: diagnosisVerdict(answer.diagnosis),
    text: formatDiagnosis(answer.diagnosis),
    takenAt: answer.diagnosis.takenAt,
    archive: answer.archive,
    journal: answer.journal,
    runnerVersion,
    node: answer.diagnosis.process?.node ?? 'unknown',
  };
}

/** Create the Diagnose services. */
export function createDiagnoseServices(options: DiagnoseServicesOptions): {
  api: Pick<DeskApi, DiagnoseMethod>;
} {
  return {
    api: {
      instanceDiagnose: async ({ profileId }) => diagnoseInstance(await options.instances.session(profileId)),
    },
  };
}
