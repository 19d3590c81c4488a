#!/usr/bin/env node
// A Coin agent process from a checkout (the local hypervisor starts it; packaged builds ship a bundle).
import { register } from 'tsx/esm/api';

register();
const { agentOptionsFrom, runAgent } = await import('./agent-main.ts');
try {
  await runAgent(agentOptionsFrom(process.argv.slice(2), process.env));
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
