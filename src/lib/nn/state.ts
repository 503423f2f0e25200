import { Tensor } from "../core";
import type { Params } from "./params";

/**
 * A compact file for trained weights, so they can ship as static assets:
 *
 *   bytes 0..3   "TFW1" (magic and version)
 *   bytes 4..7   header length h, uint32 little-endian
 *   next h bytes JSON header: [{"name": "blocks.0.attn.wq", "shape": [64, 64]}, ...], space-padded to a multiple of 4
 *   then         every tensor's values in header order, float32 little-endian
 *
 * The library never fetches or reads files: callers pass the bytes in and out.
 */
const MAGIC = "TFW1";

/**
 * Serialises a state dict. Exact: loading gives back the same float32 values.
 *
 * @example
 * import { saveState, loadState } from "transformer";
 * const bytes = saveState(model.params); // Uint8Array, ~4 bytes per parameter
 * const params = loadState(bytes);
 */
export function saveState(params: Params): Uint8Array {
  const entries = Object.entries(params);
  let header = JSON.stringify(entries.map(([name, t]) => ({ name, shape: t.shape })));
  header += " ".repeat((4 - (new TextEncoder().encode(header).length % 4)) % 4);
  const headerBytes = new TextEncoder().encode(header);
  const count = entries.reduce((n, [, t]) => n + t.data.length, 0);
  const bytes = new Uint8Array(8 + headerBytes.length + 4 * count);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(4, headerBytes.length, true);
  bytes.set(headerBytes, 8);
  let offset = 8 + headerBytes.length;
  for (const [, t] of entries) {
    for (let i = 0; i < t.data.length; i++, offset += 4) view.setFloat32(offset, t.data[i], true);
  }
  return bytes;
}

/**
 * Reads a state dict written by {@link saveState}. The tensors require grad
 * (they are parameters, ready for fine-tuning) unless `requiresGrad: false`.
 */
export function loadState(bytes: Uint8Array, options: { requiresGrad?: boolean } = {}): Params {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    throw new Error(`loadState: not a weights file (expected it to start with "${MAGIC}")`);
  }
  const headerLength = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as { name: string; shape: number[] }[];
  const entries: [string, Tensor][] = [];
  let offset = 8 + headerLength;
  for (const { name, shape } of header) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (offset + 4 * data.length > bytes.length) throw new Error(`loadState: file ends inside "${name}"`);
    for (let i = 0; i < data.length; i++, offset += 4) data[i] = view.getFloat32(offset, true);
    entries.push([name, new Tensor(data, shape, options.requiresGrad ?? true)]);
  }
  return Object.fromEntries(entries); // (not params[name] = ...: a tensor named "__proto__" must stay a tensor)
}

/** {@link saveState} as a base64 string (for JSON files or `localStorage`). */
export function stateToBase64(params: Params): string {
  const bytes = saveState(params);
  let binary = "";
  // String.fromCharCode takes arguments; chunk to stay under the engine's argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The inverse of {@link stateToBase64}. */
export function stateFromBase64(base64: string, options: { requiresGrad?: boolean } = {}): Params {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return loadState(bytes, options);
}

/** Copies values from `source` into the same-named tensors of `target` in place (e.g. loaded weights into a model). */
export function copyState(target: Params, source: Params): void {
  for (const [name, t] of Object.entries(target)) {
    const s = source[name];
    if (!s) throw new Error(`copyState: "${name}" is missing from the source`);
    if (s.data.length !== t.data.length || s.shape.join() !== t.shape.join()) {
      throw new Error(`copyState: "${name}" has shape [${s.shape}] in the source but [${t.shape}] in the model`);
    }
    t.data.set(s.data);
  }
}
