// Draws the app icon (assets/icon.png, 512×512 RGBA) from code, so it can be regenerated
// and reviewed as a diff of this file: a dark rounded tile with a depth ladder — green
// bids on the left, red asks on the right — around a bright mid line. electron-builder
// derives the macOS .icns and Windows .ico from this one PNG.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const pixels = Buffer.alloc(SIZE * SIZE * 4);

function crc32(bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function fill(x0, y0, x1, y1, [r, g, b]) {
  for (let y = Math.max(0, y0); y < Math.min(SIZE, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(SIZE, x1); x++) {
      const i = (y * SIZE + x) * 4;
      pixels[i] = r;
      pixels[i + 1] = g;
      pixels[i + 2] = b;
      pixels[i + 3] = 255;
    }
  }
}

// The tile: a rounded square with a 96 px corner radius, transparent outside.
const RADIUS = 96;
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const cx = Math.min(Math.max(x, RADIUS), SIZE - 1 - RADIUS);
    const cy = Math.min(Math.max(y, RADIUS), SIZE - 1 - RADIUS);
    if ((x - cx) ** 2 + (y - cy) ** 2 <= RADIUS ** 2) fill(x, y, x + 1, y + 1, [11, 14, 17]);
  }
}

// The ladder: eight levels a side, depth growing away from the mid.
const bids = [60, 92, 120, 150, 132, 170, 196, 180];
const asks = [54, 80, 112, 140, 160, 128, 176, 200];
const rowHeight = 36;
const top = 256 - 4 * rowHeight - 10;
for (let level = 0; level < 8; level++) {
  const y = top + level * rowHeight;
  if (level < 4) fill(256 + 8, y + 4, 256 + 8 + asks[7 - level], y + rowHeight - 4, [240, 70, 90]);
  else fill(256 - 8 - bids[level], y + 24, 256 - 8, y + rowHeight + 16, [30, 200, 130]);
}
fill(72, 250, 440, 262, [240, 200, 60]);

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++)
  pixels.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.writeUInt8(8, 8); // bit depth
header.writeUInt8(6, 9); // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../assets/icon.png', import.meta.url), png);
console.error(`assets/icon.png: ${SIZE}×${SIZE}, ${png.length} bytes`);
