/**
 * The instance's side of the agent protocol: connected agents, the work item each runs, and
 * the results and log lines they send. Transport-free: the server hands it each socket.
 */
import { decodeOutputFrame } from '../../core/agent-output-frame';
import {
  fromAgentSchema,
  type FromAgent,
  toAgentSchema,
  type ResultMessage,
  type RunMessage,
  type ToAgent,
  warmUpSchemas,
} from '../../core/agent-protocol';

/** What the hub needs of a WebSocket. */
export interface AgentSocket {
  send(text: string): void;
  close(code?: number, reason?: string): void;
  on(event: 'message', listener: (data: unknown, isBinary?: boolean) => void): void;
  on(event: 'close', listener: () => void): void;
}

export interface AgentHubEvents {
  /** An agent said hello. */
  connected(agentId: string, info: { pid: number; host: string }): void;
  /** An agent's connection ended (it exited, crashed, or was stopped). */
  disconnected(agentId: string): void;
  log(workItemId: string, lines: readonly string[]): void;
  /**
   * Raw output of a work item (binary frames: agent-output-frame.ts); `frame` is the whole
   * message the agent sent, which viewers get as it is.
   */
  output?(workItemId: string, bytes: Buffer, frame: Buffer): void;
  /** The log file the agent writes itself (the run message's `logFile`) is `size` bytes now. */
  grown?(workItemId: string, size: number): void;
}

interface Connected {
  socket: AgentSocket;
  running?: { workItemId: string; resolve(result: ResultMessage): void };
}

/** Why a work item ended without a result from its agent. */
function lostAgentResult(workItemId: string, agentId: string): ResultMessage {
  return {
    type: 'result',
    workItemId,
    passed: false,
    failure: {
      kind: 'system',
      message: `agent ${agentId} disconnected while running the work item`,
      at: null,
    },
    uploaded: [],
    testResults: [],
  };
}

/** Tracks agents and dispatches work items to them. */
export class AgentHub {
  private readonly agents = new Map<string, Connected>();
  private readonly waiters = new Map<string, (ok: boolean) => void>();

  constructor(private readonly events: AgentHubEvents) {
    warmUpSchemas();
  }

  /** Take over a freshly opened agent socket; it must say hello first. */
  accept(socket: AgentSocket): void {
    let agentId: string | undefined;
    socket.on('message', (data, isBinary) => {
      if (isBinary) return this.onOutput(agentId, data);
      const message = parseFromAgent(String(data));
      if (!message) return socket.close(1008, 'invalid message');
      if (message.type === 'hello') {
        agentId = message.agentId;
        this.agents.set(agentId, { socket });
        this.events.connected(agentId, { pid: message.pid, host: message.host });
        this.waiters.get(agentId)?.(true);
      } else if (agentId) this.onMessage(agentId, message);
    });
    socket.on('close', () => agentId !== undefined && this.onClose(agentId));
  }

  private onMessage(
    agentId: string,
    message: Exclude<ReturnType<typeof fromAgentSchema.parse>, { type: 'hello' }>,
  ): void {
    const agent = this.agents.get(agentId);
    if (message.type === 'log') this.events.log(message.workItemId, message.lines);
    else if (agent?.running?.workItemId !== message.workItemId) return;
    else if (message.type === 'grown') this.events.grown?.(message.workItemId, message.size);
    else {
      // the log's last growth comes with the result: heard first, as a report sent before it was
      if (message.logSize !== undefined) this.events.grown?.(message.workItemId, message.logSize);
      const { resolve } = agent.running;
      agent.running = undefined;
      resolve(message);
    }
  }

  /** A binary frame: output of a work item, from an agent that said hello. */
  private onOutput(agentId: string | undefined, data: unknown): void {
    const frame = agentId && Buffer.isBuffer(data) ? decodeOutputFrame(data) : undefined;
    if (frame) this.events.output?.(frame.workItemId, frame.bytes, data as Buffer);
  }

  private onClose(agentId: string): void {
    const agent = this.agents.get(agentId);
    this.agents.delete(agentId);
    if (agent?.running) agent.running.resolve(lostAgentResult(agent.running.workItemId, agentId));
    this.waiters.get(agentId)?.(false);
    this.events.disconnected(agentId);
  }

  /** Resolves true once `agentId` said hello, false if it does not within `timeoutMs`. */
  waitForAgent(agentId: string, timeoutMs: number): Promise<boolean> {
    if (this.agents.has(agentId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), timeoutMs);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(agentId);
        resolve(ok);
      };
      this.waiters.set(agentId, done);
    });
  }

  /** Send a work item to an idle agent; resolves with its result (a system failure if the agent is lost). */
  run(agentId: string, message: RunMessage): Promise<ResultMessage> {
    const agent = this.agents.get(agentId);
    if (!agent) return Promise.resolve(lostAgentResult(message.workItemId, agentId));
    if (agent.running) throw new Error(`agent ${agentId} is already running ${agent.running.workItemId}`);
    return new Promise((resolve) => {
      agent.running = { workItemId: message.workItemId, resolve };
      this.send(agent, message);
    });
  }

  /** Ask the agent to stop the work item: SIGTERM to its commands, SIGKILL after `graceMs`. */
  cancel(agentId: string, workItemId: string, graceMs: number): void {
    const agent = this.agents.get(agentId);
    if (agent?.running?.workItemId === workItemId) this.send(agent, { type: 'cancel', workItemId, graceMs });
  }

  /** Ask every agent to exit (shutdown of the instance). */
  shutdownAll(): void {
    for (const agent of this.agents.values()) this.send(agent, { type: 'shutdown' });
  }

  connectedIds(): string[] {
    return [...this.agents.keys()];
  }

  private send(agent: Connected, message: ToAgent): void {
    agent.socket.send(JSON.stringify(toAgentSchema.parse(message)));
  }
}

/** A log batch checked by hand: it is by far the most frequent message, and zod is slow on 1,000-line arrays. */
function isLogMessage(value: unknown): value is Extract<FromAgent, { type: 'log' }> {
  const v = value as { type?: unknown; workItemId?: unknown; lines?: unknown };
  return (
    v?.type === 'log' &&
    typeof v.workItemId === 'string' &&
    Array.isArray(v.lines) &&
    v.lines.length <= 10_000 &&
    v.lines.every((line) => typeof line === 'string')
  );
}

/** An agent message, validated; undefined when it is not one. */
function parseFromAgent(text: string): FromAgent | undefined {
  const value = safeJson(text);
  if (isLogMessage(value)) return value;
  const parsed = fromAgentSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
