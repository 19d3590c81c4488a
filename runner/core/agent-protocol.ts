/**
 * The protocol between a Coin instance and its agents, the same for local agent processes and
 * agents inside VMs: JSON messages over the instance's WebSocket endpoint (`<base>/agent`), plus
 * HTTP for artifact bodies. One schema per message; both ends validate what they receive.
 */
import * as z from 'zod';

/**
 * Directories of one work item, relative to the agent's fresh work area (the agent makes them
 * absolute): the template data `.SourceDir` and friends.
 */
export const workDirsSchema = z.object({
  agentWorkingDir: z.string(),
  sourceDir: z.string(),
  buildDir: z.string(),
  installDir: z.string(),
  installRoot: z.string(),
});
export type WorkDirs = z.infer<typeof workDirsSchema>;

/** An artifact to fetch and unpack before the instructions run (a dependency's install, the module's build). */
export const inputArtifactSchema = z.object({
  key: z.string(),
  /** Path under the instance's base URL to GET the archive from. */
  url: z.string(),
  /** What it is, for InstallBinaryArchive's `regex`: `<project>/<transfer type>`. */
  name: z.string().optional(),
  /**
   * build: a module's installed build (a dependency's, or the module's own for tests); test: the
   * build's test artifact (InstallTestBinaryArchive); named: another upload of the build, only
   * installed by an InstallBinaryArchive whose `regex` matches its name.
   */
  kind: z.enum(['build', 'test', 'named']),
  /** Directory (relative to the work area) to unpack into before the instructions run; null: only on request. */
  unpackTo: z.string().nullable(),
  /**
   * The SHA-256 of the archive's bytes, when the instance knows it: an agent that has already
   * unpacked those bytes copies its tree without downloading them again.
   */
  sha256: z.string().optional(),
});
export type InputArtifact = z.infer<typeof inputArtifactSchema>;

/** Master -> agent: run one work item. `instructions` is the planned instruction tree (JSON). */
export const runMessageSchema = z.object({
  type: z.literal('run'),
  workItemId: z.string(),
  instructions: z.array(z.unknown()),
  env: z.record(z.string(), z.string()),
  dirs: workDirsSchema,
  inputs: z.array(inputArtifactSchema),
  /** Where the source tree comes from: a tarball URL under the instance. */
  sourceUrl: z.string().nullable(),
  /** The SHA-256 of that tarball, when the instance knows it (as an input's `sha256`). */
  sourceSha256: z.string().optional(),
  /**
   * Given only to an agent on the instance's own machine: the path of that tarball, which the
   * agent reads where it lies instead of downloading `sourceUrl`.
   */
  sourceFile: z.string().optional(),
  /** Likewise: that tarball already unpacked by the instance, which the agent copies. */
  sourceTree: z.string().optional(),
  /**
   * The module's machine_type for the item's phase (cores), or null; the agent grants what its own
   * machine has (runner/core/machine-cores.ts).
   */
  cores: z.number().int().positive().nullable().default(null),
  /**
   * Given only to an agent on the instance's own machine: the work item's log file. The agent
   * appends its lines and its commands' output to it itself (commands write into it directly
   * unless a hidden text must be masked) and reports how far it has grown (`grown`), instead of
   * sending the bytes.
   */
  logFile: z.string().optional(),
});

/**
 * Master -> agent: stop a work item. Its command's process group gets SIGTERM, then SIGKILL when
 * it is still there after `graceMs` (build tools get a moment to write out their state).
 */
export const cancelMessageSchema = z.object({
  type: z.literal('cancel'),
  workItemId: z.string(),
  graceMs: z.number().int().min(0).max(600_000).default(10_000),
});
export const shutdownMessageSchema = z.object({ type: z.literal('shutdown') });

export const toAgentSchema = z.discriminatedUnion('type', [
  runMessageSchema,
  cancelMessageSchema,
  shutdownMessageSchema,
]);
export type ToAgent = z.infer<typeof toAgentSchema>;
export type RunMessage = z.infer<typeof runMessageSchema>;

export const failureKindSchema = z.enum(['system', 'build', 'test']);
export type FailureKind = z.infer<typeof failureKindSchema>;

