// Where the main window reopens, against display layouts as Electron's `screen` reports them.
import { describe, expect, test } from 'vitest';
import {
  parseWindowState,
  placeWindow,
  windowSizes,
  type DisplayLike,
} from '../../../../electron/main/window-state';

const laptop: DisplayLike = { workArea: { x: 0, y: 25, width: 1440, height: 875 } };
// A monitor to the right of the laptop, and one above it.
const right: DisplayLike = { workArea: { x: 1440, y: 0, width: 2560, height: 1400 } };
const above: DisplayLike = { workArea: { x: 0, y: -1080, width: 1920, height: 1080 } };
const small: DisplayLike = { workArea: { x: 0, y: 0, width: 1024, height: 600 } };

const state = (x: number, y: number, width: number, height: number, maximized = false) => ({
  bounds: { x, y, width, height },
  maximized,
});

describe('the remembered state', () => {
  test('is read back; anything else is ignored', () => {
    expect(parseWindowState('{"bounds":{"x":-5,"y":10,"width":900,"height":700},"maximized":true}')).toEqual(
      state(-5, 10, 900, 700, true),
    );
    for (const text of [
      undefined,
      '',
      'null',
      '{"bounds":{"x":0}}',
      '{"bounds":{"x":0,"y":0,"width":0,"height":5},"maximized":false}',
    ])
      expect(parseWindowState(text), String(text)).toBeNull();
  });
});

describe('placing the window', () => {
  test('the first start centres the initial size on the primary display', () => {
    expect(placeWindow(null, [laptop], laptop)).toEqual(state(80, 33, 1280, 860));
  });

  test('bounds that still fit where they were are kept, on any display, maximised or not', () => {
    const onRight = state(2000, 100, 1200, 900, true);
    expect(placeWindow(onRight, [laptop, right], laptop)).toEqual(onRight);
    const onAbove = state(100, -1000, 1000, 700);
    expect(placeWindow(onAbove, [laptop, right, above], laptop)).toEqual(onAbove);
  });

  test('a window on a monitor that was unplugged comes back centred on the primary, in its size', () => {
    const onRight = state(2000, 100, 1200, 800, true);
    expect(placeWindow(onRight, [laptop], laptop)).toEqual(state(120, 63, 1200, 800, true));
  });

  test('a window hanging over an edge is pulled inside the display it mostly covers', () => {
    // Mostly on the laptop, partly off its bottom-left corner.
    expect(placeWindow(state(-200, 500, 1000, 700), [laptop, right], laptop)).toEqual(
      state(0, 200, 1000, 700),
    );
    // Mostly on the right monitor, sticking out at its right edge.
    expect(placeWindow(state(3500, 50, 1000, 700), [laptop, right], laptop)).toEqual(
      state(3000, 50, 1000, 700),
    );
  });

  test('a window bigger than its display (a lowered resolution) is shrunk to the work area', () => {
    expect(placeWindow(state(0, 0, 1800, 1000), [small], small)).toEqual(state(0, 0, 1024, 600));
    expect(placeWindow(null, [small], small).bounds).toEqual({ x: 0, y: 0, width: 1024, height: 600 });
  });

  test('never smaller than the minimum size while the display has room', () => {
    const tiny = state(10, 40, 300, 200);
    const placed = placeWindow(tiny, [laptop], laptop).bounds;
    expect([placed.width, placed.height]).toEqual([windowSizes.min.width, windowSizes.min.height]);
  });
});
