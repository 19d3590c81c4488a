/**
 * The instance's maintenance operations: garbage collection on request and automatically when
 * the disk runs low, and artifact invalidation. Artifacts the running work needs are never removed.
 */
import type { Logger } from 'pino';
import * as z from 'zod';
import type { ArtifactStore } from '../store/artifact-store';
import type { SqliteStore } from '../store/sqlite-store';
import { freeBytesOf, invalidateArtifacts, runGarbageCollection } from './maintenance';
import type { TaskRunner } from './task-runner';

export interface InstanceAdminDeps {
  workingDir: string;
  /** Free disk the automatic garbage collection keeps (bytes). */
  gcMinFreeBytes: number;
  store: SqliteStore;
  artifacts: ArtifactStore;
  runner: TaskRunner;
  log: Logger;
}

const gcRequestSchema = z
  .object({ dryRun: z.boolean().default(false), minFreeBytes: z.number().min(0).optional() })
  .strict();

/** Keys the running work units need: their own builds and their inputs. */
function runningKeys(runner: TaskRunner): string[] {
  return [...runner.units.values()].flatMap((u) => [
    ...(u.buildKey ? [u.buildKey] : []),
    ...u.inputs.map((i) => i.key),
  ]);
}

function collect(deps: InstanceAdminDeps, minFreeBytes: number, dryRun: boolean) {
  return runGarbageCollection({
    store: deps.store,
    artifacts: deps.artifacts,
    workingDir: deps.workingDir,
    minFreeBytes,
    dryRun,
    extraPinned: runningKeys(deps.runner),
  });
}

/** The admin actions by name, as `coin gc` and `coin invalidate-artifacts` ask for them. */
export function adminActions(deps: InstanceAdminDeps) {
  return {
    gc: async (body: unknown) => {
      const request = gcRequestSchema.parse(body);
      return collect(deps, request.minFreeBytes ?? deps.gcMinFreeBytes, request.dryRun);
    },
    'invalidate-artifacts': async () => ({
      epoch: invalidateArtifacts(deps.store, 'coin invalidate-artifacts'),
    }),
  };
}

/** The automatic pass: collect only when free disk fell below the threshold. */
export async function automaticGc(deps: InstanceAdminDeps): Promise<void> {
  if (freeBytesOf(deps.workingDir) >= deps.gcMinFreeBytes) return;
  const report = await collect(deps, deps.gcMinFreeBytes, false);
  deps.log.info(
    { removed: report.removed.length, freedBytes: report.freedBytes, satisfied: report.satisfied },
    'automatic garbage collection',
  );
}
