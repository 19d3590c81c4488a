/**
 * The dashboard's way to a runner: its read API over HTTP, relative to the dashboard's own URL
 * (`<base>/` -> `<base>/api/...`), so it works on the runner's port and behind a reverse proxy
 * under any path.
 */
import type {
  Agent,
  GerritApiAnswer,
  HostsReport,
  LogLines,
  LogSearchResult,
  PoolHistory,
  StorageHistory,
  StorageReport,
  TaskDetail,
  TaskFilters,
  TaskPage,
  TestResult,
} from './api-types';

/** A request the runner refused or could not answer, with a message meant for people. */
export class DashboardRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DashboardRequestError';
  }
}

/** The dashboard's root URL: the page's address without file name, query or hash. */
export function dashboardBase(href: string): string {
  const url = new URL(href);
  url.hash = '';
  url.search = '';
  url.pathname = url.pathname.replace(/[^/]*$/, '');
  return url.toString();
}

function query(params: Readonly<Record<string, string | number | undefined>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const enc = encodeURIComponent;

/** An answer of the read API: HTTP status and parsed JSON body (null when it was not JSON). */
export interface TransportAnswer {
  status: number;
  body: unknown;
}

/**
 * How the client reaches the read API: `fetch` from the page (the dashboard a runner serves), or
 * the desktop app's main process (the in-window dashboard). `path` is relative to the dashboard
 * root (`api/tasks?max=50`); a transport throws DashboardRequestError(0, ...) when nobody answers.
 */
export type DashboardTransport = (path: string, signal?: AbortSignal) => Promise<TransportAnswer>;

/** The transport of a page served by the runner: same-origin fetch. */
export function fetchTransport(base: string): DashboardTransport {
  return async (path, signal) => {
    let response: Response;
    try {
      response = await fetch(new URL(path, base), { signal, headers: { accept: 'application/json' } });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new DashboardRequestError(0, 'The Coin instance does not answer: is it running?');
    }
    return { status: response.status, body: await response.json().catch(() => null) };
  };
}

/** The read API of one runner. `base` is the dashboard's root URL, used for links (log download, docs). */
export class DashboardClient {
  constructor(
    readonly base: string,
    private readonly transport: DashboardTransport = fetchTransport(base),
  ) {}

  private async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const { status, body } = await this.transport(path, signal);
    const answer = body as (T & { error?: string }) | null;
    if (status >= 200 && status < 300 && answer) return answer;
    const why = answer?.error ?? `HTTP ${status}`;
    throw new DashboardRequestError(status, `The Coin instance refused the request: ${why}`);
  }

  /** A page of tasks, newest first. */
  tasks(filters: TaskFilters, start: number, max: number, signal?: AbortSignal): Promise<TaskPage> {
    return this.get(`api/tasks${query({ ...filters, start, max })}`, signal);
  }

  taskDetail(id: string, signal?: AbortSignal): Promise<TaskDetail> {
    return this.get(`api/taskDetail${query({ id })}`, signal);
  }

  async tests(workItemId: string, signal?: AbortSignal): Promise<TestResult[]> {
    return (await this.get<{ tests: TestResult[] }>(`api/workitems/${enc(workItemId)}/tests`, signal)).tests;
  }

  logLines(workItemId: string, from: number, count: number, signal?: AbortSignal): Promise<LogLines> {
    return this.get(`api/workitems/${enc(workItemId)}/log/lines${query({ from, count })}`, signal);
  }

  logTail(workItemId: string, count: number, signal?: AbortSignal): Promise<LogLines> {
    return this.get(`api/workitems/${enc(workItemId)}/log/lines${query({ tail: count, count })}`, signal);
  }

  logSearch(workItemId: string, text: string, signal?: AbortSignal): Promise<LogSearchResult> {
    return this.get(`api/workitems/${enc(workItemId)}/log/search${query({ q: text })}`, signal);
  }

  async logFirstError(workItemId: string): Promise<number | null> {
    return (await this.get<{ line: number | null }>(`api/workitems/${enc(workItemId)}/log/first-error`)).line;
  }

  /** Address of the raw log (for download). */
  rawLogUrl(workItemId: string): string {
    return new URL(`api/workitems/${enc(workItemId)}/log`, this.base).toString();
  }

  async agents(signal?: AbortSignal): Promise<Agent[]> {
    return (await this.get<{ agents: Agent[] }>('api/agents', signal)).agents;
  }

  hosts(signal?: AbortSignal): Promise<HostsReport> {
    return this.get('api/hosts', signal);
  }

  agentHistory(hours: number, points: number, signal?: AbortSignal): Promise<PoolHistory> {
    return this.get(`api/agents/history${query({ hours, points })}`, signal);
  }

  storage(signal?: AbortSignal): Promise<StorageReport> {
    return this.get('api/storage', signal);
  }

  storageHistory(hours: number, points: number, signal?: AbortSignal): Promise<StorageHistory> {
    return this.get(`api/storage/history${query({ hours, points })}`, signal);
  }

  /** Gerrit's side of the instance: its connection, the changes and whether Coin and Gerrit converge. */
  gerrit(signal?: AbortSignal): Promise<GerritApiAnswer> {
    return this.get('api/gerrit', signal);
  }

  /** The event WebSocket's address, replaying what came after `since`. */
  eventsUrl(since: number | undefined, logs: 'none' | 'all' = 'none'): string {
    const url = new URL(`websocket${query({ since, hello: 1, logs })}`, this.base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.toString();
  }

  /** The rendered documentation. */
  docsUrl(): string {
    return new URL('doc/', this.base).toString();
  }
}
