/**
 * An OpenNebula for tests, speaking the real protocol: XML-RPC over HTTP POST on
 * http://127.0.0.1:<port>/RPC2 (the `xmlrpc` package's deserializer reads calls; answers are written as xmlrpc-c writes them), the calls of
 * ../shared/reference/opennebula-xmlrpc.md with their argument checks, answers and error codes
 * and the rules of protocol-facts.md (fake-one-state.ts, fake-one-machines.ts; stated as
 * assertions by test/integration/opennebula/one-fake-contract.test.ts), XML bodies in the
 * schemas' element order (fake-one-xml.ts). "Booting" a VM starts a real agent process with the
 * values of the VM's CONTEXT (COIN_MASTER_URL, COIN_AGENT_TOKEN, COIN_AGENT_ID), the way a Coin
 * VM image starts its agent from contextualization; shutting the VM down kills it. Hooks: host
 * states, boot failures, VMs held in a step, latency, a clock the test drives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { agentContextKeys } from '../../../runner/core/opennebula/one-template';
import { childEnv } from '../../../runner/node/child-env';
import {
  FakeOneState,
  XmlRpcFault,
  type FakeHostInput,
  type FakeTemplateInput,
  type FakeUserInput,
  type FakeVm,
} from './fake-one-state';

export type { FakeVm } from './fake-one-state';

interface Deserializer {
  deserializeMethodCall(
    stream: NodeJS.ReadableStream,
    callback: (error: Error | null, method: string, params: unknown[]) => void,
  ): void;
}

const require = createRequire(import.meta.url);
const DeserializerClass = require('xmlrpc/lib/deserializer') as new () => Deserializer;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** One XML-RPC value, written as xmlrpc-c (OpenNebula's server library) writes it: strings escaped. */
function xmlRpcValue(value: unknown): string {
  if (typeof value === 'boolean') return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
  if (typeof value === 'number') return `<value><i4>${value}</i4></value>`;
  if (Array.isArray(value))
    return `<value><array><data>${value.map(xmlRpcValue).join('')}</data></array></value>`;
  if (typeof value === 'object' && value !== null)
    return `<value><struct>${Object.entries(value)
      .map(([k, v]) => `<member><name>${escapeXml(k)}</name>${xmlRpcValue(v)}</member>`)
      .join('')}</struct></value>`;
  return `<value><string>${escapeXml(String(value))}</string></value>`;
}

const Serializer = {
  serializeMethodResponse: (value: unknown) =>
    `<?xml version="1.0" encoding="UTF-8"?>\r\n<methodResponse>\r\n<params>\r\n<param>${xmlRpcValue(value)}</param>\r\n</params>\r\n</methodResponse>\r\n`,
  serializeFault: (fault: { faultCode: number; faultString: string }) =>
    `<?xml version="1.0" encoding="UTF-8"?>\r\n<methodResponse>\r\n<fault>\r\n${xmlRpcValue(fault)}\r\n</fault>\r\n</methodResponse>\r\n`,
};

export interface OneFakeOptions {
  /** Directory for the VMs' work areas (the caller removes it). */
  root: string;
  users: FakeUserInput[];
  hosts: FakeHostInput[];
  templates: FakeTemplateInput[];
  /** argv that starts an agent (before its flags): what a VM image runs at boot. */
  agentCommand: readonly string[];
  /** How long each step (PROLOG, BOOT, SHUTDOWN, EPILOG) takes (ms; default 100). */
  stepMs?: number;
  /** `manual`: nothing moves until the test calls tick() (default `auto`: a clock every 25 ms). */
  clock?: 'auto' | 'manual';
}

export interface OneCall {
  method: string;
  /** The parameters after the session. */
  params: unknown[];
  user: string;
}

