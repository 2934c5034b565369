// Draws the app's icon (a person on the app's blue) and writes it twice, from the same shapes:
// static/icon.svg for browsers that take an SVG icon, and static/favicon.ico for everything that asks for
// /favicon.ico by name (browsers on pages that link no icon, bookmarks, crawlers). Without the .ico the
// static assets' single-page fallback answered that path with the app's HTML.
// Run `npx tsx dev/app-icon.ts` after changing a shape; both files are committed, and the output is the
// same bytes every time.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// In a 32-unit square; the blue is the app's --accent (static/app/app.css).
const VIEW = 32;
const BACKGROUND = { color: [0x1f, 0x5f, 0xbf], cornerRadius: 7 };
const FOREGROUND = [0xff, 0xff, 0xff];
const HEAD = { cx: 16, cy: 11.5, r: 5.5 };
// The shoulders: the upper half of an ellipse standing on y = SHOULDERS.base.
const SHOULDERS = { cx: 16, base: 27, rx: 9.5, ry: 8.5 };

function inBackground(x: number, y: number): boolean {
  const r = BACKGROUND.cornerRadius;
  if (x < 0 || y < 0 || x > VIEW || y > VIEW) return false;
  // Nearest point of the square shrunk by the corner radius: inside when within r of it.
  const dx = x - Math.min(Math.max(x, r), VIEW - r);
  const dy = y - Math.min(Math.max(y, r), VIEW - r);
  return dx * dx + dy * dy <= r * r;
}

function inPerson(x: number, y: number): boolean {
  const head = (x - HEAD.cx) ** 2 + (y - HEAD.cy) ** 2 <= HEAD.r ** 2;
  const { cx, base, rx, ry } = SHOULDERS;
  const shoulders = y <= base && ((x - cx) / rx) ** 2 + ((y - base) / ry) ** 2 <= 1;
  return head || shoulders;
}

const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${VIEW} ${VIEW}">\
<rect width="${VIEW}" height="${VIEW}" rx="${BACKGROUND.cornerRadius}" fill="#${BACKGROUND.color.map((c) => c.toString(16).padStart(2, "0")).join("")}"/>\
<circle cx="${HEAD.cx}" cy="${HEAD.cy}" r="${HEAD.r}" fill="#fff"/>\
<path d="M${SHOULDERS.cx - SHOULDERS.rx} ${SHOULDERS.base}a${SHOULDERS.rx} ${SHOULDERS.ry} 0 0 1 ${2 * SHOULDERS.rx} 0z" fill="#fff"/>\
</svg>
`;

/** RGBA pixels, top row first, each pixel the average of 8×8 samples so edges are smooth. */
function render(size: number): Uint8Array {
  const SAMPLES = 8;
  const pixels = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // Premultiplied sums, so a half-covered edge pixel is half as opaque, not darker.
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = ((px + (sx + 0.5) / SAMPLES) * VIEW) / size;
          const y = ((py + (sy + 0.5) / SAMPLES) * VIEW) / size;
          if (!inBackground(x, y)) continue;
          const [cr, cg, cb] = inPerson(x, y) ? FOREGROUND : BACKGROUND.color;
          r += cr!;
          g += cg!;
          b += cb!;
          a += 1;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) [pixels[i], pixels[i + 1], pixels[i + 2]] = [r / a, g / a, b / a].map(Math.round) as [number, number, number];
      pixels[i + 3] = Math.round((a / SAMPLES ** 2) * 255);
    }
  }
  return pixels;
}

/**
 * One image of an ICO file as a device-independent bitmap: a BITMAPINFOHEADER, then 32-bit BGRA rows
 * bottom-up, then the 1-bit transparency mask (for readers that ignore alpha), rows padded to 4 bytes.
 */
function bitmap(size: number): Buffer {
  const rgba = render(size);
  const maskRowBytes = Math.ceil(size / 32) * 4;
  const out = Buffer.alloc(40 + size * size * 4 + maskRowBytes * size);
  out.writeUInt32LE(40, 0); // header size
  out.writeInt32LE(size, 4);
  out.writeInt32LE(size * 2, 8); // the colour rows and the mask rows, stacked
  out.writeUInt16LE(1, 12); // planes
  out.writeUInt16LE(32, 14); // bits per pixel
  out.writeUInt32LE(0, 16); // no compression
  out.writeUInt32LE(out.length - 40, 20);
  const maskStart = 40 + size * size * 4;
  for (let row = 0; row < size; row++) {
    const y = size - 1 - row;
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const o = 40 + (row * size + x) * 4;
      [out[o], out[o + 1], out[o + 2], out[o + 3]] = [rgba[i + 2]!, rgba[i + 1]!, rgba[i]!, rgba[i + 3]!];
      if (rgba[i + 3] === 0) out[maskStart + row * maskRowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return out;
}

/** An ICO file: its header, one 16-byte directory entry per image, then the images. */
function ico(sizes: number[]): Buffer {
  const images = sizes.map(bitmap);
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1: icon (2 would be a cursor)
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach((image, n) => {
    const entry = 6 + 16 * n;
    header.writeUInt8(sizes[n]!, entry); // width, height (below 256)
    header.writeUInt8(sizes[n]!, entry + 1);
    header.writeUInt16LE(1, entry + 4); // planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(image.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += image.length;
  });
  return Buffer.concat([header, ...images]);
}

writeFileSync(join(root, "static", "icon.svg"), svg);
writeFileSync(join(root, "static", "favicon.ico"), ico([16, 32, 48]));
