import { describe, expect, it } from 'vitest';
import type { AppInfo, DeskApi } from '../../../../electron/common/desk-api';
import { deskChannels, deskMethods } from '../../../../electron/common/desk-channels';
import { decodeDeskError } from '../../../../electron/common/desk-ipc-errors';
import { appUrl } from '../../../../electron/main/app-url';
import {
  registerDeskIpc,
  type DeskInvokeEvent,
  type IpcMainLike,
} from '../../../../electron/main/ipc-registrar';

type Listener = (event: DeskInvokeEvent, ...args: unknown[]) => Promise<unknown>;

/** Stands in for ipcMain: records handlers and invokes them the way Electron does. */
class RecordingIpc implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  invoke(channel: string, frameUrl: string | null, ...args: unknown[]): Promise<unknown> {
    const listener = this.handlers.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return listener({ senderFrame: frameUrl === null ? null : { url: frameUrl } }, ...args);
  }
}

const info: AppInfo = {
  name: 'Coin Admin',
  version: '0.1.0',
  revision: 'abc123',
  shell: 'electron',
  platform: 'linux-x64',
  nodeVersion: '22.0.0',
  electronVersion: '40.8.5',
};

/** Two real methods are enough to test the registrar; the others are never called here. */
function fakeServices(calls: unknown[]): DeskApi {
  const services: Pick<DeskApi, 'appInfo' | 'runnerDoctor'> = {
    async appInfo(input) {
      calls.push(['appInfo', input]);
      return info;
    },
    async runnerDoctor(input) {
      calls.push(['runnerDoctor', input]);
      if (input.workingDir === '/broken') throw new Error('statfs failed');
      return {
        workingDir: input.workingDir ?? '/default',
        checkedAt: '2026-01-01T00:00:00Z',
        checks: [],
        ok: true,
      };
    },
  };
  return services as DeskApi;
}

async function failureOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return decodeDeskError(error);
  }
  throw new Error('expected the call to fail');
}

function setup() {
  const ipc = new RecordingIpc();
  const calls: unknown[] = [];
  registerDeskIpc(ipc, fakeServices(calls), appUrl);
  return { ipc, calls };
}

describe('registerDeskIpc', () => {
  it('registers one handler per contract method, on its channel', () => {
    const { ipc } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(deskMethods.map((m) => deskChannels[m]).sort());
  });

  it("returns the service's result to the app window", async () => {
    const { ipc, calls } = setup();
    await expect(ipc.invoke(deskChannels.appInfo, appUrl, {})).resolves.toEqual(info);
    await expect(
      ipc.invoke(deskChannels.runnerDoctor, `${appUrl}#/doctor`, { workingDir: '/w' }),
    ).resolves.toMatchObject({
      workingDir: '/w',
    });
    expect(calls).toEqual([
      ['appInfo', {}],
      ['runnerDoctor', { workingDir: '/w' }],
    ]);
  });

  it('treats a call without input as an empty input', async () => {
    const { ipc } = setup();
    await expect(ipc.invoke(deskChannels.appInfo, appUrl)).resolves.toEqual(info);
  });

  it.each([
    ['a web page', 'https://evil.example/'],
    ['a local file', 'file:///tmp/evil.html'],
    ['another app host', 'app://other/index.html'],
    ['a frame that is gone', null],
  ])('refuses a call from %s with forbidden, before looking at the input', async (_what, frameUrl) => {
    const { ipc, calls } = setup();
    for (const method of deskMethods) {
      const failure = await failureOf(ipc.invoke(deskChannels[method], frameUrl, { bogus: true }));
      expect(failure.code).toBe('forbidden');
    }
    expect(calls).toEqual([]);
  });

  it('refuses input that does not match the contract with bad-input, naming the field', async () => {
    const { ipc, calls } = setup();
    const wrongType = await failureOf(ipc.invoke(deskChannels.runnerDoctor, appUrl, { workingDir: 42 }));
    expect(wrongType).toMatchObject({ code: 'bad-input' });
    expect(wrongType.message).toContain('workingDir');
    const extraField = await failureOf(ipc.invoke(deskChannels.appInfo, appUrl, { please: 'root' }));
    expect(extraField.code).toBe('bad-input');
    expect(calls).toEqual([]);
  });

  it('reports a service failure as failed with its message', async () => {
    const { ipc } = setup();
    const failure = await failureOf(ipc.invoke(deskChannels.runnerDoctor, appUrl, { workingDir: '/broken' }));
    expect(failure).toEqual({ code: 'failed', message: 'statfs failed' });
  });
});
