/**
 * The agent program: connects to its instance's WebSocket, says hello, runs the work items it is
 * sent one at a time, streams their output, reports results, and exits on shutdown or when the
 * instance goes away. The same program runs as a local process or inside a VM.
 */
import WebSocket from 'ws';
import {
  agentPaths,
  agentTokenHeader,
  maxAgentMessageBytes,
  toAgentSchema,
  warmUpSchemas,
  type FromAgent,
  type RunMessage,
} from '../core/agent-protocol';
import { GracefulStop, killAllCommands } from './run-command';
import { outputFrameHead } from '../core/agent-output-frame';
import { LogFileSink } from './log-file-sink';
import { OutputBatcher } from './output-chunks';
import { agentHostName, runWorkItem } from './work-item-runner';

export interface AgentOptions {
  /** The instance's base URL, e.g. http://127.0.0.1:8080/coin */
  masterUrl: string;
  agentId: string;
  token: string;
  workRoot: string;
}

/** Send a message; its type is checked at compile time (the instance validates what it receives). */
function send(socket: WebSocket, message: FromAgent): void {
  socket.send(JSON.stringify(message));
}

async function handleRun(
  socket: WebSocket,
  options: AgentOptions,
  message: RunMessage,
  signal: AbortSignal,
): Promise<void> {
  const { workItemId } = message;
  // On the instance's machine the agent writes the log file itself and reports its size.
  const sink = logFileSink(message, (size) => send(socket, { type: 'grown', workItemId, size }));
  // Elsewhere the agent's own lines and its commands' output share one byte stream, in order.
  const batcher = sink
    ? undefined
    : new OutputBatcher((frame) => socket.send(frame), 1 << 20, outputFrameHead(workItemId));
  await runWorkItem({
    message,
    master: { baseUrl: options.masterUrl, token: options.token },
    workRoot: options.workRoot,
    log: (line) => (sink ? sink.line(line) : batcher!.line(line)),
    output: (bytes) => (sink ? sink.write(bytes) : batcher!.push(bytes)),
    direct: sink,
    signal,
    ended(result) {
      batcher?.flush();
      if (!sink) return send(socket, result);
      // the final size goes with the result instead of a report of its own
      const logSize = sink.close({ report: false });
      send(socket, { ...sink.verdict(result), logSize });
    },
  });
}

/** The run message's log file opened for appending; none (the bytes are sent) when it cannot be. */
function logFileSink(message: RunMessage, report: (size: number) => void): LogFileSink | undefined {
  if (!message.logFile) return undefined;
  try {
    return new LogFileSink(message.logFile, report);
  } catch {
    return undefined;
  }
}

/**
 * A WebSocket client masks what it sends (RFC 6455 section 5.3) so that a script in a browser
 * cannot put chosen bytes on the wire of a proxy between it and the server. An agent on the
 * instance's own machine talks over loopback, where no proxy can sit: its key is all zeros, which
 * `ws` treats as "no XOR" on both ends. That saves two passes over every byte of output (about
 * 0.7 s of CPU for 50 MB, measured). Agents that reach the instance over a network mask as usual.
 */
function loopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const unmasked = (mask: Buffer) => mask.fill(0);

/** Run the agent until the instance tells it to stop or the connection ends. */
export function runAgent(options: AgentOptions): Promise<void> {
  const url = options.masterUrl.replace(/^http/, 'ws') + agentPaths.socket;
  const socket = new WebSocket(url, {
    headers: { [agentTokenHeader]: options.token },
    maxPayload: maxAgentMessageBytes,
    generateMask: loopback(url) ? unmasked : undefined,
  });
  // while the connection is being made, not in the first work item
  warmUpSchemas();
  let current: AbortController | undefined;
  let queue = Promise.resolve();
  // Commands run in process groups of their own: stopping the agent must not leave them behind.
  process.once('SIGTERM', () => {
    killAllCommands();
    process.exit(143);
  });
  return new Promise((resolve, reject) => {
    socket.on('open', () =>
      send(socket, {
        type: 'hello',
        agentId: options.agentId,
        pid: process.pid,
        host: agentHostName(),
        protocol: 1,
      }),
    );
    socket.on('message', (data) => {
      const message = toAgentSchema.parse(JSON.parse(String(data)));
      if (message.type === 'shutdown') socket.close(1000, 'shutdown');
      else if (message.type === 'cancel') current?.abort(new GracefulStop(message.graceMs));
      else {
        queue = queue.then(() => {
          current = new AbortController();
          return handleRun(socket, options, message, current.signal);
        });
      }
    });
    socket.on('close', () => {
      current?.abort();
      void queue.then(() => resolve());
    });
    socket.on('error', reject);
  });
}

/** Options from the command line (`--master URL --agent-id ID --work-root DIR`) and COIN_AGENT_TOKEN. */
export function agentOptionsFrom(argv: readonly string[], env: NodeJS.ProcessEnv): AgentOptions {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    const found = at >= 0 ? argv[at + 1] : undefined;
    if (!found) throw new Error(`coin agent: ${flag} is required`);
    return found;
  };
  const token = env.COIN_AGENT_TOKEN;
  if (!token) throw new Error('coin agent: COIN_AGENT_TOKEN is not set');
  return {
    masterUrl: value('--master'),
    agentId: value('--agent-id'),
    workRoot: value('--work-root'),
    token,
  };
}
