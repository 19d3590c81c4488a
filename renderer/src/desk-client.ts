/**
 * The UI's way to DeskApi: the preload's `window.coinDesk` inside Electron, or HTTP to the
 * browser host with the per-start token from the URL fragment.
 */
import type { DeskApi, DeskErrorShape } from '../../electron/common/desk-api';
import { deskMethods, type DeskMethod } from '../../electron/common/desk-channels';
import { decodeDeskError } from '../../electron/common/desk-ipc-errors';

const tokenKey = 'coin-desk-token';
const tokenHeader = 'x-coin-desk-token';

/** A failed DeskApi call, with a message meant for people. */
export class DeskCallError extends Error {
  constructor(
    readonly code: DeskErrorShape['code'],
    message: string,
  ) {
    super(message);
    this.name = 'DeskCallError';
  }
}

declare global {
  interface Window {
    coinDesk?: DeskApi;
  }
}

/** Take the token from `#token=...` (then drop it from the address bar) or from this tab's storage. */
export function takeToken(location: Location, storage: Storage, history: History): string | null {
  const match = /(?:^#|&)token=([0-9a-f]+)/.exec(location.hash);
  if (match?.[1]) {
    storage.setItem(tokenKey, match[1]);
    history.replaceState(null, '', location.pathname + location.search);
    return match[1];
  }
  return storage.getItem(tokenKey);
}

async function callOverHttp(method: DeskMethod, input: unknown, token: string | null): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`./desk/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { [tokenHeader]: token } : {}) },
      body: JSON.stringify(input ?? {}),
    });
  } catch {
    throw new DeskCallError('failed', 'The Coin Admin host does not answer: is it still running?');
  }
  const body = (await response.json().catch(() => null)) as
    { ok: true; result: unknown } | { ok: false; error: DeskErrorShape } | null;
  if (body?.ok) return body.result;
  if (body && !body.ok) throw new DeskCallError(body.error.code, body.error.message);
  throw new DeskCallError('failed', `The host answered ${response.status} without a DeskApi reply`);
}

function httpDesk(token: string | null): DeskApi {
  const api: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const method of deskMethods) api[method] = (input) => callOverHttp(method, input, token);
  return api as DeskApi;
}

/** The preload's bridge, with its rejections turned back into DeskCallErrors. */
function ipcDesk(bridge: DeskApi): DeskApi {
  const api: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const method of deskMethods) {
    const call = bridge[method] as (input: unknown) => Promise<unknown>;
    api[method] = (input) =>
      call(input).catch((error: unknown) => {
        const shape = decodeDeskError(error);
        throw new DeskCallError(shape.code, shape.message);
      });
  }
  return api as DeskApi;
}

/** The DeskApi for this page. */
export function connectDesk(): DeskApi {
  if (window.coinDesk) return ipcDesk(window.coinDesk);
  return httpDesk(takeToken(window.location, window.sessionStorage, window.history));
}
