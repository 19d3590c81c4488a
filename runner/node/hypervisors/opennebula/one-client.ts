/**
 * A client of OpenNebula's XML-RPC API (docs/opennebula.md): one method per call Coin makes, the
 * session string first, every `[ok, value | message, code]` response checked. A failed call
 * throws OneError with OpenNebula's code and its name (AUTHENTICATION, NO_EXISTS, ACTION, ...);
 * a transport failure or an XML-RPC fault throws OneError with code null.
 */
import xmlrpc from 'xmlrpc';
import { oneErrorName } from '../../../core/opennebula/one-states';

/** A failed call: OpenNebula's error code and message, or a transport/protocol failure (code null). */
export class OneError extends Error {
  readonly codeName: string;
  constructor(
    readonly method: string,
    readonly code: number | null,
    readonly detail: string,
  ) {
    const codeName = code === null ? 'TRANSPORT' : oneErrorName(code);
    super(`OpenNebula ${method}: ${codeName}: ${detail}`);
    this.name = 'OneError';
    this.codeName = codeName;
  }
}

export interface OneClientOptions {
  /** The endpoint, e.g. http://frontend:2633/RPC2 (ONE_XMLRPC). */
  url: string;
  /** `user:password` (the content of ~/.one/one_auth). */
  session: string;
  /** Give up on a call after this long (ms). */
  timeoutMs?: number;
}

/** The pool filters of the *pool.info calls. */
export const poolFilter = { primaryGroup: -4, mine: -3, all: -2, mineAndGroups: -1 } as const;

/** Calls of OpenNebula's XML-RPC API. */
export class OneClient {
  private readonly client: xmlrpc.Client;
  private readonly timeoutMs: number;

  constructor(private readonly options: OneClientOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`not an http(s) URL: ${options.url}`);
    const create = url.protocol === 'https:' ? xmlrpc.createSecureClient : xmlrpc.createClient;
    this.client = create({
      host: url.hostname,
      port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
      path: url.pathname + url.search,
    });
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The user part of the session (`user` of `user:password`). */
  get user(): string {
    return this.options.session.split(':')[0] ?? '';
  }

  /** Call `method` with the session and `params`; resolves to the value of a successful response. */
  call(method: string, params: readonly unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new OneError(method, null, `no answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      this.client.methodCall(method, [this.options.session, ...params], (error: unknown, value: unknown) => {
        clearTimeout(timer);
        if (error) {
          const e = error as { message?: string; faultString?: string; faultCode?: number };
          const detail = e.faultString
            ? `fault ${e.faultCode}: ${e.faultString}`
            : (e.message ?? String(error));
          reject(new OneError(method, null, detail));
          return;
        }
        if (!Array.isArray(value) || typeof value[0] !== 'boolean') {
          reject(new OneError(method, null, 'the response is not an [ok, value, code] array'));
          return;
        }
        if (value[0]) resolve(value[1]);
        else reject(new OneError(method, Number(value[2]), String(value[1])));
      });
    });
  }

  private async string(method: string, params: readonly unknown[]): Promise<string> {
    const value = await this.call(method, params);
    if (typeof value !== 'string') throw new OneError(method, null, 'expected a string value');
    return value;
  }

  private async int(method: string, params: readonly unknown[]): Promise<number> {
    const value = await this.call(method, params);
    if (typeof value !== 'number') throw new OneError(method, null, 'expected an integer value');
    return value;
  }

  version(): Promise<string> {
    return this.string('one.system.version', []);
  }

  templatePoolInfo(filter: number = poolFilter.mineAndGroups): Promise<string> {
    return this.string('one.templatepool.info', [filter, -1, -1]);
  }

  templateInfo(id: number): Promise<string> {
    return this.string('one.template.info', [id, false, false]);
  }

  /** A new VM from template `id`; resolves to its id. */
  templateInstantiate(id: number, name: string, extraTemplate: string, hold = false): Promise<number> {
    return this.int('one.template.instantiate', [id, name, hold, extraTemplate, false]);
  }

  /** A copy of template `id` named `name`; resolves to the new template's id. */
  templateClone(id: number, name: string, recursive = false): Promise<number> {
    return this.int('one.template.clone', [id, name, recursive]);
  }

  /** VM_POOL XML; state -1 is every state but DONE. */
  vmPoolInfo(filter: number = poolFilter.mine, state = -1): Promise<string> {
    return this.string('one.vmpool.info', [filter, -1, -1, state]);
  }

  vmInfo(id: number): Promise<string> {
    return this.string('one.vm.info', [id, false]);
  }

  vmAction(action: string, id: number): Promise<number> {
    return this.int('one.vm.action', [action, id]);
  }

  /** one.vm.recover; operation 3 deletes the VM whatever its state. */
  vmRecover(id: number, operation: number): Promise<number> {
    return this.int('one.vm.recover', [id, operation]);
  }

  hostPoolInfo(): Promise<string> {
    return this.string('one.hostpool.info', []);
  }
}
