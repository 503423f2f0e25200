/**
 * Saves the reader's edits per cell in localStorage, so they survive a reload.
 *
 * A key names the chapter, the cell and a hash of the cell's ORIGINAL code:
 * when the course updates a cell, old edits of the previous version no longer
 * match and the reader sees the new code instead of a stale edit.
 *
 * Nothing here throws: a corrupt entry is reported as `corrupt` once and
 * removed (the caller tells the reader), an unusable storage as `unavailable`.
 * Another tab saving the same cell shows up as a `storage` event on this
 * one; `editFromStorageEvent` reads it.
 */

/** What is stored under a key, as JSON. */
interface StoredEdit {
  version: 1;
  code: string;
  savedAt: number;
}

/** Result of looking for a saved edit. */
export type LoadResult =
  | { status: "none" }
  /** `savedAt` is left out when the stored date is not a plausible time (a hand-edited entry). */
  | { status: "restored"; code: string; savedAt?: number }
  /** The entry existed but could not be read (bad JSON, wrong shape); it was removed. */
  | { status: "corrupt" }
  /** localStorage cannot be read at all (disabled, blocked by privacy settings). */
  | { status: "unavailable" };

/** Result of saving or clearing: `unavailable` when the storage is missing, blocked or full. */
export type SaveResult = "saved" | "unavailable";

/** Identifies one cell's edit. */
export interface EditKey {
  chapter: string;
  cellId: string;
  /** The code as the course ships it (not the edit). */
  originalCode: string;
}

const PREFIX = "nb-edit:v1";

/**
 * A 53-bit string hash (cyrb53), printed in base 36. Not cryptographic: it only
 * has to tell two versions of a cell apart.
 */
export function hashCode(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The localStorage key of one cell's edit: `nb-edit:v1:<chapter>:<cell id>:<hash of original code>`. */
export function editStorageKey({ chapter, cellId, originalCode }: EditKey): string {
  return `${PREFIX}:${chapter}:${cellId}:${hashCode(originalCode)}`;
}

function isStoredEdit(value: unknown): value is StoredEdit {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  // The code is what matters; a missing or broken date only leaves the date out of the notice.
  return entry.version === 1 && typeof entry.code === "string";
}

/** A stored time the reader can be told about: a real date, not after tomorrow. */
function isPlausibleTime(ms: number, now: number): boolean {
  return Number.isFinite(ms) && ms >= 0 && ms <= now + 86_400_000;
}

/** The edit in a stored value, or undefined when it is not one. */
function readEdit(raw: string, now: number): { code: string; savedAt?: number } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isStoredEdit(parsed)) return undefined;
  const { code, savedAt } = parsed;
  return { code, ...(typeof savedAt === "number" && isPlausibleTime(savedAt, now) ? { savedAt } : {}) };
}

/**
 * What a `storage` event says about the edit of `key`: another tab saved code
 * (`edited`), went back to the original (`reset`), or the event is about
 * something else (undefined).
 */
export function editFromStorageEvent(
  event: { key: string | null; newValue: string | null },
  key: EditKey,
  now = Date.now(),
): { kind: "edited"; code: string } | { kind: "reset" } | undefined {
  if (event.key !== editStorageKey(key)) return undefined;
  if (event.newValue === null) return { kind: "reset" };
  const edit = readEdit(event.newValue, now);
  return edit ? { kind: "edited", code: edit.code } : undefined;
}

/** Reads and writes edits in a `Storage` (localStorage in the page, a stub in tests). */
export class EditStore {
  /** @param storage `null` when the browser gives no storage at all (access throws in some privacy modes). */
  constructor(private readonly storage: Storage | null) {}

  /** The page's localStorage, or a store that reports `unavailable` when reading it throws. */
  static fromWindow(): EditStore {
    try {
      return new EditStore(window.localStorage);
    } catch {
      return new EditStore(null);
    }
  }

  /** Looks up the saved edit of a cell; an entry that cannot be read is removed, so it is reported only once. */
  load(key: EditKey, now = Date.now()): LoadResult {
    if (!this.storage) return { status: "unavailable" };
    let raw: string | null;
    try {
      raw = this.storage.getItem(editStorageKey(key));
    } catch {
      return { status: "unavailable" };
    }
    if (raw === null) return { status: "none" };
    const edit = readEdit(raw, now);
    if (!edit) {
      this.clear(key);
      return { status: "corrupt" };
    }
    return { status: "restored", ...edit };
  }

  /** Saves `code` as the cell's edit; saving the original code removes the edit instead. */
  save(key: EditKey, code: string, now = Date.now()): SaveResult {
    if (code === key.originalCode) return this.clear(key);
    if (!this.storage) return "unavailable";
    const entry: StoredEdit = { version: 1, code, savedAt: now };
    try {
      this.storage.setItem(editStorageKey(key), JSON.stringify(entry));
      return "saved";
    } catch {
      // QuotaExceededError, or a storage that refuses writes.
      return "unavailable";
    }
  }

  /** Forgets the cell's edit (Reset). */
  clear(key: EditKey): SaveResult {
    if (!this.storage) return "unavailable";
    try {
      this.storage.removeItem(editStorageKey(key));
      return "saved";
    } catch {
      return "unavailable";
    }
  }
}
