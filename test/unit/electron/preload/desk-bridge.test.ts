import { describe, expect, it } from 'vitest';
import { deskChannels, deskMethods } from '../../../../electron/common/desk-channels';
import { createDeskBridge, deskBridgeName } from '../../../../electron/preload/desk-bridge';

describe('createDeskBridge', () => {
  it('exposes exactly one function per DeskApi method, and nothing else', () => {
    const bridge = createDeskBridge(async () => null);
    expect(deskBridgeName).toBe('coinDesk');
    expect(Object.keys(bridge).sort()).toEqual([...deskMethods].sort());
    for (const method of deskMethods) expect(typeof bridge[method]).toBe('function');
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it("sends each call on its method's channel with the input (an empty object when there is none)", async () => {
    const sent: unknown[] = [];
    const bridge = createDeskBridge(async (channel, input) => {
      sent.push([channel, input]);
      return `result of ${channel}`;
    });
    await expect(bridge.runnerDoctor({ workingDir: '/w' })).resolves.toBe(
      `result of ${deskChannels.runnerDoctor}`,
    );
    await bridge.appInfo();
    expect(sent).toEqual([
      [deskChannels.runnerDoctor, { workingDir: '/w' }],
      [deskChannels.appInfo, {}],
    ]);
  });

  it('passes a rejection from the main process through unchanged', async () => {
    const failure = new Error('coin-desk-error:{"code":"forbidden","message":"no"}');
    const bridge = createDeskBridge(() => Promise.reject(failure));
    await expect(bridge.appInfo()).rejects.toBe(failure);
  });
});
