/**
 * `coin gc` and `coin invalidate-artifacts`: through the running instance when there is one
 * (it owns the store), otherwise directly on the working directory under its lock
 * (offline-store.ts).
 */
import type { Command } from 'commander';
import path from 'node:path';
import { formatBytes } from '../core/format-bytes';
import {
  defaultGcMinFreeBytes,
  invalidateArtifacts,
  runGarbageCollection,
} from '../node/instance/maintenance';
import { ArtifactStore } from '../node/store/artifact-store';
import type { CliIo } from './cli-io';
import { onInstanceOrOffline } from './offline-store';
import type { GcReport } from '../core/instance-api';

/** The GC report as text. */
export function formatGcReport(report: GcReport): string {
  const verb = report.dryRun ? 'would remove' : 'removed';
  const lines = report.removed.map((r) => `  ${r.key.slice(0, 16)}  ${formatBytes(r.size)}  (${r.reason})`);
  return [
    `${verb} ${report.removed.length} artifact(s), ${formatBytes(report.freedBytes)}; free: ${formatBytes(report.freeBytesBefore)} -> ${formatBytes(report.freeBytesAfter)}`,
    ...lines,
    report.pinnedKept ? `kept ${report.pinnedKept} artifact(s) that queued or running work needs` : '',
    report.satisfied ? '' : 'free disk is still below the threshold: nothing else may be removed',
  ]
    .filter(Boolean)
    .join('\n');
}

/** Register `coin gc` and `coin invalidate-artifacts`. */
export function addArtifactCommands(program: Command, io: CliIo): void {
  program
    .command('gc')
    .description('remove least recently used artifacts until the disk has the free space asked for')
    .requiredOption('--working-dir <dir>', 'working directory of the instance')
    .option('--min-free-gb <n>', 'free disk to reach', String(defaultGcMinFreeBytes / 1024 ** 3))
    .option('--dry-run', 'only say what would be removed')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { workingDir: string; minFreeGb: string; dryRun?: boolean; json?: boolean }) => {
      const minFree = Number(opts.minFreeGb);
      if (!Number.isFinite(minFree) || minFree < 0)
        throw io.usageError(`--min-free-gb must be a number >= 0, got '${opts.minFreeGb}'`);
      const dir = path.resolve(opts.workingDir);
      const body = { dryRun: opts.dryRun === true, minFreeBytes: minFree * 1024 ** 3 };
      const report = await onInstanceOrOffline<GcReport>(
        io,
        dir,
        (client) => client.gc(body),
        async (store) =>
          runGarbageCollection({
            store,
            artifacts: await ArtifactStore.open(dir, store),
            workingDir: dir,
            ...body,
          }),
      );
      io.out(opts.json ? JSON.stringify(report, null, 2) : formatGcReport(report));
    });
  program
    .command('invalidate-artifacts')
    .description('make every stored artifact miss from now on (after an incompatible change of Coin)')
    .requiredOption('--working-dir <dir>', 'working directory of the instance')
    .action(async (opts: { workingDir: string }) => {
      const dir = path.resolve(opts.workingDir);
      const result = await onInstanceOrOffline<{ epoch: number }>(
        io,
        dir,
        async (client) => ({ epoch: await client.invalidateArtifacts() }),
        async (store) => ({ epoch: invalidateArtifacts(store, 'coin invalidate-artifacts') }),
      );
      io.out(
        `artifact epoch is now ${result.epoch}: every earlier artifact misses; coin gc removes them first`,
      );
    });
}
