// A work area for running instructions in tests: real directories in a temp dir, a clean
// environment, a local artifact channel, and the log collected line by line.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ExecutionContext } from '../../../../runner/agent/execution-context';
import { executeInstructions, type ExecutionResult } from '../../../../runner/agent/instruction-executor';
import type { ExecuteOn, PlannedInstruction } from '../../../../runner/core/planned-instruction';
import { childEnv } from '../../../../runner/node/child-env';
import { LocalArtifactChannel } from '../../../helpers/local-artifact-channel';
import { makeTempDir, type TempDir } from '../../../helpers/temp-dir';

/** A temp work area with a context ready to run instructions in. */
export interface AgentWorkArea {
  readonly root: TempDir;
  readonly ctx: ExecutionContext;
  readonly lines: string[];
  readonly channel: LocalArtifactChannel;
  /** Run instructions in this area's context. */
  run(...instructions: PlannedInstruction[]): Promise<ExecutionResult>;
  /** An absolute path inside the area. */
  at(...parts: string[]): string;
}

/** Make a work area: source, build, install and agent directories under a fresh temp dir. */
export async function makeAgentWorkArea(
  sources: Record<string, string> = {},
  signal: AbortSignal = new AbortController().signal,
): Promise<AgentWorkArea> {
  const root = await makeTempDir('agent-');
  const at = (...parts: string[]) => path.join(root.path, ...parts);
  const dirs = {
    agentWorkingDir: at('work'),
    sourceDir: at('work', 'src'),
    buildDir: at('work', 'build'),
    installDir: at('work', 'install'),
    installRoot: at('work', 'install-root'),
  };
  await mkdir(dirs.sourceDir, { recursive: true });
  const lines: string[] = [];
  const channel = new LocalArtifactChannel(at('store'), sources);
  const ctx: ExecutionContext = {
    env: childEnv(),
    cwd: dirs.sourceDir,
    dirs,
    numCpu: 2,
    coinDownloadUrl: 'http://127.0.0.1:1/coin/download',
    artifacts: channel,
    signal,
    log: (line) => lines.push(line),
    uploaded: [],
  };
  return { root, ctx, lines, channel, at, run: (...list) => executeInstructions(list, ctx) };
}

/** A planned instruction of `type` with `fields`; `extra` sets the common fields. */
export function instruction(
  type: string,
  fields: Record<string, unknown> = {},
  extra: Partial<Omit<PlannedInstruction, 'type' | 'fields'>> & { executeOn?: ExecuteOn } = {},
): PlannedInstruction {
  return { type, at: `test.yaml:${type}`, fields, executeOn: 'success', ...extra };
}

/** A Group of instructions. */
export function group(
  children: PlannedInstruction[],
  extra: Partial<PlannedInstruction> = {},
): PlannedInstruction {
  return { ...instruction('Group', {}, extra), instructions: children };
}

/** An ExecuteCommand running `script` in sh. */
export function shell(
  script: string,
  extra: Partial<PlannedInstruction> = {},
  fields: Record<string, unknown> = {},
): PlannedInstruction {
  return instruction('ExecuteCommand', { command: ['sh', '-c', script], ...fields }, extra);
}
