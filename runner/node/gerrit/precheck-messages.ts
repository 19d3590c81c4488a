/**
 * What a precheck says on its patch set, and what its task keeps to say it after a restart.
 *
 * The precheck types as the plugin's dialog describes them to people: `default` runs the targets
 * of a precheck.yaml (all targets without one), `full` runs all targets, `downstream` ("Downstream
 * qt5") runs a qt5 precheck with the change as a dependency, `custom` matches its `platforms`
 * against the targets. Which targets Coin itself runs for `full` and `downstream` is not public:
 * this instance runs its default configuration for them and says so in the result, rather than
 * guess. A `custom` precheck runs on the configurations its `platforms` names (ids).
 */
import type { GerritPrecheckEvent } from '../../core/gerrit/gerrit-protocol';
import type { JsonObject } from '../../core/records';

/** A precheck as its task remembers it: the event, and the branch tip a cherry-pick went onto. */
export interface Precheck {
  readonly event: GerritPrecheckEvent;
  /** The tip of the target branch the patch set was cherry-picked onto (null: built on its own parent). */
  readonly onto: string | null;
}

/** The platform configurations a precheck asks for (none: the instance's default one). */
export function precheckConfigs(event: Pick<GerritPrecheckEvent, 'precheckType' | 'platforms'>): string[] {
  if (event.precheckType !== 'custom') return [];
  return [...new Set(event.platforms.split(/[\s,]+/).filter(Boolean))];
}

/** The sentence a type whose meaning in Coin is not public adds to the result; null for the others. */
export function precheckTypeNote(type: string, ran: string): string | null {
  switch (type) {
    case 'full':
      return `Type full: Gerrit's precheck dialog describes it as running all targets; which targets Coin runs for it is not public, so this instance ran ${ran} instead.`;
    case 'downstream':
      return `Type downstream: Gerrit's precheck dialog describes it as a qt5 precheck with this change as a dependency; what Coin runs for it is not public, so this instance built no qt5 and ran this change on ${ran} instead.`;
    default:
      return null;
  }
}

function asked(event: GerritPrecheckEvent): string {
  return [
    `type ${event.precheckType}`,
    ...(event.platforms ? [`platforms ${event.platforms}`] : []),
    ...(event.onlybuild ? ['build only'] : []),
    ...(event.cherrypick ? ['cherry-pick'] : []),
  ].join(', ');
}

const short = (sha: string) => sha.slice(0, 12);

/**
 * The review message of a finished precheck. `ran` are the configurations its work items ran on
 * (for the types without platforms, the instance's default one).
 */
export function precheckMessage(
  precheck: Precheck,
  state: string,
  taskUrl: string | null,
  ran: readonly string[] = [],
): string {
  const { event, onto } = precheck;
  const passed = state === 'Passed' || state === 'Insignificant';
  const configs = precheckConfigs(event);
  const where = configs.length
    ? configs.join(', ')
    : `the instance's default configuration${ran.length ? ` (${ran.join(', ')})` : ''}`;
  const note = precheckTypeNote(event.precheckType, where);
  return [
    `Precheck: ${passed ? 'Passed' : 'Failed'} (${state}; patch set ${event.patchSet}; ${asked(event)})`,
    ...(onto
      ? [`Cherry-picked onto the tip of ${event.change.branch} (${short(onto)}) instead of its own parent.`]
      : []),
    `${event.onlybuild ? 'Built (no tests)' : 'Built and tested'} on ${where}; nothing was staged or merged.`,
    ...(note ? [note] : []),
    ...(taskUrl ? ['', `Details: ${taskUrl}`] : []),
  ].join('\n');
}

/** The result of a cherry-pick precheck whose patch set does not apply onto the branch tip. */
export function precheckConflictMessage(
  event: GerritPrecheckEvent,
  onto: string,
  files: readonly string[],
): string {
  return [
    `Precheck: Failed (cherry-pick conflict; patch set ${event.patchSet}; ${asked(event)})`,
    `Patch set ${event.patchSet} does not cherry-pick onto the tip of ${event.change.branch} (${short(onto)}): conflicts in ${files.join(', ')}.`,
    'Nothing was built: rebase the change onto the branch, or ask again without cherry-pick.',
  ].join('\n');
}

/** The origin a precheck's task keeps (what the message needs after a restart). */
export function precheckOrigin(precheck: Precheck): JsonObject {
  const { event, onto } = precheck;
  return {
    kind: 'gerrit-precheck',
    project: event.change.project,
    branch: event.change.branch,
    change: event.change.number,
    patchSet: event.patchSet,
    commitID: event.commitID,
    precheckType: event.precheckType,
    platforms: event.platforms,
    onlybuild: event.onlybuild,
    cherrypick: event.cherrypick,
    ...(onto ? { pickedOnto: onto } : {}),
  };
}

/** The precheck a stored task came from (its origin), or undefined for other tasks. */
export function precheckOf(source: JsonObject, sha: string): Precheck | undefined {
  const o = source.origin as Record<string, unknown> | undefined;
  if (o?.kind !== 'gerrit-precheck') return undefined;
  const { project, branch, change, patchSet } = o;
  if (typeof project !== 'string' || typeof branch !== 'string') return undefined;
  if (typeof change !== 'number' || typeof patchSet !== 'number') return undefined;
  const event: GerritPrecheckEvent = {
    type: 'precheck',
    change: { project, branch, number: change, subject: '' },
    patchSet,
    commitID: typeof o.commitID === 'string' ? o.commitID : sha,
    precheckType: typeof o.precheckType === 'string' ? o.precheckType : 'default',
    platforms: typeof o.platforms === 'string' ? o.platforms : '',
    onlybuild: o.onlybuild === true,
    cherrypick: o.cherrypick === true,
  };
  return { event, onto: typeof o.pickedOnto === 'string' ? o.pickedOnto : null };
}
