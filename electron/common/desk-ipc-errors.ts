/**
 * DeskError over Electron IPC. `ipcMain.handle` only carries an Error's message to the renderer,
 * wrapped as "Error invoking remote method '<channel>': Error: <message>", so the main process
 * throws an Error whose message is the marker plus the JSON of {code, message}, and the renderer
 * finds the marker again, wherever Electron put it.
 */
import { DeskError, deskErrorSchema, type DeskErrorShape } from './desk-api';

/** Prefix of an encoded DeskError inside an Error message. */
export const deskErrorMarker = 'coin-desk-error:';

/** The message text of an encoded DeskError. */
export function encodeDeskError(error: DeskErrorShape): string {
  return `${deskErrorMarker}${JSON.stringify({ code: error.code, message: error.message })}`;
}

/** Any thrown value as a DeskError shape: a DeskError keeps its code, anything else is 'failed'. */
export function toDeskErrorShape(error: unknown): DeskErrorShape {
  if (error instanceof DeskError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'failed', message: error.message };
  return { code: 'failed', message: String(error) };
}

const electronPrefix = /^Error invoking remote method '[^']*': (?:\w*Error: )?/;

/** The DeskError carried by a rejected IPC call, or a 'failed' one with the plain message. */
export function decodeDeskError(error: unknown): DeskErrorShape {
  const text = error instanceof Error ? error.message : String(error);
  const at = text.indexOf(deskErrorMarker);
  if (at >= 0) {
    const decoded = parseShape(text.slice(at + deskErrorMarker.length));
    if (decoded) return decoded;
  }
  return { code: 'failed', message: text.replace(electronPrefix, '') };
}

function parseShape(json: string): DeskErrorShape | null {
  try {
    const result = deskErrorSchema.safeParse(JSON.parse(json));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}
