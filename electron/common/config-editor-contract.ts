/**
 * The Configuration area's part of DeskApi: what the visual editor of coin_configuration.json
 * needs from an instance beyond the file itself (config:read and config:write are in
 * instances-contract.ts): the known project/branches and work item configurations for the rule
 * tester, the recorded integrations for the impact preview, and what the instance reported about
 * a saved text (config.applied / config.rejected on its event WebSocket).
 */
import * as z from 'zod';
import { configEditorChannels } from './config-editor-channels';

const profileRef = z.object({ profileId: z.string().min(1) }).strict();

/** A `<project>/<branch>` seen in the instance's task history. */
export const knownLaneSchema = z.object({
  project: z.string(),
  branch: z.string(),
  /** `<project>/<branch>`, what parallel_project_rules match. */
  lane: z.string(),
  /** Tasks of it among those read. */
  tasks: z.number().int(),
  /** Creation time of its newest task (ISO 8601). */
  lastCreated: z.string(),
});
export type KnownLane = z.infer<typeof knownLaneSchema>;

/** A work item configuration the instance offers or used, with the attributes sched rules read. */
export const knownConfigurationSchema = z.object({
  id: z.string(),
  /** Attribute paths (`target.os`) to values; null when the instance does not tell them. */
  properties: z.record(z.string(), z.unknown()).nullable(),
  /** Where the editor learnt of it. */
  source: z.enum(['local host', 'platform configurations', 'task history']),
  /** Work items on it among the recent tasks read. */
  workItems: z.number().int(),
});
export type KnownConfiguration = z.infer<typeof knownConfigurationSchema>;

/** A recorded integration as the replay needs it (RecordedIntegration of integration-replay.ts). */
export const recordedIntegrationSchema = z.object({
  id: z.string(),
  project: z.string(),
  branch: z.string(),
  /** When it was queued (ms since the epoch). */
  queuedAt: z.number(),
  /** How long it ran (until now for a running one). */
  durationMs: z.number(),
  dependencyUpdate: z.boolean(),
  changes: z.array(
    z.object({
      owner: z.string(),
      stagedAt: z.number().optional(),
      restagedByHand: z.boolean().optional(),
    }),
  ),
  state: z.string(),
});
export type RecordedIntegrationJson = z.infer<typeof recordedIntegrationSchema>;

/** Everything the editor knows about an instance besides its file. */
export const editorContextSchema = z.object({
  profileId: z.string(),
  /** Whether the instance's web server answered, its dashboard URL, and why not. */
  instance: z.object({
    running: z.boolean(),
    url: z.string().nullable(),
    problem: z.string().nullable(),
  }),
  days: z.number(),
  fromMs: z.number(),
  toMs: z.number(),
  lanes: z.array(knownLaneSchema),
  configurations: z.array(knownConfigurationSchema),
  integrations: z.array(recordedIntegrationSchema),
  /** Tasks read from the history, and whether there were more than the editor reads. */
  tasksRead: z.number().int(),
  truncated: z.boolean(),
  /** What could not be read, in words. */
  problems: z.array(z.string()),
});
export type EditorContext = z.infer<typeof editorContextSchema>;

/** A field change as the instance reports it. */
const changeSchema = z.object({ path: z.string(), before: z.unknown(), after: z.unknown() });

/** What the instance said about a saved text, or that it has not said anything yet. */
export const configOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('applied'),
    seq: z.number().int(),
    version: z.number().int(),
    appliedBy: z.string(),
    via: z.string(),
    changes: z.array(changeSchema),
    diff: z.string(),
  }),
  z.object({
    kind: z.literal('rejected'),
    seq: z.number().int(),
    errors: z.array(z.string()),
    keptVersion: z.number().int().nullable(),
  }),
  /** Nothing yet: ask again with `since`. */
  z.object({ kind: z.literal('pending'), since: z.number().int() }),
  z.object({ kind: z.literal('not-running'), message: z.string() }),
]);
export type ConfigOutcome = z.infer<typeof configOutcomeSchema>;

export const configEditorContract = {
  configContext: {
    channel: configEditorChannels.configContext,
    input: profileRef.extend({ days: z.number().min(0.1).max(90).default(7) }).strict(),
    output: editorContextSchema,
    doc: "The editor's context: known project/branches and configurations, and the integrations of the last `days` days.",
  },
  configEventSeq: {
    channel: configEditorChannels.configEventSeq,
    input: profileRef,
    output: z.object({ eventSeq: z.number().int().nullable(), problem: z.string().nullable() }),
    doc: "The instance's latest event sequence number (null when it does not run): take it before saving.",
  },
  configOutcome: {
    channel: configEditorChannels.configOutcome,
    input: profileRef
      .extend({
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        since: z.number().int().min(0),
        timeoutMs: z.number().int().min(0).max(20_000).default(10_000),
      })
      .strict(),
    output: configOutcomeSchema,
    doc: 'Waits for the instance to apply or reject the text with this SHA-256 (events after `since`).',
  },
} as const;

/** The DeskApi methods of the Configuration area. */
export type ConfigEditorMethod = keyof typeof configEditorContract;
