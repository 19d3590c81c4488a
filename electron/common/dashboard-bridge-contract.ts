/**
 * The in-window dashboard's part of DeskApi. The app's Integrations, Agents and Maintenance areas
 * show an instance's dashboard pages inside the window; the main process is the one that talks to
 * the instance (directly for a local runner, through the profile's SSH tunnel for a master), so the
 * renderer never needs the instance to accept a foreign origin. Reads are the instance's read API
 * (`api/...` paths only, GET only); the event stream is the instance's WebSocket, relayed as
 * long-polled batches of its text messages. The one write is dashboard:control (cancel, re-run,
 * retry failed): the main process sends it with the instance's admin token, which it reads itself
 * (the runner's DIR/admin-token, over SFTP for a master), so the window never holds the token.
 * deskContract (desk-api.ts) includes these methods; the channels are in dashboard-bridge-channels.ts.
 */
import * as z from 'zod';
import { apiPathPrefix, instancePaths } from '../../runner/core/instance-api';
import { auditOrigins, controlAnswerSchema } from '../../runner/core/instance-api-control';
import { dashboardBridgeChannels as channels } from './dashboard-bridge-channels';
import { watchTargetSchema } from './local-runner-contract';

/**
 * A read-API path relative to the dashboard root (runner/core/instance-api.ts's instancePaths):
 * the API's prefix and then path characters, optionally a query. No `..`, no scheme, no host: the
 * bridge can reach nothing but the instance's read API.
 */
export const dashboardApiPathSchema = z
  .string()
  .max(2000)
  .regex(
    new RegExp(`^${apiPathPrefix}[A-Za-z0-9_\\-./%]*(\\?[^#\\s]*)?$`),
    `must be a path of the read API such as ${instancePaths.tasks({ max: 50 })}`,
  )
  .refine((p) => !p.split('?')[0]!.split('/').includes('..'), 'must not contain ..');

/** An instance the window can show: a profile, or a runner the app hosts. */
export const dashboardTargetInfoSchema = z.object({
  target: watchTargetSchema,
  /** For people: the profile name, or the working directory. */
  label: z.string(),
  /** Whether its dashboard can be reached now (a runner that runs, or any profile). */
  available: z.boolean(),
  /** One line on its state: "running on port 41234", "stopped", "ssh coin@master". */
  detail: z.string(),
});
export type DashboardTargetInfo = z.infer<typeof dashboardTargetInfoSchema>;

const streamRef = z.object({ streamId: z.string().min(1).max(100) }).strict();

export const dashboardBridgeContract = {
  dashboardTargets: {
    channel: channels.dashboardTargets,
    input: z.object({}).strict(),
    output: z.object({ targets: z.array(dashboardTargetInfoSchema) }),
    doc: 'The instances whose dashboard the window can show: saved profiles and the runners the app hosts.',
  },
  dashboardGet: {
    channel: channels.dashboardGet,
    input: z.object({ target: watchTargetSchema, path: dashboardApiPathSchema }).strict(),
    output: z.object({
      status: z.number().int(),
      body: z.unknown(),
      /** Where the instance's dashboard is, as the app reaches it (direct or tunnel). */
      base: z.string(),
    }),
    doc: "A GET of the instance's read API (`api/...`), answered with its HTTP status and JSON body.",
  },
  dashboardControl: {
    channel: channels.dashboardControl,
    input: z
      .object({
        target: watchTargetSchema,
        taskId: z.string().min(1).max(200),
        action: z.enum(['cancel', 'rerun', 'retry']),
        reason: z.string().max(2000).optional(),
      })
      .strict(),
    output: controlAnswerSchema.extend({
      /** Who the instance's audit trail records, and from where ('app', or 'app-ssh' for a master). */
      actor: z.string(),
      origin: z.enum(auditOrigins),
    }),
    doc: "Cancel, re-run or retry the failed items of a task, with the instance's admin token read by the app (never shown to the window); the audit trail records the app's user and 'app' or 'app-ssh'.",
  },
  dashboardEventsOpen: {
    channel: channels.dashboardEventsOpen,
    input: z
      .object({
        target: watchTargetSchema,
        since: z.number().int().min(0).optional(),
        logs: z.enum(['none', 'all']).default('none'),
      })
      .strict(),
    output: z.object({ streamId: z.string() }),
    doc: "Open the instance's event WebSocket (replaying what came after `since`); read it with dashboard:events-next.",
  },
  dashboardEventsNext: {
    channel: channels.dashboardEventsNext,
    input: streamRef.extend({ waitMs: z.number().int().min(0).max(25_000).default(20_000) }).strict(),
    output: z.object({
      /** True once the socket to the instance is open. */
      open: z.boolean(),
      /** Text messages received since the last call, in order. */
      messages: z.array(z.string()),
      /** The socket ended (the stream is gone; open a new one, with `since`). */
      closed: z.boolean(),
    }),
    doc: 'The messages of an event stream since the last call, waiting up to waitMs for the first.',
  },
  dashboardEventsSend: {
    channel: channels.dashboardEventsSend,
    input: streamRef.extend({ data: z.string().max(64 * 1024) }).strict(),
    output: z.object({ sent: z.boolean() }),
    doc: "Send a text message to the instance over an event stream (the dashboard's log follow requests).",
  },
  dashboardEventsClose: {
    channel: channels.dashboardEventsClose,
    input: streamRef,
    output: z.object({ closed: z.boolean() }),
    doc: 'Close an event stream.',
  },
} as const;

/** The DeskApi methods of the in-window dashboard. */
export type DashboardBridgeMethod = keyof typeof dashboardBridgeContract;
