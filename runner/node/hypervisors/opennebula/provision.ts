/**
 * `coin provision`'s OpenNebula part: a clone of each base template, named
 * `<name>-provisioned-<date>` (one.template.clone, not recursive: the clone shares the base's
 * images). Installing software into the clones is not done here (docs/opennebula.md).
 */
import { parseTemplatePool } from '../../../core/opennebula/one-pools';
import { oneErrorCodes } from '../../../core/opennebula/one-states';
import { provisionedTemplateName } from '../../../core/opennebula/one-template';
import { OneError, poolFilter, type OneClient } from './one-client';

/** What happened to one base template. */
export interface ProvisionOutcome {
  base: string;
  clone: string;
  /** cloned: a new template; exists: cloned before under that name; missing: no such base; failed. */
  result: 'cloned' | 'exists' | 'missing' | 'failed';
  /** The clone's template id (cloned, exists). */
  id: number | null;
  detail: string | null;
}

/** Clone every template in `bases` (by name) for `date`, one at a time. */
export async function provisionTemplates(
  client: OneClient,
  bases: readonly string[],
  date: Date,
): Promise<ProvisionOutcome[]> {
  const templates = parseTemplatePool(await client.templatePoolInfo(poolFilter.all));
  const outcomes: ProvisionOutcome[] = [];
  for (const base of bases) {
    const clone = provisionedTemplateName(base, date);
    const existing = templates.find((t) => t.name === clone);
    const template = templates.find((t) => t.name === base);
    if (existing) {
      outcomes.push({ base, clone, result: 'exists', id: existing.id, detail: null });
    } else if (!template) {
      outcomes.push({ base, clone, result: 'missing', id: null, detail: 'no such template in OpenNebula' });
    } else {
      try {
        const id = await client.templateClone(template.id, clone, false);
        outcomes.push({ base, clone, result: 'cloned', id, detail: null });
      } catch (error) {
        const taken = error instanceof OneError && error.code === oneErrorCodes.ALLOCATE;
        outcomes.push({
          base,
          clone,
          result: taken ? 'exists' : 'failed',
          id: null,
          detail: (error as Error).message,
        });
      }
    }
  }
  return outcomes;
}
