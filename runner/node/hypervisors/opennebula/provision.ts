/**
 * `coin provision`'s OpenNebula part: a clone of each base template, named
 * `<name>-provisioned-<date>` (one.template.clone, not recursive: the clone shares the base's
 * images). Installing software into the clones is not done here (docs/opennebula.md). The clones
 * become the set agents start from (one-template-sets.ts) when every one of them is there.
 */
import { parseTemplatePool } from '../../../core/opennebula/one-pools';
import { oneErrorCodes } from '../../../core/opennebula/one-states';
import { provisionedTemplateName } from '../../../core/opennebula/one-template';
import type { TemplateSet } from '../../../core/opennebula/one-template-sets';
import { OneError, poolFilter, type OneClient } from './one-client';

/** What happened to one base template. */
export interface ProvisionOutcome {
  base: string;
  clone: string;
  /** cloned: a new template; exists: cloned before under that name; missing: no such base; failed. */
  result: 'cloned' | 'exists' | 'missing' | 'failed';
  /** The clone's template id (cloned, exists). */
  id: number | null;
  /** When OpenNebula registered the clone (cloned, exists; ISO time). */
  registeredAt: string | null;
  detail: string | null;
}

type TemplatePool = ReturnType<typeof parseTemplatePool>;

/** What cloning `base` for `date` comes to, given the templates there were before. */
async function provisionOne(
  client: OneClient,
  templates: TemplatePool,
  base: string,
  date: Date,
): Promise<ProvisionOutcome> {
  const clone = provisionedTemplateName(base, date);
  const existing = templates.find((t) => t.name === clone);
  const template = templates.find((t) => t.name === base);
  const none = { id: null, registeredAt: null };
  if (existing) {
    const registeredAt = new Date(existing.regtime * 1000).toISOString();
    return { base, clone, result: 'exists', id: existing.id, registeredAt, detail: null };
  }
  if (!template) return { base, clone, result: 'missing', ...none, detail: 'no such template in OpenNebula' };
  try {
    const id = await client.templateClone(template.id, clone, false);
    return { base, clone, result: 'cloned', id, registeredAt: new Date().toISOString(), detail: null };
  } catch (error) {
    const taken = error instanceof OneError && error.code === oneErrorCodes.ALLOCATE;
    return { base, clone, result: taken ? 'exists' : 'failed', ...none, detail: (error as Error).message };
  }
}

/** Clone every template in `bases` (by name) for `date`, one at a time; `onOutcome` hears each as it comes. */
export async function provisionTemplates(
  client: OneClient,
  bases: readonly string[],
  date: Date,
  onOutcome?: (outcome: ProvisionOutcome) => void,
): Promise<ProvisionOutcome[]> {
  const templates = parseTemplatePool(await client.templatePoolInfo(poolFilter.all));
  const outcomes: ProvisionOutcome[] = [];
  for (const base of bases) {
    const outcome = await provisionOne(client, templates, base, date);
    outcomes.push(outcome);
    onOutcome?.(outcome);
  }
  return outcomes;
}

/**
 * The set the outcomes make: every clone that is there (cloned now or before), or undefined when
 * one failed or one that exists has no id (OpenNebula said its name is taken by a template this
 * account cannot see): a partial set would mix old and new templates.
 */
export function templateSetOf(outcomes: readonly ProvisionOutcome[], date: string): TemplateSet | undefined {
  const there = outcomes.filter((o) => o.result === 'cloned' || o.result === 'exists');
  if (there.length === 0 || outcomes.some((o) => o.result === 'failed')) return undefined;
  if (there.some((o) => o.id === null || o.registeredAt === null)) return undefined;
  return {
    recordedAt: new Date().toISOString(),
    date,
    templates: there.map((o) => ({ base: o.base, clone: o.clone, id: o.id!, registeredAt: o.registeredAt! })),
  };
}
