/**
 * Share links: a cell's edited code carried in the URL's fragment.
 *
 * The fragment (`#share=…`) is never sent to a server, so the code goes from
 * one reader's browser to another's and nowhere else. It holds, as JSON
 * compressed with `deflate-raw` and written in base64url:
 *
 *   { v: 1, cell: "ex-softmax", base: "<hash of the cell's original code>", code: "…" }
 *
 * `base` lets the page tell a link made from an older version of the chapter
 * (the course changed that cell since) from a current one. Where
 * `CompressionStream` is missing the JSON is stored uncompressed, with its own
 * prefix, so a link made there still opens everywhere.
 *
 * Decoding believes nothing: a fragment that is too long, not base64url, not
 * deflate, not JSON or not the right shape gives a message and no code, and
 * inflating stops as soon as the output passes the size limit (a small link
 * cannot unpack into gigabytes).
 */

/** The fragment's prefix: `#share=…`. */
export const SHARE_PREFIX = "share=";

/** The longest code a link carries, in characters (more than any cell of the course needs). */
export const MAX_SHARED_CODE = 50_000;

/** The longest fragment the page reads; also the longest link it makes (chat and mail programs cut long links). */
export const MAX_FRAGMENT = 32_000;

/** Payload versions: `1z` compressed JSON, `1p` plain JSON (no CompressionStream). */
const COMPRESSED = "1z.";
const PLAIN = "1p.";

/** What a share link carries. */
export interface SharedCell {
  /** The cell's id in its chapter. */
  cell: string;
  /** `hashCode` of the cell's original code when the link was made. */
  base: string;
  /** The edited code. */
  code: string;
}

/** A decoded fragment: the shared cell, or why there is none. */
export type DecodeResult = { ok: true; shared: SharedCell } | { ok: false; reason: string };

/** True when `hash` (with or without its `#`) is a share link's fragment. */
export function isShareFragment(hash: string): boolean {
  return hash.replace(/^#/, "").startsWith(SHARE_PREFIX);
}

/** The fragment (without `#`) that carries `shared`; throws a readable error when the code is too long for a link. */
export async function encodeSharedCell(shared: SharedCell): Promise<string> {
  if (shared.code.length > MAX_SHARED_CODE) {
    throw new Error(`the code is too long to share as a link (${shared.code.length} characters; a link carries at most ${MAX_SHARED_CODE})`);
  }
  const json = new TextEncoder().encode(JSON.stringify({ v: 1, cell: shared.cell, base: shared.base, code: shared.code }));
  const payload = hasCompression() ? COMPRESSED + toBase64Url(await deflate(json)) : PLAIN + toBase64Url(json);
  const fragment = SHARE_PREFIX + payload;
  if (fragment.length > MAX_FRAGMENT) {
    throw new Error(`the code is too long to share as a link (the link would be ${fragment.length} characters; at most ${MAX_FRAGMENT} are safe)`);
  }
  return fragment;
}

/** Reads a share fragment (with or without `#`). Never throws. */
export async function decodeSharedFragment(hash: string): Promise<DecodeResult> {
  const fragment = hash.replace(/^#/, "");
  if (!fragment.startsWith(SHARE_PREFIX)) return fail("it is not a share link");
  if (fragment.length > MAX_FRAGMENT) return fail(`it is too long (${fragment.length} characters; a share link has at most ${MAX_FRAGMENT})`);
  const payload = fragment.slice(SHARE_PREFIX.length);
  const compressed = payload.startsWith(COMPRESSED);
  if (!compressed && !payload.startsWith(PLAIN)) return fail("it was made by a newer or unknown version of the course, or it was cut short");
  const bytes = fromBase64Url(payload.slice(COMPRESSED.length));
  if (!bytes) return fail("it is damaged (not valid base64url: was it cut or changed when it was copied?)");
  let json: Uint8Array;
  if (compressed) {
    if (!hasCompression()) return fail("this browser cannot unpack it (no CompressionStream); try a current browser");
    const inflated = await inflate(bytes, maxJsonBytes());
    if (!inflated.ok) return inflated;
    json = inflated.bytes;
  } else {
    if (bytes.length > maxJsonBytes()) return fail("its code is too long");
    json = bytes;
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch {
    return fail("it is damaged (its content is not readable)");
  }
  return readShared(value);
}

/** The JSON's fields, checked one by one. */
function readShared(value: unknown): DecodeResult {
  if (typeof value !== "object" || value === null) return fail("it is damaged (unexpected content)");
  const { v, cell, base, code } = value as Record<string, unknown>;
  if (v !== 1) return fail("it was made by a newer or unknown version of the course");
  if (typeof cell !== "string" || !/^[A-Za-z][\w-]{0,199}$/.test(cell)) return fail("it names no valid cell");
  if (typeof base !== "string" || !/^[0-9a-z]{1,20}$/.test(base)) return fail("it is damaged (no version of the cell)");
  if (typeof code !== "string") return fail("it carries no code");
  if (code.length > MAX_SHARED_CODE) return fail(`its code is too long (${code.length} characters; at most ${MAX_SHARED_CODE})`);
  return { ok: true, shared: { cell, base, code } };
}

function fail(reason: string): DecodeResult {
  return { ok: false, reason };
}

/** UTF-8 takes at most 3 bytes per UTF-16 unit; the JSON adds escapes and the other fields. */
function maxJsonBytes(): number {
  return MAX_SHARED_CODE * 6 + 1000;
}

function hasCompression(): boolean {
  return typeof CompressionStream === "function" && typeof DecompressionStream === "function";
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Inflates `bytes`, giving up (and cancelling the stream) once the output passes `limit` bytes. */
async function inflate(bytes: Uint8Array, limit: number): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; reason: string }> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        void reader.cancel().catch(() => undefined);
        return { ok: false, reason: `its code is too long (more than ${MAX_SHARED_CODE} characters)` };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: "it is damaged (the compressed code does not unpack: was it cut or changed when it was copied?)" };
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return { ok: true, bytes: out };
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** base64url without padding (RFC 4648 §5): safe in a fragment without escaping. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let c = 0; c < chars; c++) out += ALPHABET[(n >> (18 - 6 * c)) & 63];
  }
  return out;
}

/** The bytes of a base64url string (padding tolerated), or undefined when it is not one. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  const clean = text.replace(/=+$/, "");
  if (!/^[A-Za-z0-9_-]*$/.test(clean) || clean.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((clean.length * 6) / 8));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (const char of clean) {
    value = ((value << 6) | ALPHABET.indexOf(char)) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 255;
    }
  }
  return out;
}
