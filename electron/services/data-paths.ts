/** Where the desktop app keeps its data when no Electron `app.getPath` is at hand. */
import os from 'node:os';
import path from 'node:path';

/** The per-user data directory of Coin Admin (XDG on Linux, the platform's usual place elsewhere). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.COIN_ADMIN_DATA_DIR) return env.COIN_ADMIN_DATA_DIR;
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Coin Admin');
  if (platform === 'win32')
    return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Coin Admin');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'coin-admin');
}

/** The working directory of the local Coin instance the app hosts. */
export function localInstanceDir(dataDir: string): string {
  return path.join(dataDir, 'local-instance');
}
