/**
 * The Gerrit fake's REST interface on a loopback port, with HTTP basic auth and Gerrit's `)]}'`
 * JSON prefix: the plugin's revision-level actions `POST /a/changes/<id>/revisions/<rev>/
 * gerrit-plugin-qt-workflow~{stage,unstage,precheck}` (answering `{}`) and the change-level ones
 * `POST /a/changes/<id>/gerrit-plugin-qt-workflow~{defer,reopen,abandon}` (answering ChangeInfo).
 * Anything else, the old change-level stage/unstage included, is 404.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GerritRefusal,
  type FakeAccount,
  type FakeChange,
  type FakeGerritState,
  type PrecheckBody,
} from './fake-state';

export interface RestAccount extends FakeAccount {
  httpPassword?: string;
}

const plugin = 'gerrit-plugin-qt-workflow';
const revisionAction = new RegExp(
  `^/a/changes/([^/]+)/revisions/([^/]+)/${plugin}~(stage|unstage|precheck)$`,
);
const changeAction = new RegExp(`^/a/changes/([^/]+)/${plugin}~(defer|reopen|abandon)$`);

function changeInfo(state: FakeGerritState, c: FakeChange) {
  const attr = state.changeAttribute(c);
  return {
    id: `${encodeURIComponent(c.project)}~${c.branch}~${c.changeId}`,
    project: c.project,
    branch: c.branch,
    change_id: c.changeId,
    subject: c.subject,
    status: c.status,
    _number: c.number,
    owner: { name: attr.owner.name, email: attr.owner.email, username: attr.owner.username },
    current_revision: c.patchSets.at(-1)!.revision,
  };
}

/** What a request asks, run on the state: the JSON answer. */
async function answer(
  state: FakeGerritState,
  url: string,
  body: string,
  account: FakeAccount,
): Promise<unknown> {
  const rev = revisionAction.exec(url);
  if (rev) {
    const [, id, revision, action] = rev.map((p) => decodeURIComponent(p)) as [
      string,
      string,
      string,
      string,
    ];
    if (action === 'stage') await state.stageRevision(id, revision, account);
    else if (action === 'unstage') await state.unstageRevision(id, revision, account);
    else await state.precheck(id, revision, (body ? JSON.parse(body) : {}) as PrecheckBody, account);
    return {};
  }
  const change = changeAction.exec(url);
  if (!change) throw new GerritRefusal('Not found', 404);
  return changeInfo(state, await state.action(decodeURIComponent(change[1]!), change[2]!, account));
}

/** Start the REST server; resolves to its URL and a stop function. */
export async function startFakeRest(
  state: FakeGerritState,
  users: readonly RestAccount[],
): Promise<{ url: string; stop(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      if (typeof body === 'string')
        res.writeHead(status, { 'content-type': 'text/plain; charset=UTF-8' }).end(`${body}\n`);
      else
        res
          .writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
          .end(`)]}'\n${JSON.stringify(body)}\n`);
    };
    const auth = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const [name, password] = auth ? Buffer.from(auth[1]!, 'base64').toString('utf8').split(':', 2) : [];
    const account = users.find((u) => u.username === name && u.httpPassword && u.httpPassword === password);
    if (!req.url?.startsWith('/a/')) return reply(404, 'Not found');
    if (!account) return reply(401, 'Unauthorized');
    if (req.method !== 'POST') return reply(404, 'Not found');
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.once('end', () => {
      answer(state, req.url!, body, account).then(
        (json) => reply(200, json),
        (error: unknown) =>
          reply(
            error instanceof GerritRefusal ? error.httpStatus : 500,
            error instanceof Error ? error.message : String(error),
          ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
