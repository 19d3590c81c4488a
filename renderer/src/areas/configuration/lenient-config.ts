/**
 * The configuration the rule tester and the impact preview use while the text still has errors:
 * every field and rule that passes the check on its own, the defaults for the rest, and which
 * entries were left out. A valid text gives exactly its checked configuration.
 */
import {
  defaultRuntimeConfig,
  runtimeConfigSchema,
  type RuntimeConfig,
} from '../../../../runner/core/runtime-config/config-schema';

/** A usable configuration and the entries left out of it because they have errors. */
export interface LenientConfig {
  readonly config: RuntimeConfig;
  readonly skipped: readonly string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Section = 'gerrit_monitor' | 'opennebula';

/** The section parsed with only `field` given, or undefined when that field has an error. */
function parseField(section: Section, field: string, value: unknown): Record<string, unknown> | undefined {
  const result = runtimeConfigSchema.safeParse({ [section]: { [field]: value } });
  return result.success ? (result.data[section] as Record<string, unknown>) : undefined;
}

/** A list field with its good elements only. */
function lenientList(
  section: Section,
  field: string,
  list: readonly unknown[],
  skipped: string[],
): unknown[] {
  const kept: unknown[] = [];
  list.forEach((item, i) => {
    const parsed = parseField(section, field, [item]);
    if (parsed) kept.push((parsed[field] as unknown[])[0]);
    else skipped.push(`${section}.${field}[${i}]`);
  });
  return kept;
}

function lenientSection(section: Section, raw: unknown, skipped: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaultRuntimeConfig[section] };
  if (raw === undefined) return out;
  if (!isObject(raw)) {
    skipped.push(section);
    return out;
  }
  for (const field of Object.keys(out)) {
    if (!Object.hasOwn(raw, field)) continue;
    const value = raw[field];
    if (Array.isArray(value)) out[field] = lenientList(section, field, value, skipped);
    else {
      const parsed = parseField(section, field, value);
      if (parsed) out[field] = parsed[field];
      else skipped.push(`${section}.${field}`);
    }
  }
  return out;
}

/** The configuration of a written value, leaving out what has errors. */
export function lenientConfig(raw: unknown): LenientConfig {
  const exact = runtimeConfigSchema.safeParse(raw ?? {});
  if (exact.success) return { config: exact.data, skipped: [] };
  const skipped: string[] = [];
  const value = isObject(raw) ? raw : {};
  const config = {
    gerrit_monitor: lenientSection('gerrit_monitor', value.gerrit_monitor, skipped),
    opennebula: lenientSection('opennebula', value.opennebula, skipped),
  } as RuntimeConfig;
  return { config, skipped };
}
