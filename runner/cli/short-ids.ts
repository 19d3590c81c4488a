/**
 * Short ids, as git takes them: a task is named by any unique start of its id (the dashboard
 * shows the first 8 characters), a work item by any unique start of its id or of its name within
 * its task (`build`, `test.demo_tool`: the id without `<task id>.`).
 */
import type { InstanceClient } from '../client/instance-client';
import type { WorkItemRecord } from '../core/instance-api';

/** A name that matches nothing, or more than one thing; the message lists what there is. */
export class ShortIdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShortIdError';
  }
}

/** How many candidates an ambiguity lists. */
const listed = 5;

/** The entries `given` names: the exact one, else every one it starts. */
export function matchShortId<T>(
  given: string,
  entries: readonly T[],
  names: (entry: T) => readonly string[],
): T[] {
  const exact = entries.filter((e) => names(e).includes(given));
  if (exact.length > 0) return exact;
  return entries.filter((e) => names(e).some((n) => n.startsWith(given)));
}

/** The part of a work item id after its task id: `build.demo_tool.local-linux-x86_64`. */
export function workItemName(item: Pick<WorkItemRecord, 'id' | 'taskId'>): string {
  const prefix = `${item.taskId}.`;
  return item.id.startsWith(prefix) ? item.id.slice(prefix.length) : item.id;
}

function someOf(names: readonly string[], total = names.length): string {
  const more = total - listed;
  return names.slice(0, listed).join(', ') + (more > 0 ? ` and ${more} more` : '');
}

/** The work item of `items` that `given` names, or a ShortIdError listing the work items. */
export function pickWorkItem(
  given: string,
  taskId: string,
  items: readonly WorkItemRecord[],
): WorkItemRecord {
  const found = matchShortId(given, items, (w) => [w.id, workItemName(w)]);
  if (found.length === 1) return found[0]!;
  const names = (found.length ? found : items).map(workItemName);
  if (found.length > 1)
    throw new ShortIdError(
      `work item '${given}' is ambiguous in task ${taskId.slice(0, 8)}: ${someOf(names)}`,
    );
  const offer = names.length ? `its work items are ${someOf(names)}` : 'it has no work items yet';
  throw new ShortIdError(`task ${taskId.slice(0, 8)} has no work item '${given}'; ${offer}`);
}

/** The task id, from a work item id too (`<task>.build...`): what comes before the first dot. */
function taskPart(given: string): string {
  const dot = given.indexOf('.');
  return dot > 0 ? given.slice(0, dot) : given;
}

/** The full id of the task `given` names on the instance (a unique start of its id). */
export async function resolveTaskId(client: InstanceClient, given: string, dir: string): Promise<string> {
  const prefix = taskPart(given.trim());
  if (!prefix) throw new ShortIdError('give a task id (coin tasks lists them)');
  const page = await client.tasks({ idPrefix: prefix, max: listed + 1 });
  const found = matchShortId(prefix, page.tasks, (t) => [t.id]);
  if (found.length === 1 && (page.total === 1 || found[0]!.id === prefix)) return found[0]!.id;
  if (page.total === 0)
    throw new ShortIdError(`no task id starts with '${prefix}' (coin tasks --working-dir ${dir} lists them)`);
  const shown = page.tasks.map((t) => `${t.id} (${t.project} ${t.branch})`);
  throw new ShortIdError(
    `task id '${prefix}' is ambiguous: ${page.total} tasks start with it: ${someOf(shown, page.total)}; give more of it`,
  );
}
