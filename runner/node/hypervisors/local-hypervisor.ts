/**
 * The local hypervisor: agents are processes on this machine, each with its own directory under
 * DIR/agents/<id> (its record and its work areas). Records on disk let a restarted instance find
 * and kill agents a crashed run left behind.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AgentHandle, AgentLaunch, Hypervisor, HypervisorHost } from '../../core/hypervisor';
import { childEnv } from '../child-env';

/**
 * How to start the agent program: argv before the agent's own flags, or the promise of it (a
 * checkout's agent file is still being made while the instance starts: checkout-agent.ts).
 */
export type AgentCommand = readonly string[] | Promise<readonly string[]>;

export interface LocalHypervisorOptions {
  /** The instance's working directory; agents live under DIR/agents. */
  workingDir: string;
  agentCommand: AgentCommand;
  /** Agents allowed at once (defaults to the core count). */
  capacity: number;
  /** Where agent output that is not part of a work item goes (the instance log). */
  onAgentOutput?(agentId: string, line: string): void;
}

interface AgentRecord extends AgentHandle {
  /** Marker in the command line, so a reused pid of another program is never killed. */
  marker: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when `pid` is alive and its command line carries `marker` (Linux: /proc; elsewhere: alive). */
async function isOurAgent(pid: number, marker: string): Promise<boolean> {
  if (!isAlive(pid)) return false;
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes(marker);
  } catch {
    return process.platform !== 'linux';
  }
}

async function killAndWait(pid: number): Promise<void> {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone after SIGTERM
  }
}

/** Agents as local processes. */
export class LocalHypervisor implements Hypervisor {
  readonly name = 'local' as const;
  private readonly agentsDir: string;
  /** The agent command once known (see startAgent). */
  private command: readonly string[] | undefined;

  constructor(private readonly options: LocalHypervisorOptions) {
    this.agentsDir = path.join(options.workingDir, 'agents');
    const command = options.agentCommand;
    if (Array.isArray(command)) this.command = command as readonly string[];
    else
      void (command as Promise<readonly string[]>).then(
        (argv) => (this.command = argv),
        () => undefined,
      );
  }

  /**
   * Starts the agent process in the same turn as the call when its command is known: the first
   * work items of a task all ask for agents at once, and an `await` (an asynchronous mkdir, the
   * command's promise) put each process start behind all of their bookkeeping (16 to 30 ms in a
   * task of 200 items), while a new agent's own start (about 80 ms) could already be under way.
   */
  async startAgent(launch: AgentLaunch): Promise<AgentHandle> {
    const dir = path.join(this.agentsDir, launch.agentId);
    mkdirSync(path.join(dir, 'work'), { recursive: true });
    const marker = `--agent-id=${launch.agentId}`;
    const argv = [
      ...(this.command ?? (await this.options.agentCommand)),
      '--master',
      launch.masterUrl,
      '--agent-id',
      launch.agentId,
    ];
    const child = spawn(argv[0]!, [...argv.slice(1), '--work-root', path.join(dir, 'work'), marker], {
      env: childEnv({ COIN_AGENT_TOKEN: launch.token }),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        for (const line of chunk.split('\n').filter(Boolean))
          this.options.onAgentOutput?.(launch.agentId, line);
      });
    }
    const record: AgentRecord = {
      id: launch.agentId,
      host: os.hostname(),
      pid: child.pid ?? null,
      startedAt: new Date().toISOString(),
      marker,
    };
    await writeFile(path.join(dir, 'agent.json'), JSON.stringify(record));
    child.on('exit', () => void rm(dir, { recursive: true, force: true }).catch(() => undefined));
    return record;
  }

  private async records(): Promise<AgentRecord[]> {
    const names = await readdir(this.agentsDir).catch(() => [] as string[]);
    const records = await Promise.all(
      names.map((name) =>
        readFile(path.join(this.agentsDir, name, 'agent.json'), 'utf8')
          .then((text) => JSON.parse(text) as AgentRecord)
          .catch(
            () => ({ id: name, host: os.hostname(), pid: null, startedAt: '', marker: '' }) as AgentRecord,
          ),
      ),
    );
    return records;
  }

  async listAgents(): Promise<AgentHandle[]> {
    const alive = [];
    for (const record of await this.records()) {
      if (record.pid !== null && (await isOurAgent(record.pid, record.marker))) alive.push(record);
    }
    return alive;
  }

  async stopAgent(id: string): Promise<void> {
    const record = (await this.records()).find((r) => r.id === id);
    if (record?.pid && (await isOurAgent(record.pid, record.marker))) await killAndWait(record.pid);
    await rm(path.join(this.agentsDir, id), { recursive: true, force: true });
  }

  async cleanupLeaked(): Promise<number> {
    const records = await this.records();
    for (const record of records) await this.stopAgent(record.id);
    return records.length;
  }

  async hosts(): Promise<HypervisorHost[]> {
    const agents = (await this.listAgents()).length;
    return [{ name: os.hostname(), state: 'on', agents, capacity: this.options.capacity }];
  }
}
