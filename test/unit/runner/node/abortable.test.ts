// Waiting for a step that a signal may cut short.
import { describe, expect, test } from 'vitest';
import { abortable } from '../../../../runner/node/abortable';

describe('abortable', () => {
  test('resolves and rejects as the work does while not aborted', async () => {
    const controller = new AbortController();
    await expect(abortable(Promise.resolve(7), controller.signal)).resolves.toBe(7);
    await expect(abortable(Promise.reject(new Error('broke')), controller.signal)).rejects.toThrow('broke');
    await expect(abortable(Promise.resolve(1), undefined)).resolves.toBe(1);
  });

  test('rejects with the reason as soon as the signal is aborted, the work still pending', async () => {
    const controller = new AbortController();
    const never = new Promise<number>(() => undefined);
    const waiting = abortable(never, controller.signal);
    controller.abort(new Error('start-up interrupted by SIGTERM'));
    await expect(waiting).rejects.toThrow('start-up interrupted by SIGTERM');
  });

  test('rejects at once when already aborted; a later failure of the work is not unhandled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    let fail: (error: Error) => void = () => undefined;
    const work = new Promise<number>((_resolve, reject) => (fail = reject));
    await expect(abortable(work, controller.signal)).rejects.toThrow('too late');
    fail(new Error('abandoned'));
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
});
