/**
 * The dashboard pages inside the app window reach an instance through DeskApi: reads are
 * dashboard:get calls and the event stream is relayed by the main process (dashboard:events-*).
 * This adapts both to what the dashboard's client and event stream expect (a transport, and an
 * object with the part of the WebSocket interface EventStream uses), so the pages are the same
 * code in the window and in the browser.
 */
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { WatchTarget } from '../../../../electron/common/local-runner-contract';
import { DashboardRequestError, type DashboardTransport } from '../../dashboard/dashboard-client';
import type { SocketFactory } from '../../dashboard/event-stream';

type Bridge = Pick<
  DeskApi,
  | 'dashboardGet'
  | 'dashboardEventsOpen'
  | 'dashboardEventsNext'
  | 'dashboardEventsSend'
  | 'dashboardEventsClose'
>;

function abortError(): Error {
  const error = new Error('aborted');
  error.name = 'AbortError';
  return error;
}

/** Reads of `target`'s API through the app. An aborted read rejects with AbortError (the call itself runs on). */
export function deskTransport(desk: Bridge, target: WatchTarget): DashboardTransport {
  return async (path, signal) => {
    if (signal?.aborted) throw abortError();
    let answer: { status: number; body: unknown };
    try {
      answer = await desk.dashboardGet({ target, path });
    } catch (error) {
      throw new DashboardRequestError(0, (error as Error).message);
    }
    if (signal?.aborted) throw abortError();
    return answer;
  };
}

/** WebSocket's readyState values. */
const connecting = 0;
const open = 1;
const closedState = 3;

/**
 * The part of WebSocket that EventStream uses, over the app's relay. Handlers get plain event-like
 * objects (EventStream reads only `data`), so this also runs where CloseEvent does not exist.
 */
export class DeskEventSocket {
  readyState = connecting;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  private streamId: string | undefined;
  private closing = false;

  constructor(
    private readonly desk: Bridge,
    target: WatchTarget,
    since: number | undefined,
    logs: 'none' | 'all',
  ) {
    void this.run(target, since, logs);
  }

  send(data: string): void {
    if (this.readyState !== open || !this.streamId) return;
    void this.desk.dashboardEventsSend({ streamId: this.streamId, data }).catch(() => undefined);
  }

  close(): void {
    this.closing = true;
    if (this.streamId)
      void this.desk.dashboardEventsClose({ streamId: this.streamId }).catch(() => undefined);
    this.finish();
  }

  private async run(target: WatchTarget, since: number | undefined, logs: 'none' | 'all'): Promise<void> {
    try {
      const { streamId } = await this.desk.dashboardEventsOpen({ target, since, logs });
      this.streamId = streamId;
      if (this.closing) {
        await this.desk.dashboardEventsClose({ streamId });
        return;
      }
      while (!this.closing) {
        const batch = await this.desk.dashboardEventsNext({ streamId, waitMs: 20_000 });
        if (this.closing) break;
        if (batch.open && this.readyState === connecting) {
          this.readyState = open;
          this.onopen?.({ type: 'open' } as Event);
        }
        for (const data of batch.messages) this.onmessage?.({ type: 'message', data } as MessageEvent);
        if (batch.closed) break;
      }
    } catch {
      if (!this.closing) this.onerror?.({ type: 'error' } as Event);
    }
    this.finish();
  }

  private finish(): void {
    if (this.readyState === closedState) return;
    this.readyState = closedState;
    this.onclose?.({ type: 'close' } as CloseEvent);
  }
}

/** EventStream's socket factory for `target`: `since` and `logs` come from the URL the stream asks for. */
export function deskSocketFactory(desk: Bridge, target: WatchTarget): SocketFactory {
  return (url) => {
    const params = new URL(url).searchParams;
    const since = params.has('since') ? Number(params.get('since')) : undefined;
    const logs = params.get('logs') === 'all' ? 'all' : 'none';
    return new DeskEventSocket(desk, target, since, logs) as unknown as WebSocket;
  };
}
