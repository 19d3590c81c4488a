/**
 * The control part of the instance contract: cancel, re-run, retry failed items, dequeue and
 * reprioritise integrations, and the audit trail of every mutating action. Writes need the admin
 * token; the client says who acts and from where in two headers, recorded in the audit trail.
 */
import * as z from 'zod';
import { taskStates } from './model';

/** Who asks (a user name); clients set it, the audit trail records it. */
export const actorHeader = 'x-coin-actor';
/** From where: one of auditOrigins. */
export const originHeader = 'x-coin-origin';

/** Where an action came from: the CLI, the web dashboard, the desktop app (local or over SSH), the instance itself. */
export const auditOrigins = ['cli', 'dashboard', 'app', 'app-ssh', 'instance', 'unknown'] as const;
export type AuditOrigin = (typeof auditOrigins)[number];

/** Every mutating action the audit trail records. */
export const auditActions = [
  'cancel',
  'rerun',
  'retry',
  'dequeue',
  'priority',
  'invalidate-artifacts',
  'gc',
  'config-save',
  'config-rollback',
  'maintenance-on',
  'maintenance-off',
] as const;
export type AuditAction = (typeof auditActions)[number];

/** One recorded action. `subject` is what it acted on (a task id, 'artifacts', 'runtime-config'). */
export const auditEntrySchema = z
  .object({
    id: z.number().int(),
    time: z.string(),
    actor: z.string(),
    origin: z.enum(auditOrigins),
    action: z.enum(auditActions),
    subject: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .readonly();
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** GET api/audit: newest first. */
export const auditPageSchema = z.object({ entries: z.array(auditEntrySchema) });
export type AuditPage = z.infer<typeof auditPageSchema>;

export interface AuditQuery {
  max?: number;
  subject?: string;
  action?: AuditAction;
}

/** POST api/tasks/:id/cancel and .../dequeue. */
export const cancelRequestSchema = z.object({ reason: z.string().max(2000).optional() }).strict();
/** POST api/tasks/:id/priority: higher starts first among queued tasks; 0 is the default. */
export const priorityRequestSchema = z.object({ priority: z.number().int().min(-1000).max(1000) }).strict();

/** What a control action answers: the task acted on, its state now, and a new task when one was made. */
export const controlAnswerSchema = z.object({
  taskId: z.string(),
  state: z.enum(taskStates),
  newTaskId: z.string().nullable(),
});
export type ControlAnswer = z.infer<typeof controlAnswerSchema>;

/** The control actions on one task, as path segments (`api/tasks/<id>/<action>`). */
export const taskControlActions = ['cancel', 'rerun', 'retry', 'dequeue', 'priority'] as const;
export type TaskControlAction = (typeof taskControlActions)[number];

/** The routes of this part (merged into instanceRoutes). */
export const controlRoutes = {
  taskControl: { method: 'POST', path: '/api/tasks/:id/:action' },
  audit: { method: 'GET', path: '/api/audit' },
} as const;

const enc = encodeURIComponent;

/** The paths clients ask for (merged into instancePaths). */
export const controlPaths = {
  taskControl: (id: string, action: TaskControlAction) => `api/tasks/${enc(id)}/${action}`,
  audit: (query: AuditQuery = {}) => {
    const parts = Object.entries(query)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${enc(k)}=${enc(String(v))}`);
    return `api/audit${parts.length ? `?${parts.join('&')}` : ''}`;
  },
} as const;

/** A header value as an origin ('unknown' when missing or not one). */
export function originOf(value: unknown): AuditOrigin {
  return (auditOrigins as readonly unknown[]).includes(value) ? (value as AuditOrigin) : 'unknown';
}
