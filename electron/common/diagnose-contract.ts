/**
 * The Diagnose action of DeskApi: `coin diagnose` run on a profile's instance (on the master
 * over SSH, or on this computer), which reads what the runner is doing through Node's inspector
 * without stopping it. The answer is the diagnosis as text, its verdict and where the archive
 * (diagnosis and journal excerpt) was saved on the instance's host.
 */
import * as z from 'zod';
import { diagnoseChannels as channels } from './diagnose-channels';

export const diagnoseResultSchema = z.object({
  profileId: z.string(),
  /** The first line a person reads: BLOCKED, idle or UNKNOWN, and why. */
  verdict: z.string(),
  /** The whole diagnosis as text (runner/core/diagnosis.ts formatDiagnosis). */
  text: z.string(),
  takenAt: z.string(),
  /** The tar.gz with the diagnosis and the journal excerpt, on the instance's host. */
  archive: z.string(),
  /** Where the journal excerpt came from. */
  journal: z.string(),
  /** `coin --version` on the instance's host. */
  runnerVersion: z.string(),
  /** The runner's Node.js version. */
  node: z.string(),
});
export type DiagnoseResult = z.infer<typeof diagnoseResultSchema>;

export const diagnoseContract = {
  instanceDiagnose: {
    channel: channels.instanceDiagnose,
    input: z.object({ profileId: z.string().min(1) }).strict(),
    output: diagnoseResultSchema,
    doc: "Diagnose a profile's running instance without stopping it (coin diagnose on its host).",
  },
} as const;

/** The DeskApi method of the Diagnose action. */
export type DiagnoseMethod = keyof typeof diagnoseContract;
