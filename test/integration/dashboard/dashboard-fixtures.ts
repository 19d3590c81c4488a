// What the dashboard tests run: small modules of our own (a chatty build with colours, a build
// that fails to compile), and the built renderer and docs the runner serves.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { setup as buildRenderer } from '../../e2e/global-setup';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');

/** Build the renderer (when stale) and the docs (when missing), as `npm run build` would. */
export async function ensureWebBuild(): Promise<void> {
  await buildRenderer();
  if (!existsSync(path.join(repoRoot, 'build', 'out', 'docs', 'runner.html')))
    await promisify(execFile)(process.execPath, [path.join(repoRoot, 'build', 'render-docs.mjs')]);
}

/**
 * coin/module_config.yaml of a module whose build prints `lines` coloured lines (one every
 * `delayMs`), then compiles `source` with the C compiler and installs the result.
 */
export function chattyModuleConfig(lines: number, delayMs: number, source = 'tool.c'): string {
  const seconds = (delayMs / 1000).toFixed(3);
  const chatty = `    - type: ExecuteCommand
      command: "sh -c 'i=1; while [ $i -le ${lines} ]; do printf \\"\\\\033[32mstep %d\\\\033[0m compiling part %d\\\\n\\" $i $i; i=$((i+1)); sleep ${seconds}; done'"
      userMessageOnFailure: "The chatty step failed."
`;
  return toolModuleConfig(chatty, source);
}

export { toolSource };
export const brokenSource = 'int main(void) { return missing_symbol; }\n';
