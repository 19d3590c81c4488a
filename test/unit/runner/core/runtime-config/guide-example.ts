// The example coin_configuration.json of the administration guide, exactly as printed there.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const guide = path.resolve(import.meta.dirname, '../../../../../../shared/seed/coin-administration.txt');

/** The guide's example text (with its `#` comments and its missing comma). */
export function guideExample(): string {
  const text = readFileSync(guide, 'utf8');
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
