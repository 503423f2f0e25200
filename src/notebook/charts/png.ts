/**
 * A tiny PNG encoder in plain TypeScript, so dense charts can be one `<image>`
 * in the page and in the build alike (no canvas, no Node APIs). It writes
 * "stored" (uncompressed) deflate blocks: the output is deterministic and the
 * code short; the page's gzip compresses the base64 text well enough for the
 * chart sizes we draw (raster sides are capped, see raster.ts).
 */

/** Pixels of a PNG: either RGB bytes, or palette indices with their palette. */
export type PngPixels =
  | { kind: "rgb"; width: number; height: number; /** [height, width, 3] bytes */ data: Uint8Array }
  | { kind: "rgba"; width: number; height: number; /** [height, width, 4] bytes, alpha last */ data: Uint8Array }
  | { kind: "indexed"; width: number; height: number; /** [height, width] indices */ data: Uint8Array; /** [n, 3] bytes, n <= 256 */ palette: Uint8Array };

/** The PNG file of `pixels`. */
export function encodePng(pixels: PngPixels): Uint8Array {
  const { width, height } = pixels;
  const perPixel = pixels.kind === "rgb" ? 3 : pixels.kind === "rgba" ? 4 : 1;
  // Each scanline starts with its filter type (0: none).
  const raw = new Uint8Array(height * (1 + width * perPixel));
  for (let y = 0; y < height; y++) {
    raw.set(pixels.data.subarray(y * width * perPixel, (y + 1) * width * perPixel), y * (1 + width * perPixel) + 1);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  // 8-bit depth; colour type 2 (RGB), 6 (RGBA) or 3 (palette).
  header.set([8, pixels.kind === "rgb" ? 2 : pixels.kind === "rgba" ? 6 : 3, 0, 0, 0], 8);
  const chunks = [chunk("IHDR", header)];
  if (pixels.kind === "indexed") chunks.push(chunk("PLTE", pixels.palette));
  chunks.push(chunk("IDAT", zlibStored(raw)), chunk("IEND", new Uint8Array(0)));
  return concat([new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), ...chunks]);
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * `data:image/png;base64,...` for `png`. Encoded by hand into bytes and
 * decoded once: building a string of a [512, 512] picture character by
 * character (or through `btoa`) costs hundreds of milliseconds.
 */
export function pngDataUrl(png: Uint8Array): string {
  const codes = Uint8Array.from(BASE64, (c) => c.charCodeAt(0));
  const out = new Uint8Array(Math.ceil(png.length / 3) * 4);
  let at = 0;
  for (let i = 0; i < png.length; i += 3) {
    const a = png[i];
    const b = i + 1 < png.length ? png[i + 1] : 0;
    const c = i + 2 < png.length ? png[i + 2] : 0;
    out[at++] = codes[a >> 2];
    out[at++] = codes[((a & 3) << 4) | (b >> 4)];
    out[at++] = i + 1 < png.length ? codes[((b & 15) << 2) | (c >> 6)] : 61; // "="
    out[at++] = i + 2 < png.length ? codes[c & 63] : 61;
  }
  return `data:image/png;base64,${new TextDecoder("latin1").decode(out)}`;
}

/** A zlib stream of stored deflate blocks (at most 65,535 bytes each). */
function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 0xffff));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78; // deflate, 32 KB window
  out[1] = 0x01; // no preset dictionary, lowest level; (0x78 << 8 | 0x01) % 31 === 0
  let at = 2;
  for (let b = 0; b < blocks; b++) {
    const part = data.subarray(b * 0xffff, Math.min(data.length, (b + 1) * 0xffff));
    out[at] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE 00 (stored)
    out[at + 1] = part.length & 0xff;
    out[at + 2] = part.length >>> 8;
    out[at + 3] = ~part.length & 0xff;
    out[at + 4] = (~part.length >>> 8) & 0xff;
    out.set(part, at + 5);
    at += 5 + part.length;
  }
  new DataView(out.buffer).setUint32(at, adler32(data));
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; ) {
    // 5552 bytes is the most that can be summed before the 32-bit sums need reducing.
    const end = Math.min(bytes.length, i + 5552);
    for (; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
