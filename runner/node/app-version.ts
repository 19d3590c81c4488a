/** The version of this checkout or build: package.json's version and, when known, the git revision. */
import { execFileSync } from 'node:child_process';
import pkg from '../../package.json' with { type: 'json' };
import { childEnv } from './child-env';
import { runnerLayout } from './runner-layout';

export interface AppVersion {
  name: string;
  version: string;
  revision: string | null;
}

let cached: AppVersion | undefined;

function gitRevision(): string | null {
  if (process.env.COIN_REVISION) return process.env.COIN_REVISION;
  const cwd = runnerLayout.checkoutRoot;
  if (!cwd) return null;
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

/** Name, version and revision of Coin Admin (read once). */
export function appVersion(): AppVersion {
  cached ??= { name: pkg.productName, version: pkg.version, revision: gitRevision() };
  return cached;
}
