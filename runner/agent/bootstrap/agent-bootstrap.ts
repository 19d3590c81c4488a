/**
 * `coin agent-bootstrap`: what a VM image runs at boot (from its template's START_SCRIPT) to
 * become an agent of the instance that started it. It reads the instance's URL, the agent token
 * and the agent id from the VM's context file, downloads the agent program from that instance
 * with the token, checks it against the SHA-256 the instance publishes, and runs it; the agent
 * then connects as every agent does (agent-main.ts). The image carries no Coin code of its own
 * that could go stale: the agent always matches the instance. Node built-ins only, so the
 * bootstrap stays small enough to inline into a START_SCRIPT (agent-bootstrap-script.ts).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  agentBundleChecksumHeader,
  agentBundleFileName,
  agentBundlePaths,
  agentTokenHeader,
  parseChecksumLine,
} from '../../core/agent-bundle';
import { childEnv } from '../../node/child-env';
import { BootstrapError, type AgentContext } from './agent-context';

export interface BootstrapOptions {
  /** Where the agent program is saved and its work areas go (`<workRoot>/work`). */
  workRoot: string;
  /** Lines for the VM's log (stderr). */
  log(line: string): void;
}

async function get(context: AgentContext, urlPath: string): Promise<Response> {
  const url = context.masterUrl + urlPath;
  let response: Response;
  try {
    response = await fetch(url, { headers: { [agentTokenHeader]: context.token } });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new BootstrapError(`cannot reach the instance at ${context.masterUrl}: ${cause}`);
  }
  if (response.status === 403)
    throw new BootstrapError(
      `the instance at ${context.masterUrl} refused the agent token of ${context.file} (403): it is not this instance's token (was the instance restarted since the VM was made?)`,
    );
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    const why = /"error":"([^"]*)"/.exec(text)?.[1] ?? text.slice(0, 200);
    throw new BootstrapError(`GET ${url} answered ${response.status}${why ? `: ${why}` : ''}`);
  }
  return response;
}

/** The agent program from the instance, checked against the SHA-256 it publishes. */
export async function downloadAgentBundle(context: AgentContext): Promise<{ bytes: Buffer; sha256: string }> {
  const line = await (await get(context, agentBundlePaths.checksum)).text();
  const expected = parseChecksumLine(line);
  if (!expected)
    throw new BootstrapError(
      `the instance at ${context.masterUrl} sent no SHA-256 for the agent (got '${line.slice(0, 80)}')`,
    );
  const response = await get(context, agentBundlePaths.bundle);
  const bytes = Buffer.from(await response.arrayBuffer());
  const actual = createHash('sha256').update(bytes).digest('hex');
  const announced = response.headers.get(agentBundleChecksumHeader)?.toLowerCase();
  if (actual !== expected || (announced !== undefined && announced !== expected))
    throw new BootstrapError(
      `the agent downloaded from ${context.masterUrl} does not match its SHA-256 (expected ${expected}, got ${actual}): not started`,
    );
  return { bytes, sha256: actual };
}

/** Save the program next to the work areas (written whole, then renamed, so it is never half there). */
async function saveBundle(workRoot: string, bytes: Buffer): Promise<string> {
  await mkdir(path.join(workRoot, 'work'), { recursive: true, mode: 0o700 });
  const file = path.join(workRoot, agentBundleFileName);
  await writeFile(`${file}.part`, bytes, { mode: 0o600 });
  await rename(`${file}.part`, file);
  return file;
}

/** Run the agent program until it ends; SIGTERM/SIGINT are passed on. Resolves to its exit code. */
function runAgentProgram(file: string, context: AgentContext, workRoot: string): Promise<number> {
  const args = ['--master', context.masterUrl, '--agent-id', context.agentId, '--work-root'];
  const child = spawn(process.execPath, [file, ...args, path.join(workRoot, 'work')], {
    // the token goes by environment, never on a command line others can read; the rest of the
    // CONTEXT that one-context exported to the START_SCRIPT stays out of the agent's commands
    env: childEnv({ COIN_AGENT_TOKEN: context.token }),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onTerm = forward('SIGTERM');
  const onInt = forward('SIGINT');
  process.on('SIGTERM', onTerm).on('SIGINT', onInt);
  return new Promise((resolve, reject) => {
    child.once('error', (error) =>
      reject(new BootstrapError(`cannot start the agent with ${process.execPath}: ${error.message}`)),
    );
    child.once('exit', (code, signal) => {
      process.off('SIGTERM', onTerm).off('SIGINT', onInt);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** Download, check and run the agent of `context`'s instance; resolves to the agent's exit code. */
export async function bootstrapAgent(context: AgentContext, options: BootstrapOptions): Promise<number> {
  options.log(
    `coin agent-bootstrap: agent ${context.agentId} of ${context.masterUrl} (from ${context.file})`,
  );
  const { bytes, sha256 } = await downloadAgentBundle(context);
  const file = await saveBundle(options.workRoot, bytes);
  options.log(`coin agent-bootstrap: agent program ${file} (${bytes.length} bytes, sha256 ${sha256}) starts`);
  return runAgentProgram(file, context, options.workRoot);
}
