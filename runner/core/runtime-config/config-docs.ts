/**
 * The documentation of every runtime-configuration field, read from the schema itself (its
 * descriptions, types and defaults), so the UI, `docs/runtime-configuration.md` and the check that
 * the docs are complete all come from the one place that also validates the file.
 */
import type * as z from 'zod';
import { runtimeConfigSchema } from './config-schema';

/** One documented field: `gerrit_monitor.parallel_integration_delay`, `opennebula.sched_rules[].match`. */
export interface FieldDoc {
  /** Dotted path; `[]` stands for every element of a list. */
  readonly path: string;
  /** `boolean`, `number`, `string`, `list of strings`, `object`, `list of objects`, `map of strings`. */
  readonly type: string;
  /** The default when the field is left out; undefined for required fields. */
  readonly defaultValue: unknown;
  readonly required: boolean;
  readonly description: string;
}

type AnySchema = z.ZodType;
interface Def {
  type: string;
  innerType?: AnySchema;
  defaultValue?: unknown;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  valueType?: AnySchema;
  in?: AnySchema;
}

function defOf(schema: AnySchema): Def {
  return (schema as unknown as { def: Def }).def;
}

/** The schema without default/optional/pipe wrappers, and the default those wrappers give. */
export function unwrapSchema(schema: AnySchema): {
  core: AnySchema;
  defaultValue: unknown;
  optional: boolean;
} {
  let core = schema;
  let defaultValue: unknown;
  let optional = false;
  for (;;) {
    const def = defOf(core);
    if (def.type === 'default' || def.type === 'prefault') {
      defaultValue ??= def.defaultValue;
      optional = true;
      core = def.innerType!;
    } else if (def.type === 'optional' || def.type === 'nullable') {
      optional = true;
      core = def.innerType!;
    } else if (def.type === 'pipe') core = def.in!;
    else return { core, defaultValue, optional };
  }
}

function typeName(schema: AnySchema): string {
  const def = defOf(unwrapSchema(schema).core);
  if (def.type === 'array') return `list of ${typeName(def.element!)}s`;
  if (def.type === 'record') return `map of ${typeName(def.valueType!)}s`;
  return def.type;
}

/** The shape of the object schema at `path` (indexes step into lists), or undefined. */
export function objectShapeAt(path: readonly (string | number)[]): Record<string, AnySchema> | undefined {
  let schema: AnySchema | undefined = runtimeConfigSchema;
  for (const step of path) {
    const def: Def = defOf(unwrapSchema(schema).core);
    if (def.type === 'object') schema = def.shape![String(step)];
    else if (def.type === 'array') schema = def.element;
    else if (def.type === 'record') schema = def.valueType;
    else return undefined;
    if (!schema) return undefined;
  }
  const def = defOf(unwrapSchema(schema).core);
  return def.type === 'object' ? def.shape : undefined;
}

function walk(schema: AnySchema, path: string, out: FieldDoc[]): void {
  const { core, defaultValue, optional } = unwrapSchema(schema);
  if (path !== '') {
    out.push({
      path,
      type: typeName(schema),
      defaultValue,
      required: !optional,
      description: schema.description ?? core.description ?? '',
    });
  }
  const def = defOf(core);
  if (def.type === 'object') {
    for (const [key, field] of Object.entries(def.shape!)) walk(field, path ? `${path}.${key}` : key, out);
  } else if (def.type === 'array' && defOf(unwrapSchema(def.element!).core).type === 'object') {
    const element = defOf(unwrapSchema(def.element!).core);
    for (const [key, field] of Object.entries(element.shape!)) walk(field, `${path}[].${key}`, out);
  }
}

/** Every field of the schema, depth first in declaration order. */
export function runtimeConfigFieldDocs(): FieldDoc[] {
  const out: FieldDoc[] = [];
  walk(runtimeConfigSchema, '', out);
  return out;
}

/** The fields as a Markdown table (the generated part of docs/runtime-configuration.md). */
export function fieldDocsMarkdown(docs: readonly FieldDoc[] = runtimeConfigFieldDocs()): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = docs.map((d) => {
    const defaultText = d.required ? 'required' : `\`${JSON.stringify(d.defaultValue)}\``;
    return `| \`${d.path}\` | ${d.type} | ${defaultText} | ${cell(d.description)} |`;
  });
  return ['| field | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
