// Draws the app icon (build/resources/icon.png, 512x512 RGBA) with no image library: a Qt-green
// coin with a white "C" on a dark rounded square. Run `node build/resources/make-icon.mjs` after
// changing it and commit the PNG; electron-builder derives the .ico/.icns and Linux sizes from it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const size = 512;
const samples = 4; // per axis, for anti-aliased edges

const colours = {
  background: [0x1d, 0x2a, 0x35],
  rim: [0x2e, 0x9e, 0x3e],
  coin: [0x41, 0xcd, 0x52],
  letter: [0xff, 0xff, 0xff],
};

function insideRoundedSquare(x, y) {
  const inset = 24;
  const radius = 100;
  const cx = Math.min(Math.max(x, inset + radius), size - inset - radius);
  const cy = Math.min(Math.max(y, inset + radius), size - inset - radius);
  return (
    (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2 &&
    x >= inset &&
    y >= inset &&
    x <= size - inset &&
    y <= size - inset
  );
}

function insideLetterC(dx, dy, r) {
  const angle = Math.atan2(dy, dx);
  return r >= 62 && r <= 104 && Math.abs(angle) > Math.PI / 4.5;
}

/** The colour at one sample point, or null where the icon is transparent. */
function colourAt(x, y) {
  if (!insideRoundedSquare(x, y)) return null;
  const dx = x - size / 2;
  const dy = y - size / 2;
  const r = Math.hypot(dx, dy);
  if (r > 182) return colours.background;
  if (r > 166) return colours.rim;
  if (insideLetterC(dx, dy, r)) return colours.letter;
  return colours.coin;
}

function pixel(px, py) {
  const sum = [0, 0, 0, 0];
  for (let sy = 0; sy < samples; sy++) {
    for (let sx = 0; sx < samples; sx++) {
      const c = colourAt(px + (sx + 0.5) / samples, py + (sy + 0.5) / samples);
      if (!c) continue;
      sum[0] += c[0];
      sum[1] += c[1];
      sum[2] += c[2];
      sum[3] += 1;
    }
  }
  if (sum[3] === 0) return [0, 0, 0, 0];
  return [sum[0] / sum[3], sum[1] / sum[3], sum[2] / sum[3], (255 * sum[3]) / samples ** 2].map(Math.round);
}

/** Raw scanlines, each prefixed with filter type 0. */
function scanlines() {
  const rows = Buffer.alloc(size * (1 + size * 4));
  for (let y = 0; y < size; y++) {
    const rowStart = y * (1 + size * 4);
    for (let x = 0; x < size; x++) rows.set(pixel(x, y), rowStart + 1 + x * 4);
  }
  return rows;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** The icon as PNG bytes. */
export function iconPng() {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter method, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const data = zlib.deflateSync(scanlines(), { level: 9 });
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', data),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = path.join(import.meta.dirname, 'icon.png');
  fs.writeFileSync(target, iconPng());
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
