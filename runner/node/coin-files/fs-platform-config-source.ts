/**
 * PlatformConfigSource over a directory of platform configuration files, normally
 * `<qt5 checkout>/coin/platform_configs`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PlatformConfigSource } from '../../core/coin-files/platform-configs';

/** Reads `<dir>/<name>`; names are plain file names, never paths. */
export class FsPlatformConfigSource implements PlatformConfigSource {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /** The file's text, or undefined when there is no such file. */
  read(name: string): { file: string; text: string } | undefined {
    if (name !== path.basename(name) || name.startsWith('.')) return undefined;
    const file = path.join(this.dir, name);
    try {
      return { file, text: fs.readFileSync(file, 'utf8') };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') return undefined;
      throw error;
    }
  }

  /** The names of every `.yaml` file in the directory, sorted. */
  names(): string[] {
    return fs
      .readdirSync(this.dir)
      .filter((n) => n.endsWith('.yaml'))
      .sort();
  }
}
