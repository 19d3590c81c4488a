/**
 * Where the main window opens: the bounds and maximised state it had last time, moved onto a
 * display that is still there and shrunk to fit its work area (a monitor unplugged since, a
 * resolution lowered). Pure functions of plain values; the glue reads displays from `screen`.
 */
import * as z from 'zod';

/** A rectangle in screen coordinates (Electron's Rectangle). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A display as far as placement cares: its work area (without task bars and docks). */
export interface DisplayLike {
  workArea: Rect;
}

const rectSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

/** What is remembered of the window: its normal (not maximised) bounds and whether it was maximised. */
export const windowStateSchema = z.object({ bounds: rectSchema, maximized: z.boolean() });
export type WindowState = z.infer<typeof windowStateSchema>;

/** The window's size when nothing is remembered, and the smallest it may be. */
export const windowSizes = { initial: { width: 1280, height: 860 }, min: { width: 800, height: 560 } };

/** The remembered state from the file's text; null when absent or not a window state. */
export function parseWindowState(text: string | undefined): WindowState | null {
  if (text === undefined) return null;
  try {
    const parsed = windowStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The area two rectangles share. */
export function overlapArea(a: Rect, b: Rect): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), Math.max(low, high));
}

/** `size` shrunk to the work area (but never below the minimum unless the area itself is smaller). */
function fitSize(size: { width: number; height: number }, area: Rect): { width: number; height: number } {
  const width = Math.min(Math.max(size.width, windowSizes.min.width), area.width);
  const height = Math.min(Math.max(size.height, windowSizes.min.height), area.height);
  return { width, height };
}

/** `bounds` moved and shrunk so that it lies within `area`. */
export function fitInto(bounds: Rect, area: Rect): Rect {
  const { width, height } = fitSize(bounds, area);
  return {
    x: clamp(bounds.x, area.x, area.x + area.width - width),
    y: clamp(bounds.y, area.y, area.y + area.height - height),
    width,
    height,
  };
}

/** A window of `size` (the initial one by default) centred on the work area. */
export function centredOn(area: Rect, size: { width: number; height: number } = windowSizes.initial): Rect {
  const { width, height } = fitSize(size, area);
  const x = area.x + Math.round((area.width - width) / 2);
  const y = area.y + Math.round((area.height - height) / 2);
  return { x, y, width, height };
}

/**
 * Where to open the window: the remembered bounds on the display they overlap most, fitted into
 * its work area; centred on the primary display, in the remembered size, when they overlap none.
 */
export function placeWindow(
  saved: WindowState | null,
  displays: readonly DisplayLike[],
  primary: DisplayLike,
): WindowState {
  if (!saved) return { bounds: centredOn(primary.workArea), maximized: false };
  let best = primary;
  let bestArea = 0;
  for (const display of displays) {
    const area = overlapArea(saved.bounds, display.workArea);
    if (area > bestArea) [best, bestArea] = [display, area];
  }
  const bounds =
    bestArea > 0 ? fitInto(saved.bounds, best.workArea) : centredOn(primary.workArea, saved.bounds);
  return { bounds, maximized: saved.maximized };
}
