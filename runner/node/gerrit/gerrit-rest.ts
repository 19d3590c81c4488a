/**
 * The qt-workflow plugin's REST actions on a change (`POST /a/changes/<id>/gerrit-plugin-qt-workflow~
 * <action>`) with HTTP basic auth; Gerrit prefixes JSON answers with `)]}'` against XSSI.
 */
export const stagingActions = ['stage', 'unstage', 'defer', 'reopen', 'abandon'] as const;
export type StagingAction = (typeof stagingActions)[number];

/** The ChangeInfo fields Coin reads. */
export interface ChangeInfo {
  readonly id: string;
  readonly project: string;
  readonly branch: string;
  readonly status: string;
  readonly _number: number;
  readonly subject: string;
}

/** Strip Gerrit's `)]}'` line and parse the JSON. */
export function parseGerritJson(text: string): unknown {
  return JSON.parse(text.replace(/^\)\]\}'\r?\n?/, ''));
}

/** Run a plugin action on a change; throws with Gerrit's message when it refuses. */
export async function changeAction(input: {
  baseUrl: string;
  user: string;
  httpPassword: string;
  change: string | number;
  action: StagingAction;
  body?: unknown;
}): Promise<ChangeInfo> {
  const url = `${input.baseUrl.replace(/\/$/, '')}/a/changes/${encodeURIComponent(String(input.change))}/gerrit-plugin-qt-workflow~${input.action}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${input.user}:${input.httpPassword}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(input.body ?? {}),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`gerrit ${input.action} ${input.change}: ${response.status} ${text.trim()}`);
  return parseGerritJson(text) as ChangeInfo;
}
