/**
 * The control routes: POST `<base>/api/tasks/:id/<cancel|dequeue|priority|rerun|retry>` (admin
 * token, checked for every write by the server) and GET `<base>/api/audit`. Who acts and from
 * where come from the contract's actor and origin headers, which the CLI, the dashboard and the
 * app set; the audit trail records them with each action.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  actorHeader,
  auditActions,
  cancelRequestSchema,
  originHeader,
  originOf,
  priorityRequestSchema,
  taskControlActions,
  type AuditAction,
  type TaskControlAction,
} from '../../core/instance-api-control';
import { InstanceRequestError, invalidRequest } from '../../core/instance-errors';
import type { Actor } from '../instance/task-control';
import type { InstanceFacade } from '../instance/instance-facade';

interface ControlRouteDeps {
  basePath: string;
  control?: InstanceFacade['control'];
  store: InstanceFacade['store'];
}

/** The actor and origin a request names (printable, at most 100 characters; 'unknown' when missing). */
export function actorOf(request: FastifyRequest): Actor {
  const raw = request.headers[actorHeader];
  const name = (typeof raw === 'string' ? raw : '')
    .replace(/[^\x20-\x7e]/g, '')
    .trim()
    .slice(0, 100);
  return { actor: name || 'unknown', origin: originOf(request.headers[originHeader]) };
}

function parsed<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  body: unknown,
): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw invalidRequest(
    result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
  );
}

/** How long a cancel waits for the task to end before answering with the state it has then. */
const cancelAnswerMs = 30_000;

async function runAction(
  deps: ControlRouteDeps,
  request: FastifyRequest,
  id: string,
  action: TaskControlAction,
) {
  const by = actorOf(request);
  const control = deps.control;
  if (!control)
    throw new InstanceRequestError('not-found', 'this server runs no instance that controls tasks');
  switch (action) {
    case 'cancel':
    case 'dequeue': {
      const { reason } = parsed(cancelRequestSchema, request.body);
      const done = action === 'cancel' ? control.cancel(id, by, reason) : control.dequeue(id, by, reason);
      const late = new Promise<null>((resolve) => setTimeout(resolve, cancelAnswerMs, null).unref());
      return (
        (await Promise.race([done, late])) ?? {
          taskId: id,
          state: deps.store.getTask(id)!.state,
          newTaskId: null,
        }
      );
    }
    case 'priority':
      return control.priority(id, by, parsed(priorityRequestSchema, request.body).priority);
    case 'rerun':
      return control.rerun(id, by);
    case 'retry':
      return control.retry(id, by);
  }
}

/** Register the routes on the instance's server (before it listens). */
export function registerControlRoutes(app: FastifyInstance, deps: ControlRouteDeps): void {
  app.post(`${deps.basePath}/api/tasks/:id/:action`, async (request) => {
    const { id, action } = request.params as { id: string; action: string };
    if (!(taskControlActions as readonly string[]).includes(action))
      throw invalidRequest(`no task action '${action}': use one of ${taskControlActions.join(', ')}`);
    return runAction(deps, request, id, action as TaskControlAction);
  });
  app.get(`${deps.basePath}/api/audit`, async (request) => {
    const query = request.query as { max?: string; subject?: string; action?: string };
    const action = query.action as AuditAction | undefined;
    if (action && !auditActions.includes(action))
      throw invalidRequest(`no audited action '${action}': use one of ${auditActions.join(', ')}`);
    const max = query.max ? Number(query.max) : undefined;
    return { entries: deps.store.audit.list({ max, subject: query.subject, action }) };
  });
}

/** Audit an admin action that succeeded (`coin gc`, `coin invalidate-artifacts`); a GC dry run changes nothing. */
export function auditAdminAction(
  deps: ControlRouteDeps,
  request: FastifyRequest,
  name: string,
  result: unknown,
): void {
  const body = (request.body ?? {}) as { dryRun?: boolean };
  if (name !== 'gc' && name !== 'invalidate-artifacts') return;
  if (name === 'gc' && body.dryRun) return;
  const details =
    name === 'gc'
      ? { freedBytes: (result as { freedBytes?: number }).freedBytes ?? null }
      : { ...(result as object) };
  deps.store.transaction(() =>
    deps.store.audit.record({ ...actorOf(request), action: name, subject: 'artifacts', details }),
  );
}
