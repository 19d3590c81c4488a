import { describe, expect, it } from 'vitest';
import { DeskError } from '../../../../electron/common/desk-api';
import {
  decodeDeskError,
  deskErrorMarker,
  encodeDeskError,
  toDeskErrorShape,
} from '../../../../electron/common/desk-ipc-errors';

describe('desk IPC errors', () => {
  it('survive the way Electron wraps a rejected ipcMain.handle', () => {
    const thrown = new Error(encodeDeskError({ code: 'forbidden', message: 'only the app window' }));
    const seen = new Error(`Error invoking remote method 'app:info': Error: ${thrown.message}`);
    expect(decodeDeskError(seen)).toEqual({ code: 'forbidden', message: 'only the app window' });
  });

  it('keep a message with quotes, colons and newlines intact', () => {
    const message = 'runner:doctor: workingDir: "x:y"\nsecond line';
    expect(decodeDeskError(new Error(encodeDeskError({ code: 'bad-input', message })))).toEqual({
      code: 'bad-input',
      message,
    });
  });

  it('turn anything else into a failed call with the plain message', () => {
    expect(
      decodeDeskError(new Error("Error invoking remote method 'app:info': Error: disk on fire")),
    ).toEqual({
      code: 'failed',
      message: 'disk on fire',
    });
    expect(decodeDeskError('plain string')).toEqual({ code: 'failed', message: 'plain string' });
    expect(decodeDeskError(new Error(`${deskErrorMarker}{"code":"nonsense","message":"x"}`)).code).toBe(
      'failed',
    );
    expect(decodeDeskError(new Error(`${deskErrorMarker}{not json`)).code).toBe('failed');
  });

  it('keep the code of a DeskError and call every other error failed', () => {
    expect(toDeskErrorShape(new DeskError('not-found', 'no such profile'))).toEqual({
      code: 'not-found',
      message: 'no such profile',
    });
    expect(toDeskErrorShape(new TypeError('boom'))).toEqual({ code: 'failed', message: 'boom' });
    expect(toDeskErrorShape(42)).toEqual({ code: 'failed', message: '42' });
  });
});
