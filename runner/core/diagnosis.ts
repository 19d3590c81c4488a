/**
 * A diagnosis of a running Coin runner taken without stopping it (`coin diagnose`, the app's
 * Diagnose action): the shapes gathered over the inspector, the grouping of a CPU profile into
 * stacks (busiest first) and the text people read. Pure: the collector in runner/node/diagnose
 * hands the values in.
 */

/** One frame of a stack, 1-based line and column as editors show them. */
export interface DiagnosisFrame {
  functionName: string;
  url: string;
  line: number;
  column: number;
}

/** A stack seen in the CPU profile and how much of the profile it took. */
export interface StackGroup {
  /** Innermost frame first. */
  frames: DiagnosisFrame[];
  samples: number;
  /** Share of all samples, 0..1. */
  share: number;
}

/** Where busy JavaScript was when paused; idle: the event loop turns, there is nothing to pause. */
export type PausedState =
  | {
      kind: 'running';
      frames: DiagnosisFrame[];
      asyncFrames: { description: string; frames: DiagnosisFrame[] }[];
    }
  | { kind: 'idle' };

/** The event loop as measured from outside: a turn, or none within the limit (blocked). */
export type LoopTurn = { kind: 'turned'; ms: number } | { kind: 'blocked'; limitMs: number };

