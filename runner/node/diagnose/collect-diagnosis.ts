/**
 * Takes a diagnosis over an open inspector session, then leaves the process as it was: the
 * debugger and profiler disabled, the process resumed, and the inspector closed again when we
 * opened it. Each step that fails is noted and the rest still run (a busy loop answers
 * Runtime.evaluate but never turns the event loop; a hung await never pauses).
 */
import {
  busiestStacks,
  frameOf,
  type CpuProfileLike,
  type Diagnosis,
  type LoopTurn,
  type PausedState,
  type ProcessState,
  type PromiseCensus,
} from '../../core/diagnosis';
import { CdpError, CdpSession } from './cdp-session';
import type { InspectorEndpoint } from './inspector-port';

/** How long each part of the diagnosis may take. */
export interface DiagnoseTiming {
  /** CPU profile length; default 2000 ms. */
  profileMs: number;
  /** How long the event loop may take to turn before it counts as blocked; default 1000 ms. */
  loopTurnLimitMs: number;
  /** How long to wait for busy JavaScript to pause; default 2000 ms. */
  pauseWaitMs: number;
}

export const defaultDiagnoseTiming: DiagnoseTiming = {
  profileMs: 2000,
  loopTurnLimitMs: 1000,
  pauseWaitMs: 2000,
};

// Runs in the diagnosed process; `require` comes from the inspector's command-line API.
const processStateExpression = `(() => {
  const hook = globalThis.__coinDiagnostics;
  return {
    pid: process.pid,
    node: process.version,
    uptimeSeconds: process.uptime(),
    memory: process.memoryUsage(),
    activeResources: process.getActiveResourcesInfo(),
    instance: typeof hook === 'function' ? hook() : null,
  };
})()`;

const loopTurnExpression = `new Promise((resolve) => {
  const start = process.hrtime.bigint();
  setImmediate(() => resolve(Number(process.hrtime.bigint() - start) / 1e6));
})`;

interface RemoteValue<T> {
  result: { value?: T; objectId?: string; description?: string };
  exceptionDetails?: { text: string; exception?: { description?: string } };
}

async function evaluate<T>(
  session: CdpSession,
  expression: string,
  extra: object = {},
  timeoutMs = 5000,
): Promise<T> {
  const answer = await session.send<RemoteValue<T>>(
    'Runtime.evaluate',
    { expression, returnByValue: true, includeCommandLineAPI: true, ...extra },
    timeoutMs,
  );
  if (answer.exceptionDetails)
    throw new CdpError(answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text);
  return answer.result.value as T;
}

async function loopTurn(session: CdpSession, limitMs: number): Promise<LoopTurn> {
  try {
    const ms = await evaluate<number>(session, loopTurnExpression, { awaitPromise: true }, limitMs);
    return { kind: 'turned', ms };
  } catch (error) {
    if (error instanceof CdpError && error.timedOut) return { kind: 'blocked', limitMs };
    throw error;
  }
}

async function cpuProfile(session: CdpSession, ms: number): Promise<NonNullable<Diagnosis['profile']>> {
  await session.send('Profiler.enable');
  try {
    await session.send('Profiler.setSamplingInterval', { interval: 1000 });
    await session.send('Profiler.start');
    await new Promise((resolve) => setTimeout(resolve, ms));
    const { profile } = await session.send<{ profile: CpuProfileLike }>('Profiler.stop');
    return { durationMs: ms, samples: profile.samples?.length ?? 0, stacks: busiestStacks(profile) };
  } finally {
    await session.send('Profiler.disable').catch(() => undefined);
  }
}

type V8Frame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type V8AsyncTrace = { description?: string; callFrames: V8Frame[]; parent?: V8AsyncTrace };
type PausedEvent = {
  callFrames: {
    functionName: string;
    url?: string;
    location: { scriptId: string; lineNumber: number; columnNumber: number };
  }[];
  asyncStackTrace?: V8AsyncTrace;
};

function asyncChunks(
  trace: V8AsyncTrace | undefined,
): { description: string; frames: ReturnType<typeof frameOf>[] }[] {
  const chunks = [];
  for (let t = trace; t; t = t.parent)
    chunks.push({ description: t.description ?? '', frames: t.callFrames.map(frameOf) });
  return chunks;
}

// Debugger.pause stops a busy loop at once (asked only when the loop is blocked).
async function pausedState(session: CdpSession, waitMs: number): Promise<PausedState> {
  // Paused frames name their script by id; Debugger.enable announces every script with its URL.
  const urls = new Map<string, string>();
  const stop = session.on<{ scriptId: string; url: string }>('Debugger.scriptParsed', (s) =>
    urls.set(s.scriptId, s.url),
  );
  await session.send('Debugger.enable', {}, 15_000);
  stop();
  try {
    await session.send('Debugger.setAsyncCallStackDepth', { maxDepth: 16 });
    const paused = session.once<PausedEvent>('Debugger.paused', waitMs);
    await session.send('Debugger.pause');
    const event = await paused;
    if (!event) throw new CdpError(`JavaScript did not pause within ${waitMs} ms`);
    await session.send('Debugger.resume');
    return {
      kind: 'running',
      frames: event.callFrames.map((f) =>
        frameOf({ ...f, ...f.location, url: f.url || urls.get(f.location.scriptId) || '' }),
      ),
      asyncFrames: asyncChunks(event.asyncStackTrace),
    };
  } finally {
    await session.send('Debugger.disable').catch(() => undefined);
  }
}

type Property = { name: string; value?: { objectId?: string; value?: unknown } };

