/**
 * Provisioning in the Maintenance area (docs/opennebula.md, docs/maintenance.md): which VM
 * template sets a profile's instance starts its agents from (`coin provision --status --json` on
 * its host), and `coin provision` or `coin provision --rollback` run there with their output kept
 * while they run. One run at a time per profile; its output stays readable until the next starts.
 * deskContract (desk-api.ts) includes these methods; the channels are in provisioning-channels.ts.
 */
import * as z from 'zod';
import { provisionSourceSchema } from '../../runner/core/opennebula/one-template-sets';
import { provisioningChannels as channels } from './provisioning-channels';

const profileRef = z.object({ profileId: z.string().min(1) }).strict();

export const provisionedTemplateViewSchema = z.object({
  base: z.string(),
  clone: z.string(),
  id: z.number().int(),
  registeredAt: z.string(),
  /** How old the clone is when the status was read: `12 min`, `5 h`, `3 d`. */
  age: z.string(),
});
export type ProvisionedTemplateView = z.infer<typeof provisionedTemplateViewSchema>;

export const templateSetViewSchema = z.object({
  date: z.string(),
  recordedAt: z.string(),
  templates: z.array(provisionedTemplateViewSchema),
});
export type TemplateSetView = z.infer<typeof templateSetViewSchema>;

export const provisioningStatusSchema = z.object({
  profileId: z.string(),
  workingDir: z.string(),
  /** One line: which templates agents start from. */
  summary: z.string(),
  /** The set agents start from; null: the base templates. */
  current: templateSetViewSchema.nullable(),
  /** The earlier sets, newest first (rollback goes to the first). */
  previous: z.array(templateSetViewSchema),
  /** What `coin provision --rollback` would go back to; null when there is nothing to go back to. */
  rollbackTarget: z.string().nullable(),
  /** Where the last provisioning took its templates and account from (the form's defaults). */
  lastSource: provisionSourceSchema.nullable(),
  readAt: z.string(),
});
export type ProvisioningStatus = z.infer<typeof provisioningStatusSchema>;

export const provisioningRunSchema = z.object({
  profileId: z.string(),
  state: z.enum(['idle', 'running', 'done', 'failed']),
  action: z.enum(['provision', 'rollback']).nullable(),
  /** The command line as run on the instance's host. */
  command: z.string(),
  /** What it printed (stdout and stderr as they came), the last 1000 lines. */
  output: z.array(z.string()),
  exitCode: z.number().int().nullable(),
  /** One sentence: how it ended (empty while it runs). */
  detail: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type ProvisioningRun = z.infer<typeof provisioningRunSchema>;

export const provisioningContract = {
  provisioningStatus: {
    channel: channels.provisioningStatus,
    input: profileRef,
    output: provisioningStatusSchema,
    doc: "The VM template sets a profile's instance starts agents from, with their age (coin provision --status).",
  },
  provisioningStart: {
    channel: channels.provisioningStart,
    input: profileRef
      .extend({
        /** On the instance's host: one directory per base template. */
        templatesDir: z.string().min(1),
        oneXmlrpc: z.string().min(1).optional(),
        oneAuthFile: z.string().min(1).optional(),
        confirmed: z.literal(true),
      })
      .strict(),
    output: provisioningRunSchema,
    doc: 'Run coin provision on the instance host (new template clones that later integrations use); follow it with provisioning-progress.',
  },
  provisioningRollback: {
    channel: channels.provisioningRollback,
    input: profileRef.extend({ confirmed: z.literal(true) }).strict(),
    output: provisioningRunSchema,
    doc: 'Run coin provision --rollback: agents start from the template set before the current one.',
  },
  provisioningProgress: {
    channel: channels.provisioningProgress,
    input: profileRef,
    output: provisioningRunSchema,
    doc: "The profile's latest provisioning run: its state and output.",
  },
} as const;

/** The DeskApi methods of provisioning. */
export type ProvisioningMethod = keyof typeof provisioningContract;
