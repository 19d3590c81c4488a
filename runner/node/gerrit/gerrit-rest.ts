/**
 * The qt-workflow plugin's REST actions with HTTP basic auth; Gerrit prefixes JSON answers with
 * `)]}'` against XSSI. Stage, unstage and precheck act on a revision
 * (`POST /a/changes/<id>/revisions/<rev>/gerrit-plugin-qt-workflow~<action>`, `<rev>` a sha, a
 * patch set number or `current`) and answer `{}`; defer, reopen and abandon act on the change
 * (`POST /a/changes/<id>/gerrit-plugin-qt-workflow~<action>`) and answer its ChangeInfo.
 */
export const revisionActions = ['stage', 'unstage', 'precheck'] as const;
export type RevisionAction = (typeof revisionActions)[number];
export const changeActions = ['defer', 'reopen', 'abandon'] as const;
export type ChangeAction = (typeof changeActions)[number];

/** The ChangeInfo fields Coin reads. */
export interface ChangeInfo {
  readonly id: string;
  readonly project: string;
  readonly branch: string;
  readonly status: string;
  readonly _number: number;
  readonly subject: string;
}

/** The body of a precheck (`onlybuild` as the newest plugin spells it). */
export interface PrecheckRequest {
  readonly type: 'default' | 'full' | 'downstream' | 'custom';
  readonly onlybuild: boolean;
  readonly cherrypick: boolean;
  readonly platforms: string;
}

/** Where the account logs in over HTTP. */
export interface RestLogin {
  readonly baseUrl: string;
  readonly user: string;
  readonly httpPassword: string;
}

/** Strip Gerrit's `)]}'` line and parse the JSON. */
export function parseGerritJson(text: string): unknown {
  return JSON.parse(text.replace(/^\)\]\}'\r?\n?/, ''));
}

async function post(login: RestLogin, path: string, what: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${login.baseUrl.replace(/\/$/, '')}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${login.user}:${login.httpPassword}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body ?? {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`gerrit ${what}: ${response.status} ${text.trim()}`);
  return parseGerritJson(text);
}

/** Stage, unstage or precheck a revision of a change; throws with Gerrit's message when it refuses. */
export async function revisionAction(
  input: RestLogin & {
    change: string | number;
    revision: string | number;
    action: RevisionAction;
    body?: PrecheckRequest;
  },
): Promise<void> {
  const change = encodeURIComponent(String(input.change));
  const revision = encodeURIComponent(String(input.revision));
  const path = `/a/changes/${change}/revisions/${revision}/gerrit-plugin-qt-workflow~${input.action}`;
  await post(input, path, `${input.action} ${input.change}/${input.revision}`, input.body);
}

/** Defer, reopen or abandon a change; its ChangeInfo afterwards. */
export async function changeAction(
  input: RestLogin & { change: string | number; action: ChangeAction },
): Promise<ChangeInfo> {
  const path = `/a/changes/${encodeURIComponent(String(input.change))}/gerrit-plugin-qt-workflow~${input.action}`;
  return (await post(input, path, `${input.action} ${input.change}`, {})) as ChangeInfo;
}
