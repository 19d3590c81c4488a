/**
 * The instance's event WebSocket (part of instance-api.ts): every committed store event in order,
 * each with a sequence number. A client passes `since` (the last seq it saw) and first receives
 * what it missed, so a reconnect resynchronises; with `hello` it first gets the newest seq and the
 * stream the seqs belong to (a seq below the client's since means the store was replaced, another
 * stream that the seqs started over: reload everything). Log lines are pushed
 * too, without a seq and never replayed (the log API serves them). The server side is
 * runner/node/server/event-socket.ts.
 */
import * as z from 'zod';
import { storeEventSchema, type StoreEvent } from './records';

/** What the socket is opened with. `logs`: whose log lines to push (default all). */
export interface EventSocketQuery {
  since?: number;
  hello?: boolean;
  logs?: 'all' | 'none' | readonly string[];
  /**
   * Only events of these kinds (`kinds=task.state,workItem.state`; every kind when absent): a
   * client that waits for one thing is not sent, and does not parse, the hundreds of events a
   * task makes on the way.
   */
  kinds?: readonly string[];
}

/** The event kinds the store writes (`gerrit.*` and `<source>.*` events come from change sources). */
export const eventKinds = {
  taskCreated: 'task.created',
  taskState: 'task.state',
  taskWaiting: 'task.waiting',
  workItemCreated: 'workItem.created',
  workItemState: 'workItem.state',
  workItemDiscarded: 'workItem.discarded',
  agentCreated: 'agent.created',
  agentUpdated: 'agent.updated',
  agentState: 'agent.state',
  artifactRecorded: 'artifact.recorded',
  artifactRemoved: 'artifact.removed',
  artifactsInvalidated: 'artifacts.invalidated',
  configApplied: 'config.applied',
  configRejected: 'config.rejected',
  storeRecovered: 'store.recovered',
  healthChecked: 'health.checked',
} as const;

/**
 * The first message when asked with `hello`: the instance's newest seq, and the stream its seqs
 * belong to (runner/node/store/event-stream.ts; absent from an instance that did not begin one).
 */
export const helloMessageSchema = z.object({
  kind: z.literal('hello'),
  lastSeq: z.number().int(),
  stream: z.string().optional(),
});

/** Log lines of a work item as they arrive. */
export const logMessageSchema = z.object({
  kind: z.literal('log'),
  workItemId: z.string(),
  lines: z.array(z.string()),
  /** Output of the work item was left out (the client fell behind): read the log by range. */
  skipped: z.literal(true).optional(),
});
export type LogMessage = z.infer<typeof logMessageSchema>;

/** What the client may send: which work items' log lines to push (at most 100), or all. */
export const followLogsMessageSchema = z.union([
  z.object({ type: z.literal('logs'), workItemIds: z.array(z.string()).max(100) }),
  z.object({ type: z.literal('logs'), all: z.literal(true) }),
]);
export type FollowLogsMessage = z.infer<typeof followLogsMessageSchema>;

/** A message of the socket, told apart. */
export type EventSocketMessage =
  | { readonly type: 'hello'; readonly lastSeq: number; readonly stream?: string }
  | { readonly type: 'log'; readonly log: LogMessage }
  | { readonly type: 'event'; readonly event: StoreEvent };

/** The message in `text`, or undefined when it is none of the socket's messages. */
export function parseEventSocketMessage(text: string): EventSocketMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  // Told apart by `kind` first: a schema that fails builds its error report, which cost more than
  // the parse of the store event itself (two failed schemas for every event before)
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (kind === 'hello') {
    const hello = helloMessageSchema.safeParse(value);
    return hello.success
      ? { type: 'hello', lastSeq: hello.data.lastSeq, stream: hello.data.stream }
      : undefined;
  }
  if (kind === 'log') {
    const log = logMessageSchema.safeParse(value);
    return log.success ? { type: 'log', log: log.data } : undefined;
  }
  const event = storeEventSchema.safeParse(value);
  return event.success ? { type: 'event', event: event.data } : undefined;
}

/** Whether `event` is about the task `taskId` or one of its work items. */
export function isTaskEvent(event: StoreEvent, taskId: string): boolean {
  return event.subject === taskId || event.payload.taskId === taskId;
}