export interface OneFake {
  /** http://127.0.0.1:<port>/RPC2 */
  readonly url: string;
  readonly state: FakeOneState;
  /** Every call received, in order. */
  readonly calls: OneCall[];
  /** Lines the agents of VMs wrote. */
  readonly agentOutput: string[];
  setHostState(name: string, state: number): void;
  /** VMs for which `match` is true fail in BOOT (LCM_STATE BOOT_FAILURE). */
  failBoot(match: (vm: FakeVm) => boolean): void;
  /** VMs for which `match` is true stay in their current step (PENDING, PROLOG, BOOT, EPILOG, ...). */
  stall(match: (vm: FakeVm) => boolean): void;
  /** One step of the scheduler and every VM, whatever the time (a `manual` clock's only mover). */
  tick(): void;
  /** Answer every call this much later (ms). */
  setLatency(ms: number): void;
  /** Process id of the agent a VM runs, when it runs one. */
  agentPid(vmId: number): number | undefined;
  /** Resolves when every agent of a VM that left RUNNING has exited. */
  agentsStopped(): Promise<void>;
  stop(): Promise<void>;
}

function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, 2000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

/** Start the fake on a free loopback port. */
export async function startOneFake(options: OneFakeOptions): Promise<OneFake> {
  const agents = new Map<number, ChildProcess>();
  const exits: Promise<void>[] = [];
  const agentOutput: string[] = [];
  let failBoot: ((vm: FakeVm) => boolean) | undefined;
  let stalled: ((vm: FakeVm) => boolean) | undefined;
  let latencyMs = 0;
  const state = new FakeOneState(
    {
      users: options.users,
      hosts: options.hosts,
      templates: options.templates,
      stepMs: options.stepMs ?? 100,
    },
    {
      failBoot: (vm) => failBoot?.(vm) ?? false,
      stalled: (vm) => stalled?.(vm) ?? false,
      booted: (vm) => {
        const master = vm.context[agentContextKeys.masterUrl];
        const token = vm.context[agentContextKeys.token];
        const agentId = vm.context[agentContextKeys.agentId];
        if (!master || !token || !agentId) return; // a VM without Coin's context runs no agent
        const work = path.join(options.root, `vm-${vm.id}`, 'work');
        mkdirSync(work, { recursive: true });
        const [command, ...args] = options.agentCommand;
        const child = spawn(
          command!,
          [...args, '--master', master, '--agent-id', agentId, '--work-root', work],
          {
            env: childEnv({ COIN_AGENT_TOKEN: token }),
            detached: true,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        for (const stream of [child.stdout!, child.stderr!])
          stream.setEncoding('utf8').on('data', (chunk: string) => {
            for (const line of chunk.split('\n').filter(Boolean)) agentOutput.push(`vm ${vm.id}: ${line}`);
          });
        exits.push(new Promise((resolve) => child.once('exit', () => resolve())));
        agents.set(vm.id, child);
      },
      shutDown: (vm) => {
        const child = agents.get(vm.id);
        agents.delete(vm.id);
        if (child) exits.push(killGroup(child));
      },
    },
  );
  const calls: OneCall[] = [];
  const server = http.createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/RPC2') {
      response.writeHead(request.method === 'POST' ? 404 : 405).end();
      return;
    }
    new DeserializerClass().deserializeMethodCall(request, (error, method, params) => {
      let xml: string;
      if (error) {
        xml = Serializer.serializeFault({
          faultCode: -503,
          faultString: `Call XML not a proper XML-RPC call. ${error.message}`,
        });
      } else {
        const user = typeof params[0] === 'string' ? params[0].split(':')[0]! : '';
        calls.push({ method, params: params.slice(1), user });
        try {
          xml = Serializer.serializeMethodResponse(state.call(method, params));
        } catch (fault) {
          if (!(fault instanceof XmlRpcFault)) throw fault;
          xml = Serializer.serializeFault({ faultCode: fault.faultCode, faultString: fault.message });
        }
      }
      setTimeout(() => response.writeHead(200, { 'Content-Type': 'text/xml' }).end(xml), latencyMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const ticker = options.clock === 'manual' ? undefined : setInterval(() => state.tick(), 25);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/RPC2`,
    state,
    calls,
    agentOutput,
    setHostState: (name, hostState) => state.setHostState(name, hostState),
    failBoot: (match) => (failBoot = match),
    stall: (match) => (stalled = match),
    tick: () => state.tick(true),
    setLatency: (ms) => (latencyMs = ms),
    agentPid: (vmId) => agents.get(vmId)?.pid,
    agentsStopped: async () => {
      await Promise.all(exits);
    },
    stop: async () => {
      if (ticker) clearInterval(ticker);
      for (const child of agents.values()) exits.push(killGroup(child));
      agents.clear();
      await Promise.all(exits);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
