/**
 * Entry of the bundled agent, build/out/runner/agent.cjs (build/bundle-runner.mjs). It does what
 * runner/agent/agent.mjs does in a checkout, without tsx.
 */
import { agentOptionsFrom, runAgent } from '../../agent/agent-main';

async function agent(): Promise<void> {
  await runAgent(agentOptionsFrom(process.argv.slice(2), process.env));
}

agent().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
});