// Every Promise in the heap (Runtime.queryObjects), and the state of up to `limit` of them (one round trip each).
async function promiseCensus(session: CdpSession, limit = 1000): Promise<PromiseCensus> {
  const group = 'coin-diagnose';
  try {
    const proto = await session.send<RemoteValue<never>>('Runtime.evaluate', {
      expression: 'Promise.prototype',
      objectGroup: group,
    });
    const { objects } = await session.send<{ objects: { objectId: string } }>(
      'Runtime.queryObjects',
      { prototypeObjectId: proto.result.objectId, objectGroup: group },
      10_000,
    );
    const { result } = await session.send<{ result: Property[] }>('Runtime.getProperties', {
      objectId: objects.objectId,
      ownProperties: true,
    });
    const items = result.filter((p) => /^\d+$/.test(p.name) && p.value?.objectId);
    let pending = 0;
    for (const item of items.slice(0, limit)) {
      const props = await session.send<{ internalProperties?: Property[] }>('Runtime.getProperties', {
        objectId: item.value!.objectId,
        ownProperties: true,
      });
      if (props.internalProperties?.find((p) => p.name === '[[PromiseState]]')?.value?.value === 'pending')
        pending++;
    }
    return { total: items.length, inspected: Math.min(items.length, limit), pending };
  } finally {
    await session.send('Runtime.releaseObjectGroup', { objectGroup: group }).catch(() => undefined);
  }
}

// Closing the inspector while a connection to it is still closing crashes Node 20 (SIGSEGV in the
// inspector's I/O thread, WsHandler::OnCloseFrameWritten, while the main thread tears it down in
// Agent::Stop; about 1 in 25 diagnoses of a runner under load). So the process waits until its inspector
// port has no connection left that is open or still closing (read from /proc/net/tcp*; where there is
// no /proc, for 1 s) before it closes. A connection that stays (somebody else's debugger) leaves the
// inspector open after 30 s, said on stderr, rather than risk the crash.
// SIGUSR1 also asks Node to open the inspector twice: at once (an interrupt, which is what answers
// a busy loop) and again on the event loop's next turn. The close itself runs in a setImmediate,
// after that turn's second request found the inspector open, so it does not open again.
const closeInspectorExpression = `(() => {
  const inspector = require('node:inspector');
  const fs = require('node:fs');
  const url = inspector.url();
  if (!url) return;
  const port = Number(new URL(url).port).toString(16).toUpperCase().padStart(4, '0');
  const gone = new Set(['0A', '06', '05', '07']); // listening, time-wait, fin-wait-2, closed
  const connected = () => {
    let seen = false;
    for (const file of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
      let text;
      try { text = fs.readFileSync(file, 'utf8'); } catch { continue; }
      seen = true;
      for (const line of text.split('\\n').slice(1)) {
        const fields = line.trim().split(/\\s+/);
        if (fields.length > 3 && fields[1].endsWith(':' + port) && !gone.has(fields[3])) return true;
      }
    }
    return seen ? false : null;
  };
  const started = Date.now();
  let quietSince = started;
  const tick = () => {
    const now = Date.now();
    const state = connected();
    if (state === true) quietSince = now;
    // Without /proc nothing can be seen: 1 s after the request. Else 200 ms without a connection.
    const quiet = state === null ? now - started >= 1000 : state === false && now - quietSince >= 200;
    if (quiet) return setImmediate(() => inspector.close());
    if (now - started > 30000) {
      process.stderr.write('coin diagnose: the inspector stays open on ' + url + ': a debugger is still connected to it\\n');
      return;
    }
    setTimeout(tick, 50).unref();
  };
  setTimeout(tick, 50).unref();
})()`;

/** Runs `step`, noting its failure as `what: message` instead of ending the diagnosis. */
async function attempt<T>(problems: string[], what: string, step: () => Promise<T>): Promise<T | null> {
  try {
    return await step();
  } catch (error) {
    problems.push(`${what}: ${(error as Error).message}`);
    return null;
  }
}

/**
 * A diagnosis of the process behind `endpoint`. Checks first that the inspector belongs to `pid`.
 * Ends by closing the inspector when `endpoint.openedByUs` (inspector.close() in the process, on
 * its next turn; it returns once we hang up, so it is sent without waiting).
 */
export async function collectDiagnosis(
  pid: number,
  endpoint: InspectorEndpoint,
  timing: DiagnoseTiming = defaultDiagnoseTiming,
): Promise<Diagnosis> {
  const session = await CdpSession.open(endpoint.webSocketUrl);
  const problems: string[] = [];
  try {
    const proc = await attempt(problems, 'process state', () =>
      evaluate<ProcessState>(session, processStateExpression),
    );
    if (proc && proc.pid !== pid)
      throw new Error(
        `the inspector on port ${endpoint.port} belongs to process ${proc.pid}, not ${pid}: nothing was done`,
      );
    const turn = await attempt(problems, 'event-loop turn', () => loopTurn(session, timing.loopTurnLimitMs));
    const profile = await attempt(problems, 'CPU profile', () => cpuProfile(session, timing.profileMs));
    const blocked = turn?.kind === 'blocked';
    // Pausing only helps when JavaScript holds the loop; asked while idle, Node 20 can abort.
    const paused: PausedState | null =
      blocked && proc
        ? await attempt(problems, 'pause', () => pausedState(session, timing.pauseWaitMs))
        : { kind: 'idle' };
    // Counting promises walks the heap on the main thread: skipped while JavaScript is busy.
    const promises = blocked ? null : await attempt(problems, 'promises', () => promiseCensus(session));
    const takenAt = new Date().toISOString();
    return {
      takenAt,
      pid,
      inspectorPort: endpoint.port,
      process: proc,
      loopTurn: turn,
      paused,
      profile,
      promises,
      problems,
    };
  } finally {
    if (endpoint.openedByUs)
      session.post('Runtime.evaluate', { expression: closeInspectorExpression, includeCommandLineAPI: true });
    await session.close();
  }
}
