/**
 * Which VM templates an instance's agents start from (docs/opennebula.md): the base templates the
 * platform configurations name, or the clones `coin provision` made of them. The administration
 * guide's provisioning makes new templates that later integrations use; the instance's working
 * directory records the set in use (`current`) and the sets before it, so that `coin provision
 * --rollback` goes back to the previous set (or, past the first, to the base templates). Pure.
 */
import * as z from 'zod';

/** One clone of a base template. */
export const provisionedTemplateSchema = z.object({
  base: z.string(),
  clone: z.string(),
  /** The clone's template id in OpenNebula. */
  id: z.number().int(),
  /** When OpenNebula registered the clone (its REGTIME, ISO time). */
  registeredAt: z.string(),
});
export type ProvisionedTemplate = z.infer<typeof provisionedTemplateSchema>;

/** One `coin provision` run's clones. */
export const templateSetSchema = z.object({
  /** When the set was recorded (ISO time). */
  recordedAt: z.string(),
  /** The date in the clones' names (YYYY-MM-DD). */
  date: z.string(),
  templates: z.array(provisionedTemplateSchema),
});
export type TemplateSet = z.infer<typeof templateSetSchema>;

/** Where the last `coin provision` took its templates and account from (to run it again alike). */
export const provisionSourceSchema = z.object({
  templatesDir: z.string(),
  oneXmlrpc: z.string().nullable(),
  oneAuthFile: z.string().nullable(),
});
export type ProvisionSource = z.infer<typeof provisionSourceSchema>;

/** The working directory's record: the set in use and the earlier ones, newest first. */
export const templateSetsSchema = z.object({
  current: templateSetSchema.nullable(),
  previous: z.array(templateSetSchema),
  lastSource: provisionSourceSchema.nullable(),
});
export type TemplateSets = z.infer<typeof templateSetsSchema>;

/** No provisioning yet: the base templates are used. */
export const noTemplateSets: TemplateSets = { current: null, previous: [], lastSource: null };

/** How many earlier sets are kept to go back to. */
export const keptPreviousSets = 10;

/** Two sets of the same clones (provisioning ran again and every clone existed). */
function sameTemplates(a: TemplateSet, b: TemplateSet): boolean {
  const key = (set: TemplateSet) =>
    set.templates
      .map((t) => `${t.base}=${t.id}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}

/** `set` becomes the one in use (the one before it can be gone back to, unless it has the same clones). */
export function recordTemplateSet(sets: TemplateSets, set: TemplateSet): TemplateSets {
  if (sets.current && sameTemplates(sets.current, set)) return { ...sets, current: set };
  const previous = sets.current ? [sets.current, ...sets.previous] : sets.previous;
  return { ...sets, current: set, previous: previous.slice(0, keptPreviousSets) };
}

/** Back to the set before the current one (none left: the base templates); undefined when already there. */
export function rollBackTemplateSet(sets: TemplateSets): TemplateSets | undefined {
  if (!sets.current) return undefined;
  const [before, ...rest] = sets.previous;
  return { ...sets, current: before ?? null, previous: rest };
}

/** The template a work item whose configuration names `base` starts from. */
export function templateInUse(sets: TemplateSets, base: string): string {
  return sets.current?.templates.find((t) => t.base === base)?.clone ?? base;
}

/**
 * The record from a file's text (no file: no provisioning); undefined when the text is not such a
 * record, which the caller reports rather than silently going back to the base templates.
 */
export function parseTemplateSets(text: string | undefined): TemplateSets | undefined {
  if (text === undefined || text.trim() === '') return noTemplateSets;
  try {
    const parsed = templateSetsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** How old a template is, for people: `12 min`, `5 h`, `3 d`. */
export function templateAge(registeredAt: string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(registeredAt)) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h`;
  return `${Math.floor(minutes / (24 * 60))} d`;
}

/** Which templates agents start from, in one line. */
export function templateSetSummary(sets: TemplateSets): string {
  if (!sets.current) return 'agents start from the base templates';
  const count = sets.current.templates.length;
  return `agents start from the clones of ${sets.current.date} (${count} template${count === 1 ? '' : 's'})`;
}

/** What `coin provision --rollback` would go back to, in a few words. */
export function rollbackTarget(sets: TemplateSets): string | null {
  if (!sets.current) return null;
  const before = sets.previous[0];
  return before ? `the clones of ${before.date}` : 'the base templates';
}
