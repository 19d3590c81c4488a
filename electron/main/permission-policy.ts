/** Which web permissions a page of the app gets: none, except writing plain text to the clipboard. */

/**
 * The allowed permissions. Copying a revision or a log line is the one thing the UI needs;
 * camera, notifications, geolocation, media, HID, serial and the rest stay denied.
 */
export const allowedPermissions: readonly string[] = ['clipboard-sanitized-write'];

/** True when a page may have `permission`. */
export function isPermissionAllowed(permission: string): boolean {
  return allowedPermissions.includes(permission);
}
