/**
 * The local agent program of a checkout: one JavaScript file esbuild makes from the checkout's own
 * sources when an instance starts, instead of runner/agent/agent.mjs, which loads ~150 TypeScript
 * modules through tsx in every new agent. A new agent was 0.33 s of Node starting the TypeScript
 * (0.45-0.57 s on a busy machine, inside an integration's time) and is 0.10 s starting the file;
 * the build takes about 80 ms. The file is made from the sources as they are at every start, so
 * it is never older than the checkout (a packaged app ships its bundle and never builds one). It
 * is build/out/dev-agent/agent.cjs of the checkout, replaced whole by each start (made while the
 * instance starts; its first agent waits for it): instances of one checkout share it, as they
 * shared the sources tsx loaded.
 *
 * esbuild is a development dependency: a checkout has it after `npm ci`. When it is missing or
 * the build fails the agents start from the TypeScript as before, and the instance log says why.
 */
import { rename, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runnerLayout, type RunnerLayout } from '../runner-layout';

/** The checkout's agent entry, as build/bundle-runner.mjs bundles it into agent.cjs. */
const agentEntry = path.join('runner', 'cli', 'bundle-entries', 'agent.ts');

/** The name is not a literal, so a bundle of the runner does not take esbuild in. */
const esbuildModule = 'esbuild';

/** What the build needs of esbuild's API. */
interface EsbuildApi {
  build(
    options: Record<string, unknown>,
  ): Promise<{ outputFiles?: { contents: Uint8Array }[]; warnings: { text: string }[] }>;
  /** Ends esbuild's service process (it would otherwise stay as long as the instance). */
  stop(): Promise<void> | void;
}

export type CheckoutAgentResult = { file: string } | { file: undefined; why: string };

/**
 * Builds the agent of this checkout into build/out/dev-agent/agent.cjs (written whole, then
 * renamed into place); nothing outside a checkout.
 */
export async function buildCheckoutAgent(layout: RunnerLayout = runnerLayout): Promise<CheckoutAgentResult> {
  if (layout.kind !== 'checkout' || !layout.checkoutRoot) return { file: undefined, why: 'not a checkout' };
  const dir = path.join(layout.checkoutRoot, 'build', 'out', 'dev-agent');
  const file = path.join(dir, 'agent.cjs');
  const partial = `${file}.${process.pid}.${Date.now()}.partial`;
  let esbuild: EsbuildApi | undefined;
  try {
    esbuild = (await import(esbuildModule)) as EsbuildApi;
    const result = await esbuild.build({
      entryPoints: [path.join(layout.checkoutRoot, agentEntry)],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      supported: { 'dynamic-import': false },
      logLevel: 'silent',
    });
    // The agent's code uses neither import.meta nor the bundle define of build/bundle-runner.mjs;
    // should it one day, esbuild warns and the agents start from the sources until it is seen to.
    const warning = result.warnings[0];
    if (warning) return { file: undefined, why: `esbuild: ${warning.text}` };
    const contents = result.outputFiles?.[0]?.contents;
    if (!contents) return { file: undefined, why: 'esbuild wrote nothing' };
    await mkdir(dir, { recursive: true });
    await writeFile(partial, contents);
    await rename(partial, file);
    return { file };
  } catch (error) {
    await rm(partial, { force: true });
    return { file: undefined, why: (error as Error).message.split('\n')[0]! };
  } finally {
    await esbuild?.stop();
  }
}

/**
 * The argv that starts a checkout's local agents: the file once it is made, `fallback` (the
 * TypeScript through tsx) when it cannot be, with `why` told to `warn`. The build runs while the
 * instance starts; the first agent waits for it.
 */
export function checkoutAgentCommand(
  fallback: readonly string[],
  warn: (why: string) => void,
  layout: RunnerLayout = runnerLayout,
): Promise<readonly string[]> {
  return buildCheckoutAgent(layout).then((agent) => {
    if (agent.file !== undefined) return [process.execPath, agent.file];
    warn(agent.why);
    return fallback;
  });
}
