/**
 * What a VM's bootstrap needs from its OpenNebula CONTEXT (the instance's URL, the agent token,
 * the agent id), read from the context file one-context left in the VM. Which file: the one given,
 * else the one one-context names to a START_SCRIPT ($CONTEXT_FILE), else the first that exists of
 * the places one-context versions use (contextFilePlaces).
 */
import { readFile } from 'node:fs/promises';
import { agentContextKeys } from '../../core/opennebula/one-template';
import { ContextFileError, parseContextFile } from './context-file';

/**
 * Where one-context keeps the context, newest layout first: the copies one-contextd makes of the
 * CD-ROM's context.sh (it unmounts the CD-ROM afterwards), the CD-ROM as older versions mounted
 * it, and the env file one-context writes for later logins (root-only, `export NAME="value"`).
 */
export const contextFilePlaces: readonly string[] = [
  '/var/run/one-context/context.sh.network',
  '/var/run/one-context/context.sh.local',
  '/mnt/context.sh',
  '/var/run/one-context/one_env',
];

/** The three values an agent needs to reach its instance. */
export interface AgentContext {
  /** The context file they were read from. */
  file: string;
  masterUrl: string;
  token: string;
  agentId: string;
}

/** A bootstrap that cannot go on: one line for the VM's log. */
export class BootstrapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootstrapError';
  }
}

async function readFirst(places: readonly string[]): Promise<{ file: string; text: string }> {
  for (const file of places) {
    try {
      return { file, text: await readFile(file, 'utf8') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new BootstrapError(`cannot read the context file ${file}: ${(error as Error).message}`);
      }
    }
  }
  throw new BootstrapError(
    `no OpenNebula context file (looked at ${places.join(', ')}): is one-context installed in the image? Give one with --context-file`,
  );
}

/** The places to look at: `given` alone when there is one, else $CONTEXT_FILE and the defaults. */
export function contextPlaces(given: string | undefined, env: NodeJS.ProcessEnv): readonly string[] {
  if (given) return [given];
  return env.CONTEXT_FILE ? [env.CONTEXT_FILE, ...contextFilePlaces] : contextFilePlaces;
}

/** Read the agent's values from the first context file of `places`. */
export async function readAgentContext(places: readonly string[]): Promise<AgentContext> {
  const { file, text } = await readFirst(places);
  let values: Map<string, string>;
  try {
    values = parseContextFile(text);
  } catch (error) {
    if (error instanceof ContextFileError)
      throw new BootstrapError(`${file}: ${error.message}: not a context file as one-context writes it`);
    throw error;
  }
  const value = (name: string): string => {
    const found = values.get(name);
    if (!found)
      throw new BootstrapError(
        `${file} has no ${name}: this VM was not started by a Coin instance (its CONTEXT lacks Coin's values)`,
      );
    return found;
  };
  const masterUrl = value(agentContextKeys.masterUrl).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(masterUrl))
    throw new BootstrapError(`${file}: ${agentContextKeys.masterUrl} '${masterUrl}' is not an http(s) URL`);
  return { file, masterUrl, token: value(agentContextKeys.token), agentId: value(agentContextKeys.agentId) };
}
