import zlib from 'node:zlib';
import { expect, test } from 'vitest';
import { trayIconColours, trayIconPng } from '../../../../electron/main/tray-icon-image';

/** The chunks of a PNG, with their CRCs checked. */
function chunks(png: Buffer): Map<string, Buffer> {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const found = new Map<string, Buffer>();
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const typeAndData = png.subarray(at + 4, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length)).toBe(zlib.crc32(typeAndData) >>> 0);
    found.set(typeAndData.subarray(0, 4).toString('ascii'), typeAndData.subarray(4));
    at += 12 + length;
  }
  return found;
}

test('each icon is a valid RGBA PNG: a circle in its colour on a transparent square', () => {
  for (const kind of ['idle', 'ok', 'busy', 'error'] as const) {
    const png = chunks(trayIconPng(kind, 16));
    const header = png.get('IHDR')!;
    expect([header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9]]).toEqual([16, 16, 8, 6]);
    expect([...png.keys()]).toEqual(['IHDR', 'IDAT', 'IEND']);
    const rows = zlib.inflateSync(png.get('IDAT')!);
    const pixel = (x: number, y: number) => [...rows.subarray(y * 65 + 1 + x * 4, y * 65 + 5 + x * 4)];
    expect(pixel(8, 8)).toEqual([...trayIconColours[kind], 255]);
    expect(pixel(0, 0)[3]).toBe(0);
    const edge = pixel(8, 1)[3]!;
    expect(edge).toBeGreaterThan(0);
  }
});
