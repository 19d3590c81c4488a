/**
 * Where an uploaded directory's contents belong in a later work area. A build installs either the
 * Qt way (prefix {{.InstallDir}}, DESTDIR {{.InstallRoot}}, upload {{.InstallRoot}}/{{.AgentWorkingDir}}:
 * the archive's paths start with `install/`) or straight into {{.InstallDir}} and uploads that
 * directory (the archive holds `include/`, `lib/`). A dependency's artifact must land in the
 * consumer's {{.InstallDir}} either way, so the upload records its mount point: a path relative to
 * the agent's working directory where the archive is unpacked for work items that receive it.
 */

/** The work area directories the decision needs, as absolute '/'-separated paths. */
export interface MountDirs {
  readonly agentWorkingDir: string;
  readonly installRoot: string;
}

/** `target` relative to `base` when it is `base` or inside it ('.' for the same), else null. */
function inside(base: string, target: string): string | null {
  const trimmed = base.replace(/\/+$/, '');
  if (target === trimmed) return '.';
  return target.startsWith(`${trimmed}/`) ? target.slice(trimmed.length + 1) : null;
}

/**
 * The mount point of an upload of `directory` (absolute, normalised): InstallRoot mirrors the
 * file system the way DESTDIR does, so a directory under it belongs where its path below
 * InstallRoot points; anything else under the agent's working directory belongs where it was.
 * A directory outside the work area is unpacked at the working directory itself ('.').
 */
export function artifactMount(directory: string, dirs: MountDirs): string {
  const belowRoot = inside(dirs.installRoot, directory);
  const meant = belowRoot === null ? directory : belowRoot === '.' ? '/' : `/${belowRoot}`;
  return inside(dirs.agentWorkingDir, meant) ?? '.';
}

/** True for a mount point a work area may use: relative, no `..`, no empty or odd segments. */
export function isSafeMount(mount: string): boolean {
  if (mount === '.') return true;
  if (mount.length > 1024 || mount.startsWith('/')) return false;
  return mount.split('/').every((segment) => /^[A-Za-z0-9._+-]+$/.test(segment) && !/^\.\.?$/.test(segment));
}
