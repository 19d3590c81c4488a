/**
 * The tray icons: a filled, anti-aliased circle in the colour of the pinned instance's state on a
 * transparent square, encoded as PNG here so no image files have to ship or be looked up.
 */
import zlib from 'node:zlib';
import type { TrayIconKind } from '../services/notifications/tray-state';

/** RGB of each icon: grey idle, green ok, amber busy, red error. */
export const trayIconColours: Record<TrayIconKind, readonly [number, number, number]> = {
  idle: [128, 128, 128],
  ok: [46, 160, 67],
  busy: [219, 154, 4],
  error: [207, 34, 46],
};

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** Coverage (0..1) of the pixel at (x, y) by the circle, sampled 4×4 for smooth edges. */
function coverage(x: number, y: number, size: number): number {
  const centre = size / 2;
  const radius = size / 2 - 1;
  let inside = 0;
  for (let sy = 0; sy < 4; sy++)
    for (let sx = 0; sx < 4; sx++) {
      const dx = x + (sx + 0.5) / 4 - centre;
      const dy = y + (sy + 0.5) / 4 - centre;
      if (dx * dx + dy * dy <= radius * radius) inside++;
    }
  return inside / 16;
}

/** RGBA scanlines, each led by PNG's filter byte 0. */
function pixels(kind: TrayIconKind, size: number): Buffer {
  const [r, g, b] = trayIconColours[kind];
  const rows = Buffer.alloc(size * (1 + size * 4));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 4);
    for (let x = 0; x < size; x++) {
      const at = row + 1 + x * 4;
      rows[at] = r;
      rows[at + 1] = g;
      rows[at + 2] = b;
      rows[at + 3] = Math.round(255 * coverage(x, y, size));
    }
  }
  return rows;
}

/** The PNG of one tray icon, `size` pixels square. */
export function trayIconPng(kind: TrayIconKind, size = 32): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(pixels(kind, size))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
