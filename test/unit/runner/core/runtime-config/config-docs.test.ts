// docs/runtime-configuration.md documents every field of the schema, as the schema describes it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  fieldDocsMarkdown,
  runtimeConfigFieldDocs,
} from '../../../../../runner/core/runtime-config/config-docs';

const docsFile = path.resolve(import.meta.dirname, '../../../../../docs/runtime-configuration.md');

/** The rows of a Markdown table as trimmed cells (Prettier pads cells; the content is what counts). */
function tableRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[\s|:-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

describe('runtime configuration documentation', () => {
  test('every field of the schema has a description, a type and, unless required, a default', () => {
    const docs = runtimeConfigFieldDocs();
    expect(docs.map((d) => d.path)).toEqual([
      'gerrit_monitor',
      'gerrit_monitor.disable_cherry_pick_delay',
      'gerrit_monitor.serialize_dependency_updates',
      'gerrit_monitor.parallel_integration_delay',
      'gerrit_monitor.parallel_project_rules',
      'opennebula',
      'opennebula.sched_rules',
      'opennebula.sched_rules[].SCHED_REQUIREMENTS',
      'opennebula.sched_rules[].match',
    ]);
    for (const doc of docs) {
      expect(doc.description.length, `${doc.path} is documented`).toBeGreaterThan(20);
      expect(doc.required || doc.defaultValue !== undefined, `${doc.path} has a default`).toBe(true);
    }
  });

  test('docs/runtime-configuration.md holds the table generated from the schema', () => {
    const text = readFileSync(docsFile, 'utf8');
    const section = /<!-- fields:begin -->([\s\S]*?)<!-- fields:end -->/.exec(text)?.[1];
    expect(section, 'the fields:begin/fields:end markers').toBeDefined();
    const expected = fieldDocsMarkdown();
    expect(
      tableRows(section!),
      `the fields table in docs/runtime-configuration.md is out of date; replace it with:\n\n${expected}\n`,
    ).toEqual(tableRows(expected));
  });
});