/** Event-loop delay since the last diagnosis (perf_hooks.monitorEventLoopDelay in the runner). */
export interface LoopDelay {
  sinceMs: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** What the runner's own diagnostics hook says (runner/node/instance/diagnostics-hook.ts). */
export interface InstanceState {
  workingDir: string;
  startedAt: string;
  sqliteInTransaction: boolean;
  connectedAgents: string[];
  runningTasks: { id: string; project: string; branch: string }[];
  loopDelay: LoopDelay | null;
  /** How long ago the event loop last ran the hook's timer (seconds while a busy loop holds it). */
  lastTurnMsAgo: number;
}

/** The process as Runtime.evaluate sees it. */
export interface ProcessState {
  pid: number;
  node: string;
  uptimeSeconds: number;
  memory: { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
  /** process.getActiveResourcesInfo(): what keeps the loop alive (handles and requests). */
  activeResources: string[];
  instance: InstanceState | null;
}

/** Promises alive in the heap, and how many of those looked at are still pending. */
export interface PromiseCensus {
  total: number;
  inspected: number;
  pending: number;
}

/** Everything one diagnosis found. A step that failed leaves its field null and a line in `problems`. */
export interface Diagnosis {
  takenAt: string;
  pid: number;
  inspectorPort: number;
  process: ProcessState | null;
  loopTurn: LoopTurn | null;
  paused: PausedState | null;
  profile: { durationMs: number; samples: number; stacks: StackGroup[] } | null;
  promises: PromiseCensus | null;
  problems: string[];
}

/** The parts of a V8 CPU profile (Profiler.stop) the grouping reads. */
export interface CpuProfileLike {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  samples?: number[];
}

/** A V8 call frame (0-based positions) as a DiagnosisFrame. */
export function frameOf(callFrame: {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}): DiagnosisFrame {
  return {
    functionName: callFrame.functionName || '(anonymous)',
    url: callFrame.url,
    line: callFrame.lineNumber + 1,
    column: callFrame.columnNumber + 1,
  };
}

/**
 * The profile's samples grouped by their whole stack, busiest first (ties: the deeper stack
 * first, then by text). `(root)` is dropped; `(idle)`, `(program)` and `(garbage collector)` stay
 * as one-frame stacks, so an idle runner shows as mostly `(idle)`.
 */
export function busiestStacks(profile: CpuProfileLike, limit = 10): StackGroup[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const counts = new Map<number, number>();
  for (const id of profile.samples ?? []) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples?.length ?? 0;
  const groups = new Map<string, StackGroup>();
  for (const [leaf, samples] of counts) {
    const frames: DiagnosisFrame[] = [];
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id);
      if (node && node.callFrame.functionName !== '(root)') frames.push(frameOf(node.callFrame));
    }
    const key = frames.map(frameText).join('\n');
    const group = groups.get(key) ?? { frames, samples: 0, share: 0 };
    group.samples += samples;
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((group) => ({ ...group, share: total ? group.samples / total : 0 }))
    .sort(
      (a, b) =>
        b.samples - a.samples || b.frames.length - a.frames.length || stackKey(a).localeCompare(stackKey(b)),
    )
    .slice(0, limit);
}

function stackKey(group: StackGroup): string {
  return group.frames.map(frameText).join('\n');
}

/** `fn (file:line:column)`, the way Node prints a stack line. */
export function frameText(frame: DiagnosisFrame): string {
  return frame.url
    ? `${frame.functionName} (${frame.url}:${frame.line}:${frame.column})`
    : frame.functionName;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/** Equal names counted: `Timeout x3, TCPServerWrap`. */
export function countedNames(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const parts = [...counts].map(([name, n]) => (n > 1 ? `${name} x${n}` : name));
  return parts.length ? parts.join(', ') : 'none';
}

/** One line: is the runner busy in JavaScript, waiting, or healthy? */
export function diagnosisVerdict(d: Diagnosis): string {
  if (d.loopTurn?.kind === 'blocked')
    return `BLOCKED: the event loop did not turn within ${d.loopTurn.limitMs} ms; JavaScript is busy (see the stacks below)`;
  if (!d.loopTurn)
    return 'UNKNOWN: the runner did not answer through its inspector (it may be blocked in native code)';
  const p = d.promises;
  const pending = !p
    ? ''
    : p.inspected < p.total
      ? `${p.pending} of ${p.inspected} promises looked at are pending; `
      : `${p.pending} pending promise(s); `;
  const turned = ` (a turn took ${d.loopTurn.ms.toFixed(1)} ms)`;
  return `idle: no JavaScript was running and the event loop turns${turned}; ${pending}it waits on: ${countedNames(d.process?.activeResources ?? [])}`;
}

function processLines(p: ProcessState): string[] {
  const m = p.memory;
  return [
    `Node ${p.node}, pid ${p.pid}, up ${Math.round(p.uptimeSeconds)} s`,
    `memory: rss ${mib(m.rss)}, heap ${mib(m.heapUsed)} of ${mib(m.heapTotal)}, external ${mib(m.external)}, array buffers ${mib(m.arrayBuffers)}`,
    `active handles and requests: ${countedNames(p.activeResources)}`,
  ];
}

function instanceLines(i: InstanceState | null): string[] {
  if (!i) return ['instance: no diagnostics hook (not a coin runner, or one older than coin diagnose)'];
  const delay = i.loopDelay;
  return [
    `instance: ${i.workingDir}, started ${i.startedAt}`,
    `event loop last turned ${i.lastTurnMsAgo} ms ago`,
    `SQLite: ${i.sqliteInTransaction ? 'a transaction is OPEN' : 'no open transaction'}`,
    `agents connected: ${i.connectedAgents.length ? i.connectedAgents.join(', ') : 'none'}`,
    `tasks running: ${i.runningTasks.length ? i.runningTasks.map((t) => `${t.id} (${t.project} ${t.branch})`).join(', ') : 'none'}`,
    delay
      ? `event-loop delay of the turns over the last ${Math.round(delay.sinceMs / 1000)} s: mean ${delay.meanMs.toFixed(1)} ms, p50 ${delay.p50Ms.toFixed(1)} ms, p99 ${delay.p99Ms.toFixed(1)} ms, max ${delay.maxMs.toFixed(1)} ms`
      : 'event-loop delay: not measured',
  ];
}

function pausedLines(p: PausedState): string[] {
  if (p.kind === 'idle')
    return [
      'not paused: the event loop turns, so no JavaScript holds it (the runner waits on what is listed above)',
    ];
  const lines = p.frames.map((f) => `    at ${frameText(f)}`);
  for (const chunk of p.asyncFrames)
    lines.push(
      `  -- ${chunk.description || 'async'} --`,
      ...chunk.frames.map((f) => `    at ${frameText(f)}`),
    );
  return ['paused at:', ...lines];
}

function profileLines(profile: NonNullable<Diagnosis['profile']>): string[] {
  const lines = [
    `CPU profile: ${profile.samples} samples over ${profile.durationMs} ms, busiest stacks first`,
  ];
  profile.stacks.forEach((group, index) => {
    lines.push(`#${index + 1} ${(group.share * 100).toFixed(1)}% (${group.samples} samples)`);
    lines.push(...group.frames.slice(0, 12).map((f) => `    at ${frameText(f)}`));
    if (group.frames.length > 12) lines.push(`    ... ${group.frames.length - 12} more frames`);
  });
  return lines;
}

/** The diagnosis as text for people: verdict, process, instance, where it was, busiest stacks. */
export function formatDiagnosis(d: Diagnosis): string {
  const sections: string[][] = [
    [
      `Diagnosis of pid ${d.pid} at ${d.takenAt} (inspector on 127.0.0.1:${d.inspectorPort})`,
      diagnosisVerdict(d),
    ],
  ];
  if (d.process) sections.push([...processLines(d.process), ...instanceLines(d.process.instance)]);
  if (d.promises)
    sections.push([
      `promises in the heap: ${d.promises.total}; of ${d.promises.inspected} inspected, ${d.promises.pending} pending`,
    ]);
  if (d.paused) sections.push(pausedLines(d.paused));
  if (d.profile) sections.push(profileLines(d.profile));
  if (d.problems.length) sections.push(['not gathered:', ...d.problems.map((p) => `  ${p}`)]);
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}
