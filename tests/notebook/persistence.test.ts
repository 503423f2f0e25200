import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { EditStore, editFromStorageEvent, editStorageKey, hashCode, type EditKey } from "../../src/notebook/page/persistence";

/** A Storage like the browser's: string values, and a byte quota beyond which setItem throws. */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  constructor(private readonly quotaChars = Infinity) {}
  get length() {
    return this.items.size;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    const used = [...this.items].reduce((sum, [k, v]) => sum + (k === key ? 0 : k.length + v.length), 0);
    if (used + key.length + value.length > this.quotaChars) {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    }
    this.items.set(key, String(value));
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  clear() {
    this.items.clear();
  }
}

/** A Storage whose every access throws, as in browsers that block site data. */
class BlockedStorage extends MemoryStorage {
  override getItem(): string | null {
    throw new DOMException("Access denied", "SecurityError");
  }
  override setItem(): void {
    throw new DOMException("Access denied", "SecurityError");
  }
}

const key: EditKey = { chapter: "how-to-use", cellId: "scores", originalCode: "const x = 1;" };

describe("EditStore", () => {
  it("restores an edit in a new store over the same storage (a reload)", () => {
    const storage = new MemoryStorage();
    expect(new EditStore(storage).save(key, "const x = 2;", 1234)).toBe("saved");
    expect(new EditStore(storage).load(key)).toEqual({ status: "restored", code: "const x = 2;", savedAt: 1234 });
  });

  it("finds nothing for a cell that was never edited", () => {
    expect(new EditStore(new MemoryStorage()).load(key)).toEqual({ status: "none" });
  });

  it("keeps edits of different chapters and cells apart", () => {
    const store = new EditStore(new MemoryStorage());
    store.save(key, "const x = 2;");
    expect(store.load({ ...key, cellId: "other" }).status).toBe("none");
    expect(store.load({ ...key, chapter: "softmax" }).status).toBe("none");
  });

  it("does not restore an edit of an older version of the cell", () => {
    const store = new EditStore(new MemoryStorage());
    store.save(key, "const x = 2;");
    expect(store.load({ ...key, originalCode: "const x = 10;" }).status).toBe("none");
  });

  it("removes the edit when the code is reset or edited back to the original", () => {
    const storage = new MemoryStorage();
    const store = new EditStore(storage);
    store.save(key, "const x = 2;");
    store.save(key, key.originalCode);
    expect(store.load(key).status).toBe("none");
    store.save(key, "const x = 3;");
    store.clear(key);
    expect(storage.length).toBe(0);
  });

  it.each([
    ["not JSON", "{oops"],
    ["JSON of the wrong shape", JSON.stringify({ version: 1, code: 42 })],
    ["a future format", JSON.stringify({ version: 2, code: "x", savedAt: 0 })],
    ["null", "null"],
  ])("reports an entry that is %s as corrupt without throwing", (_label, raw) => {
    const storage = new MemoryStorage();
    storage.setItem(editStorageKey(key), raw);
    expect(new EditStore(storage).load(key)).toEqual({ status: "corrupt" });
    // Removed, so the reader is told once, not on every load.
    expect(new EditStore(storage).load(key)).toEqual({ status: "none" });
  });

  it.each([
    ["far in the future", 1e300],
    ["not a number", Number.NaN],
    ["before 1970", -5],
  ])("restores an edit whose date is %s without the date", (_label, savedAt) => {
    const storage = new MemoryStorage();
    storage.setItem(editStorageKey(key), JSON.stringify({ version: 1, code: "const x = 2;", savedAt }));
    expect(new EditStore(storage).load(key, 1_700_000_000_000)).toEqual({ status: "restored", code: "const x = 2;" });
  });

  it("reads another tab's save or reset of the same cell from a storage event, and ignores other keys", () => {
    const storageKey = editStorageKey(key);
    const value = JSON.stringify({ version: 1, code: "const x = 5;", savedAt: 1 });
    expect(editFromStorageEvent({ key: storageKey, newValue: value }, key)).toEqual({ kind: "edited", code: "const x = 5;" });
    expect(editFromStorageEvent({ key: storageKey, newValue: null }, key)).toEqual({ kind: "reset" });
    expect(editFromStorageEvent({ key: storageKey, newValue: "{oops" }, key)).toBeUndefined();
    expect(editFromStorageEvent({ key: editStorageKey({ ...key, cellId: "other" }), newValue: value }, key)).toBeUndefined();
    expect(editFromStorageEvent({ key: null, newValue: null }, key)).toBeUndefined();
  });

  it("reports a full storage as unavailable instead of throwing", () => {
    const store = new EditStore(new MemoryStorage(200));
    expect(store.save(key, "x".repeat(10))).toBe("saved");
    expect(store.save(key, "x".repeat(500))).toBe("unavailable");
    // The earlier, smaller edit is still there: a failed save loses nothing already saved.
    expect(store.load(key)).toMatchObject({ status: "restored", code: "x".repeat(10) });
  });

  it("reports blocked or missing storage as unavailable", () => {
    for (const store of [new EditStore(new BlockedStorage()), new EditStore(null)]) {
      expect(store.load(key)).toEqual({ status: "unavailable" });
      expect(store.save(key, "const x = 2;")).toBe("unavailable");
    }
  });

  it("round-trips any code, including non-ASCII text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string(), (code, cellId) => {
        const k = { ...key, cellId };
        const store = new EditStore(new MemoryStorage());
        store.save(k, code);
        const loaded = store.load(k);
        return code === k.originalCode ? loaded.status === "none" : loaded.status === "restored" && loaded.code === code;
      }),
    );
  });
});

describe("hashCode", () => {
  it("is stable and tells different versions of a cell apart", () => {
    expect(hashCode("const x = 1;")).toBe(hashCode("const x = 1;"));
    const hashes = new Set(Array.from({ length: 2000 }, (_, i) => hashCode(`const x = ${i};`)));
    expect(hashes.size).toBe(2000);
  });
});
