/**
 * The one schema of `coin_configuration.json`, the runtime configuration an instance reads from
 * its working directory while it runs. It gives the TypeScript types, the defaults, the runtime
 * check and the documentation of every field (`runtimeConfigFieldDocs`, shown in the UI and in
 * docs/runtime-configuration.md). Unknown keys are errors: a typo must not be silently ignored.
 */
import * as z from 'zod';
import { configPropertyNames } from '../coin-files/config-properties';
import { ruleError } from './rule-regex';

/** The account whose cherry-picks accumulate before they integrate. */
export const cherryPickBotEmail = 'cherrypick_bot@qt-project.org';

/** How long cherry-picks by the bot accumulate (6 hours, in seconds). */
export const cherryPickAccumulationSeconds = 6 * 60 * 60;

/** The file name in the working directory. */
export const runtimeConfigFileName = 'coin_configuration.json';

/** Attribute paths a sched rule can match: the work item configuration's properties. */
export const workItemAttributes: readonly string[] = [
  ...configPropertyNames,
  'id',
  'template',
  ...configPropertyNames.map((name) => `platformDependency.${name}`),
];

const regexRule = z.string().superRefine((pattern, ctx) => {
  if (pattern === '') ctx.addIssue({ code: 'custom', message: 'an empty rule matches nothing: remove it' });
  else {
    const problem = ruleError(pattern);
    if (problem)
      ctx.addIssue({ code: 'custom', message: `invalid regular expression "${pattern}": ${problem}` });
  }
});

const attributePath = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

const matchSchema = z.record(z.string(), regexRule).superRefine((match, ctx) => {
  const keys = Object.keys(match);
  if (keys.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message:
        'an empty "match" would apply the rule to every work item: name at least one attribute ' +
        '(use "target.os": ".*" if that is really meant)',
    });
  }
  for (const key of keys) {
    if (!attributePath.test(key))
      ctx.addIssue({
        code: 'custom',
        path: [key],
        params: { at: 'key' },
        message: `"${key}" is not an attribute path (names joined by dots, such as "target.os")`,
      });
  }
});

const schedRuleSchema = z.strictObject({
  SCHED_REQUIREMENTS: z
    .string()
    .refine((s) => s.trim() !== '', 'SCHED_REQUIREMENTS is empty: write an OpenNebula expression')
    .describe(
      "Passed as is to OpenNebula as the VM's SCHED_REQUIREMENTS (for example `NESTED_VIRT = true`). " +
        'When several rules match a work item, their requirements are joined: `(A) & (B)`.',
    ),
  match: matchSchema.describe(
    'For which work item configurations the rule applies: attribute paths of the configuration ' +
      '(`target.os`, `host.osVersion`, `features`, nested with dots) mapped to regular expressions. ' +
      'Every entry must match the whole attribute value (for a list such as `features`, one element). ' +
      'An attribute the configuration does not have does not match.',
  ),
});

const gerritMonitorSchema = z.strictObject({
  disable_cherry_pick_delay: z
    .boolean()
    .default(false)
    .describe(
      `Integrations whose changes are all cherry-picks by ${cherryPickBotEmail} wait 6 hours after ` +
        'they are staged, so that cherry-picks accumulate into fewer integrations. `true` disables ' +
        'the wait. Restaging such a change by hand also bypasses it.',
    ),
  serialize_dependency_updates: z
    .boolean()
    .default(true)
    .describe(
      'When true, a dependency update (an integration whose changes only touch `dependencies.yaml`) ' +
        'never runs in parallel with other integrations: it waits until nothing runs, and nothing ' +
        'starts while it runs or waits to start.',
    ),
  parallel_integration_delay: z
    .number()
    .min(0, 'a delay cannot be negative')
    .max(7 * 24 * 3600, 'more than a week between starts would stop parallel integrations altogether')
    .default(1800)
    .describe(
      'Seconds between the starts of two parallel integrations of the same project/branch ' +
        '(only for project/branches that `parallel_project_rules` allows to run in parallel).',
    ),
  parallel_project_rules: z
    .array(regexRule)
    .default([])
    .describe(
      'Regular expressions matched against `<project>/<branch>` (for example `qt/qtbase/dev`). ' +
        'A second integration of the same project/branch waits for the first to finish unless one ' +
        'rule matches the whole `<project>/<branch>`; then it may run in parallel, ' +
        '`parallel_integration_delay` after the previous start. Python regular expression syntax.',
    ),
});

const openNebulaSchema = z.strictObject({
  sched_rules: z
    .array(schedRuleSchema)
    .default([])
    .describe(
      'SCHED_REQUIREMENTS for the virtual machines of some work items, chosen by their ' +
        'configuration (for example only hosts with nested virtualisation for QNX and Android).',
    ),
});

/** The schema of the whole file. */
export const runtimeConfigSchema = z.strictObject({
  gerrit_monitor: gerritMonitorSchema
    .prefault({})
    .describe('How integrations are started: parallel integrations, dependency updates, cherry-picks.'),
  opennebula: openNebulaSchema
    .prefault({})
    .describe('Rules for the virtual machines Coin asks OpenNebula for.'),
});

/** A checked configuration with every default filled in. */
export type RuntimeConfig = z.output<typeof runtimeConfigSchema>;
/** What the file may say (everything optional). */
export type RuntimeConfigInput = z.input<typeof runtimeConfigSchema>;
/** The `gerrit_monitor` section. */
export type GerritMonitorConfig = RuntimeConfig['gerrit_monitor'];
/** One `opennebula.sched_rules` entry. */
export type SchedRule = RuntimeConfig['opennebula']['sched_rules'][number];

/** The configuration in force when there is no file. */
export const defaultRuntimeConfig: RuntimeConfig = runtimeConfigSchema.parse({});
