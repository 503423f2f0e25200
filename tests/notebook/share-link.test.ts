import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import {
  decodeSharedFragment,
  encodeSharedCell,
  fromBase64Url,
  isShareFragment,
  MAX_FRAGMENT,
  MAX_SHARED_CODE,
  SHARE_PREFIX,
  toBase64Url,
  type SharedCell,
} from "../../src/notebook/page/share-link";

const cell: SharedCell = { cell: "ex-softmax", base: "1k3x9q2z", code: 'const x = tensor([[1, 2]]);\n// héllo ✓ 𝑥\nx' };

/** A fragment built by hand from JSON, compressed by Node's zlib (an independent deflate). */
function fragmentOf(json: unknown, compress = true): string {
  const bytes = Buffer.from(JSON.stringify(json), "utf8");
  return compress ? `${SHARE_PREFIX}1z.${toBase64Url(deflateRawSync(bytes))}` : `${SHARE_PREFIX}1p.${toBase64Url(bytes)}`;
}

async function reasonOf(hash: string): Promise<string> {
  const result = await decodeSharedFragment(hash);
  if (result.ok) throw new Error("expected the fragment to be refused");
  return result.reason;
}

describe("base64url", () => {
  it("matches Node's base64url for every length", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString("base64url"));
        expect([...fromBase64Url(toBase64Url(bytes))!]).toEqual([...bytes]);
      }),
    );
  });

  it("refuses characters outside the alphabet and impossible lengths", () => {
    expect(fromBase64Url("ab+c")).toBeUndefined();
    expect(fromBase64Url("abcde")).toBeUndefined();
    expect(fromBase64Url("ab cd")).toBeUndefined();
  });
});

describe("share links", () => {
  it("round-trip a cell's code, id and version, any Unicode included", async () => {
    const fragment = await encodeSharedCell(cell);
    expect(isShareFragment(`#${fragment}`)).toBe(true);
    expect(await decodeSharedFragment(`#${fragment}`)).toEqual({ ok: true, shared: cell });
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 300 }), async (code) => {
        const shared = { ...cell, code };
        expect(await decodeSharedFragment(await encodeSharedCell(shared))).toEqual({ ok: true, shared });
      }),
      { numRuns: 25 },
    );
  });

  it("compress with raw deflate (Node's zlib reads the payload) and stay short for a typical cell", async () => {
    const code = "import { softmax } from \"transformer\";\n".repeat(40);
    const fragment = await encodeSharedCell({ ...cell, code });
    const payload = fragment.slice(`${SHARE_PREFIX}1z.`.length);
    const json = JSON.parse(inflateRawSync(Buffer.from(payload, "base64url")).toString("utf8"));
    expect(json).toEqual({ v: 1, cell: cell.cell, base: cell.base, code });
    expect(fragment.length).toBeLessThan(code.length / 4);
  });

  it("read links made without compression", async () => {
    expect(await decodeSharedFragment(fragmentOf({ v: 1, cell: "a", base: "x1", code: "1 + 1" }, false))).toEqual({
      ok: true,
      shared: { cell: "a", base: "x1", code: "1 + 1" },
    });
  });

  it("refuse to make a link for code longer than a link carries", async () => {
    await expect(encodeSharedCell({ ...cell, code: "x".repeat(MAX_SHARED_CODE + 1) })).rejects.toThrow(/too long to share/);
    // Code within the character limit that does not compress stays under the fragment limit or says so.
    const noise = Array.from({ length: 40_000 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20000))).join("");
    await expect(encodeSharedCell({ ...cell, code: noise })).rejects.toThrow(/link would be \d+ characters/);
  });

  it("give a reason, never a throw, for damaged, foreign or oversized fragments", async () => {
    expect(await reasonOf("#cell-x")).toMatch(/not a share link/);
    expect(await reasonOf(`#${SHARE_PREFIX}9z.abc`)).toMatch(/unknown version|cut short/);
    expect(await reasonOf(`#${SHARE_PREFIX}1z.ab+/`)).toMatch(/not valid base64url/);
    expect(await reasonOf(`#${SHARE_PREFIX}1z.${toBase64Url(new Uint8Array([1, 2, 3, 250, 251]))}`)).toMatch(/does not unpack/);
    const good = await encodeSharedCell(cell);
    expect(await reasonOf(good.slice(0, good.length - 12))).toMatch(/damaged/);
    expect(await reasonOf(`#${SHARE_PREFIX}1z.${"A".repeat(MAX_FRAGMENT)}`)).toMatch(/too long/);
    expect(await reasonOf(fragmentOf("just a string"))).toMatch(/unexpected content/);
    expect(await reasonOf(fragmentOf({ v: 2, cell: "a", base: "x", code: "" }))).toMatch(/newer or unknown version/);
    expect(await reasonOf(fragmentOf({ v: 1, cell: "<img>", base: "x", code: "" }))).toMatch(/no valid cell/);
    expect(await reasonOf(fragmentOf({ v: 1, cell: "a", base: "x", code: 42 }))).toMatch(/no code/);
    expect(await reasonOf(fragmentOf({ v: 1, cell: "a", base: "x", code: "y".repeat(MAX_SHARED_CODE + 1) }))).toMatch(/too long/);
    expect(await reasonOf(`#${SHARE_PREFIX}1z.${toBase64Url(deflateRawSync(Buffer.from([0xff, 0xfe, 0x22])))}`)).toMatch(/not readable/);
  });

  it("stop inflating a small link that unpacks into a huge one", async () => {
    const bomb = deflateRawSync(Buffer.alloc(15_000_000, 32));
    const fragment = `${SHARE_PREFIX}1z.${toBase64Url(bomb)}`;
    expect(fragment.length).toBeLessThan(MAX_FRAGMENT);
    expect(await reasonOf(fragment)).toMatch(/too long/);
  });
});
