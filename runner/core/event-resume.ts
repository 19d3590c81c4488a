/**
 * What a client of the event WebSocket (instance-api-events.ts) makes of the server's hello: the
 * one rule the dashboard's EventStream and the CLI's EventFollower share. It resumes where it was
 * (the server replays what it missed after its seq), or re-reads everything from the server's
 * newest seq: on its first connection without a position, when the instance's store was replaced
 * (its newest seq is below ours), and when its seqs started over (the hello names another event
 * stream than ours: a run that did not stop cleanly, runner/node/store/event-stream.ts).
 * No imports: the dashboard's bundle takes it as it is.
 */

/** Where a client is: the newest seq it has and the event stream that seq belongs to. */
export interface StreamPosition {
  readonly seq: number | undefined;
  readonly stream: string | undefined;
}

/** The client's position after the hello, and whether it must re-read everything. */
export function afterHello(
  at: StreamPosition,
  hello: { readonly lastSeq: number; readonly stream?: string | undefined },
): { readonly position: StreamPosition; readonly reread: boolean } {
  const restarted = at.stream !== undefined && hello.stream !== undefined && hello.stream !== at.stream;
  const reread = at.seq === undefined || hello.lastSeq < at.seq || restarted;
  return { reread, position: { seq: reread ? hello.lastSeq : at.seq, stream: hello.stream ?? at.stream } };
}
