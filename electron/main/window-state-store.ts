/** The remembered window state as `window-state.json` in the app's data directory. */
import fs from 'node:fs';
import path from 'node:path';
import { parseWindowState, type WindowState } from './window-state';

/** The file inside a data directory. */
export function windowStateFile(dataDir: string): string {
  return path.join(dataDir, 'window-state.json');
}

/** The remembered state, or null (no file, unreadable, not a window state). */
export function readWindowState(file: string): WindowState | null {
  try {
    return parseWindowState(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Remember the state, synchronously (it runs while the window closes, just before the app may
 * exit) through a temp file and a rename; a failed write costs no more than the window position.
 */
export function saveWindowState(file: string, state: WindowState): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temp, `${JSON.stringify(state)}\n`);
    fs.renameSync(temp, file);
  } catch {
    fs.rmSync(temp, { force: true });
  }
}