/** Agent -> master messages. */
export const helloMessageSchema = z.object({
  type: z.literal('hello'),
  agentId: z.string(),
  pid: z.number().int(),
  host: z.string(),
  protocol: z.literal(1),
});
export const logMessageSchema = z.object({
  type: z.literal('log'),
  workItemId: z.string(),
  /** Lines in order; batched so a chatty build is not one message per line. */
  lines: z.array(z.string()).max(10_000),
});
/**
 * Agent -> master, for a work item whose run message gave a `logFile`: the file now holds `size`
 * bytes (sent as it grows, and once more before the result).
 */
export const grownMessageSchema = z.object({
  type: z.literal('grown'),
  workItemId: z.string(),
  size: z.number().int().min(0),
});
export const resultMessageSchema = z.object({
  type: z.literal('result'),
  workItemId: z.string(),
  passed: z.boolean(),
  failure: z
    .object({
      kind: failureKindSchema,
      /** One sentence: the failing instruction's userMessageOnFailure, or what went wrong. */
      message: z.string(),
      /** Where the failing instruction was written (file:line:column), when known. */
      at: z.string().nullable(),
    })
    .nullable(),
  /** Artifact keys the agent uploaded during this work item. */
  uploaded: z.array(z.string()),
  /** Results of the tests the work item ran (RunQtUnitTest, ScheduleUploadTestResults). */
  testResults: z
    .array(
      z.object({
        name: z.string(),
        outcome: z.enum(['passed', 'failed', 'flaky', 'skipped']),
        attempts: z.number().int().min(0),
        durationMs: z.number().min(0),
        message: z.string().optional(),
      }),
    )
    .max(100_000)
    .default([]),
  /**
   * For a work item whose run message gave a `logFile`: the file's final size, so the result is
   * also the last `grown` report (one message at the end of a short work item, not two).
   */
  logSize: z.number().int().min(0).optional(),
});

export const fromAgentSchema = z.discriminatedUnion('type', [
  helloMessageSchema,
  logMessageSchema,
  grownMessageSchema,
  resultMessageSchema,
]);
export type FromAgent = z.infer<typeof fromAgentSchema>;
export type ResultMessage = z.infer<typeof resultMessageSchema>;

/**
 * Checks made-up messages of each kind that passes once per work item. The first check against a
 * schema builds the validator's internals (about 3 ms, measured): an agent does this while it
 * connects and the instance when it starts, so a fresh agent's first work item does not pay it.
 */
export function warmUpSchemas(): void {
  const dir = '.';
  toAgentSchema.parse({
    type: 'run',
    workItemId: 'warm-up',
    instructions: [],
    env: {},
    dirs: { agentWorkingDir: dir, sourceDir: dir, buildDir: dir, installDir: dir, installRoot: dir },
    inputs: [{ key: 'k', kind: 'build', url: '/', unpackTo: null, sha256: 'x' }],
    sourceUrl: '/',
  });
  for (const message of [
    { type: 'grown', workItemId: 'warm-up', size: 0 },
    { type: 'result', workItemId: 'warm-up', passed: true, failure: null, uploaded: [] },
  ])
    fromAgentSchema.parse(message);
}

/** Largest WebSocket message either side accepts (bytes). */
export const maxAgentMessageBytes = 16 * 1024 * 1024;

/** Header that carries the agent token on every agent request (declared where the bootstrap reads it). */
export { agentTokenHeader } from './agent-bundle';

/** Paths under the instance's base path (e.g. `/coin`) that agents use. */
export const agentPaths = {
  socket: '/agent',
  /** GET: the work item's source tree as tar.gz. */
  source: (workItemId: string) => `/agent/source/${encodeURIComponent(workItemId)}`,
  /** GET: a stored artifact as tar.gz. */
  artifact: (key: string) => `/agent/artifacts/${encodeURIComponent(key)}`,
  /** GET: another project's sources at a ref, as tar.gz (InstallSourceArchive). */
  projectSource: (workItemId: string, project: string, ref: string) =>
    `/agent/project-source?workItem=${encodeURIComponent(workItemId)}&project=${encodeURIComponent(project)}&ref=${encodeURIComponent(ref)}`,
  /** PUT: upload an artifact of the work item (`mount`: artifact-mount.ts); answers `{key}`. */
  upload: (workItemId: string, transferType: string, name?: string, mount?: string) =>
    `/agent/artifacts?workItem=${encodeURIComponent(workItemId)}&transferType=${encodeURIComponent(transferType)}` +
    (name ? `&name=${encodeURIComponent(name)}` : '') +
    (mount ? `&mount=${encodeURIComponent(mount)}` : ''),
} as const;
