// The example coin_configuration.json of the administration guide, exactly as printed there. The
// guide is not public: it is read from COIN_ADMIN_GUIDE or ../shared/seed next to this checkout,
// and the tests that need it are skipped (saying so once) where neither is there.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const shared = path.resolve(import.meta.dirname, '../../../../../../shared/seed/coin-administration.txt');

function guidePath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const places = [env.COIN_ADMIN_GUIDE, env.COIN_FIXTURES_NO_SHARED === '1' ? undefined : shared];
  return places.find((p): p is string => p !== undefined && existsSync(p));
}

const guide = guidePath();
if (!guide) {
  console.warn(
    "tests of the administration guide's example are skipped: the guide is not in this checkout " +
      `(set COIN_ADMIN_GUIDE to coin-administration.txt; looked at ${shared})`,
  );
}

/** False where the guide is not available: tests of its example are skipped then. */
export const guideFound = guide !== undefined;

/** The guide's example text (with its `#` comments and its missing comma). */
export function guideExample(): string {
  const text = readFileSync(guide!, 'utf8');
  const start = text.indexOf('{', text.indexOf('coin_configuration.json in ci-working-dir. example file:'));
  const end = text.indexOf('\n}\n', start);
  return text.slice(start, end + 3);
}

/** The example with its two kinds of mistakes fixed: `#` comments as `//`, and the comma added. */
export function fixedGuideExample(): string {
  return guideExample()
    .replace(/ {2}# /g, '  // ')
    .replace('    }\n    "opennebula"', '    },\n    "opennebula"');
}
