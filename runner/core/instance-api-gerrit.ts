/**
 * GET api/gerrit as a schema (part of instance-api.ts): the answer runner/core/gerrit/gerrit-overview.ts
 * types, checked against those types at compile time so the two cannot drift apart.
 */
import * as z from 'zod';
import type { GerritApiAnswer } from './gerrit/gerrit-overview';

const changeRefSchema = z
  .object({
    change: z.number(),
    patchSet: z.number().nullable(),
    subject: z.string(),
    url: z.string().nullable(),
  })
  .readonly();

const coinViewSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('building'), taskId: z.string() }).readonly(),
  z.object({ kind: z.literal('preparing') }).readonly(),
  z.object({ kind: z.literal('reported'), taskId: z.string().nullable() }).readonly(),
  z.object({ kind: z.literal('waiting'), until: z.string() }).readonly(),
  z.object({ kind: z.literal('queued-behind'), taskId: z.string() }).readonly(),
  z.object({ kind: z.literal('looking') }).readonly(),
  z.object({ kind: z.literal('integrated'), taskId: z.string() }).readonly(),
  z.object({ kind: z.literal('other-instance') }).readonly(),
  z.object({ kind: z.literal('prestaged') }).readonly(),
  z.object({ kind: z.literal('unknown') }).readonly(),
]);

const rowSchema = z
  .object({
    change: z.number(),
    patchSet: z.number().nullable(),
    project: z.string(),
    branch: z.string(),
    subject: z.string(),
    owner: z.string().nullable(),
    url: z.string().nullable(),
    status: z.enum(['PRESTAGED', 'STAGED', 'INTEGRATING']),
    coin: coinViewSchema,
  })
  .readonly();

const waitingSchema = z
  .object({
    project: z.string(),
    branch: z.string(),
    until: z.string(),
    changes: z.array(z.number()).readonly(),
  })
  .readonly();

const buildingSchema = z
  .object({
    taskId: z.string(),
    project: z.string(),
    branch: z.string(),
    buildId: z.string().nullable(),
    state: z.string(),
    changes: z.array(changeRefSchema).readonly(),
  })
  .readonly();

const finishedSchema = z
  .object({
    taskId: z.string(),
    project: z.string(),
    branch: z.string(),
    buildId: z.string().nullable(),
    state: z.string(),
    result: z.enum(['pass', 'fail']),
    finished: z.string().nullable(),
    report: z.enum(['reporting', 'approved', 'not-merged', 'would-approve', 'approve-failed', 'unknown']),
    reportError: z.string().nullable(),
    changes: z.array(changeRefSchema).readonly(),
  })
  .readonly();

const connectionSchema = z
  .object({
    state: z.enum(['connecting', 'connected', 'reconnecting', 'refused']),
    since: z.string(),
    lastError: z.string().nullable(),
    lastErrorAt: z.string().nullable(),
    retryInMs: z.number().nullable(),
  })
  .readonly();

const ciStatusSchema = z
  .object({
    state: z.enum(['published', 'not-permitted', 'failing', 'pending', 'read-only']),
    at: z.string().nullable(),
    error: z.string().nullable(),
    last: z
      .object({
        name: z.string(),
        running: z.number(),
        queue: z.number(),
        load: z.union([z.literal(0), z.literal(1), z.literal(2)]),
      })
      .readonly()
      .nullable(),
  })
  .readonly();

const overviewSchema = z
  .object({
    enabled: z.literal(true),
    mode: z.enum(['write', 'read-only']),
    server: z.string(),
    projects: z.array(z.string()).readonly(),
    connection: connectionSchema,
    ciStatus: ciStatusSchema,
    coin: z
      .object({
        waiting: z.array(waitingSchema).readonly(),
        building: z.array(buildingSchema).readonly(),
        finished: z.array(finishedSchema).readonly(),
      })
      .readonly(),
    gerrit: z
      .object({
        checkedAt: z.string().nullable(),
        error: z.string().nullable(),
        maxAgeMs: z.number(),
        staged: z.array(rowSchema).readonly(),
        integrating: z.array(rowSchema).readonly(),
        prestaged: z.array(rowSchema).readonly(),
      })
      .readonly(),
    convergence: z
      .object({
        converged: z.boolean().nullable(),
        integratingWithoutTask: z.array(rowSchema).readonly(),
        stagedUnknown: z.array(rowSchema).readonly(),
        summary: z.string(),
      })
      .readonly(),
  })
  .readonly();

/** GET api/gerrit: `{enabled: false}` when the instance does not watch Gerrit. */
export const gerritAnswerSchema = z.union([
  z.object({ enabled: z.literal(false) }).readonly(),
  overviewSchema,
]);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

/** Compile-time proof that the schema is gerrit-overview.ts's GerritApiAnswer. */
export type GerritAnswerCheck = Assert<Same<z.infer<typeof gerritAnswerSchema>, GerritApiAnswer>>;
