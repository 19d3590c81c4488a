/**
 * How the desktop app starts the `coin` CLI for the runners it hosts, decided from plain values
 * (main.ts's glue passes app.isPackaged and process.execPath):
 *
 * - **packaged**: the app's own executable as Node (ELECTRON_RUN_AS_NODE=1, allowed by the runAsNode
 *   fuse) on the bundled CLI, build/out/runner/coin.cjs unpacked from app.asar. A package has no
 *   checkout and no `node`, and its native modules are built for Electron. The runner passes
 *   ELECTRON_RUN_AS_NODE on to its agents (runner/node/child-env.ts).
 * - **development** (`npm start` in a checkout): the `node` on the PATH on the checkout's coin.mjs,
 *   three levels above the main bundle in build/out/electron. The native modules of a checkout are
 *   built for Node, not for Electron, and the runner's agents inherit its executable.
 */
import path from 'node:path';
import { childEnv } from '../../runner/node/child-env';
import { layoutFor } from '../../runner/node/runner-layout';

/** argv and environment of the hosted runners' `coin` CLI. */
export interface HostedRunnerLaunch {
  coinCommand: string[];
  env: Record<string, string>;
}

export interface HostedRunnerFacts {
  /** app.isPackaged. */
  packaged: boolean;
  /** process.execPath: the app's executable. */
  execPath: string;
  /** The main bundle's directory (build/out/electron, inside app.asar when packaged). */
  bundleDir: string;
  /** The app's environment, of which only childEnv's variables pass on. */
  env: NodeJS.ProcessEnv;
}

/** argv of the checkout's `coin` CLI under the `node` on the PATH (development). */
export function checkoutCoinCommand(bundleDir: string): string[] {
  return ['node', path.resolve(bundleDir, '..', '..', '..', 'runner', 'cli', 'coin.mjs')];
}

/** The `coin` command and environment for hosted runners. */
export function hostedRunnerLaunch(facts: HostedRunnerFacts): HostedRunnerLaunch {
  if (!facts.packaged)
    return { coinCommand: checkoutCoinCommand(facts.bundleDir), env: childEnv({}, facts.env) };
  return {
    coinCommand: [facts.execPath, layoutFor('bundle', facts.bundleDir).coinScript],
    env: childEnv({ ELECTRON_RUN_AS_NODE: '1' }, facts.env),
  };
}
