/**
 * An independent PNG reader for tests: Node's zlib inflates the image data,
 * so the encoder in src/notebook/charts/png.ts is checked against a decoder
 * it shares no code with. Reads 8-bit RGB, RGBA and palette images with
 * filter type 0 (what the encoder writes) and returns RGBA bytes.
 */
import { inflateSync } from "node:zlib";

export interface DecodedPng {
  width: number;
  height: number;
  /** [height, width, 4] */
  rgba: Uint8Array;
}

export function decodePng(bytes: Uint8Array): DecodedPng {
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  if (!signature.every((b, i) => bytes[i] === b)) throw new Error("not a PNG");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  let palette: Uint8Array = new Uint8Array(0);
  const idat: Uint8Array[] = [];
  while (at < bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      colorType = data[9];
    } else if (type === "PLTE") palette = data;
    else if (type === "IDAT") idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const per = colorType === 2 ? 3 : colorType === 6 ? 4 : 1;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const line = y * (1 + width * per);
    if (raw[line] !== 0) throw new Error(`filter ${raw[line]} not supported`);
    for (let x = 0; x < width; x++) {
      const src = line + 1 + x * per;
      const dst = (y * width + x) * 4;
      if (per === 1) rgba.set([...palette.subarray(raw[src] * 3, raw[src] * 3 + 3), 255], dst);
      else rgba.set([raw[src], raw[src + 1], raw[src + 2], per === 4 ? raw[src + 3] : 255], dst);
    }
  }
  return { width, height, rgba };
}

/** The PNG inside a `data:image/png;base64,` URL. */
export function pngOfDataUrl(url: string): Uint8Array {
  return new Uint8Array(Buffer.from(url.replace(/^data:image\/png;base64,/, ""), "base64"));
}
