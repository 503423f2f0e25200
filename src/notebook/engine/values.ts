/**
 * Reduces any JavaScript value to a `ValueView`: plain data the page can
 * render by type. Big values are cut (with `truncated`), cycles and deep
 * nesting stop early, and nothing here ever throws on a strange value.
 */
import type { ValueView } from "../protocol";
import { isTensorLike } from "./tensor-like";

/** Limits that keep a view small enough to post and to read. */
export const VIEW_LIMITS = {
  /** Tensor values sent in full up to this many (a 64 x 64 heatmap). */
  tensorValues: 4096,
  arrayItems: 100,
  objectEntries: 50,
  depth: 4,
  stringLength: 10_000,
} as const;

/** The view of `value`; see `VIEW_LIMITS` for what is cut. */
export function toValueView(value: unknown): ValueView {
  return view(value, 0, new Set());
}

function view(value: unknown, depth: number, seen: Set<object>): ValueView {
  switch (typeof value) {
    case "number":
      return { type: "number", value };
    case "string":
      return { type: "string", value: clip(value) };
    case "boolean":
      return { type: "boolean", value };
    case "undefined":
      return { type: "undefined" };
    case "bigint":
      return { type: "bigint", value: value.toString() };
    case "symbol":
      return { type: "string", value: value.toString() };
    case "function":
      return { type: "function", name: value.name || "anonymous", signature: signatureOf(value) };
  }
  if (value === null) return { type: "null" };
  const object = value as object;
  if (isTensorLike(object)) return tensorView(object);
  if (seen.has(object)) return { type: "object", constructorName: "[Circular]", entries: [], truncated: false };
  const constructorName = safeConstructorName(object);
  if (depth >= VIEW_LIMITS.depth) return { type: "object", constructorName, entries: [], truncated: true };
  seen.add(object);
  try {
    if (ArrayBuffer.isView(object) && !(object instanceof DataView)) {
      const items = Array.from(object as unknown as ArrayLike<number | bigint>);
      return listView(items, depth, seen);
    }
    if (Array.isArray(object)) return listView(object, depth, seen);
    if (object instanceof Date) return { type: "string", value: object.toISOString() };
    if (object instanceof Error) return { type: "string", value: `${object.name}: ${object.message}` };
    if (object instanceof Map) {
      const entries = [...object].map(([k, v]) => [String(k), v] as [string, unknown]);
      return entriesView("Map", entries, depth, seen);
    }
    if (object instanceof Set) return { ...listView([...object], depth, seen) };
    if (object instanceof Promise) return { type: "object", constructorName: "Promise", entries: [], truncated: false };
    return entriesView(constructorName, Object.entries(object), depth, seen);
  } catch {
    // A getter that throws, a revoked proxy: show the type only.
    return { type: "object", constructorName, entries: [], truncated: true };
  } finally {
    seen.delete(object);
  }
}

function listView(items: unknown[], depth: number, seen: Set<object>): ValueView {
  const shown = items.slice(0, VIEW_LIMITS.arrayItems);
  return {
    type: "array",
    length: items.length,
    items: shown.map((item) => view(item, depth + 1, seen)),
    truncated: items.length > shown.length,
  };
}

function entriesView(constructorName: string, entries: [string, unknown][], depth: number, seen: Set<object>): ValueView {
  const shown = entries.slice(0, VIEW_LIMITS.objectEntries);
  return {
    type: "object",
    constructorName,
    entries: shown.map(([key, item]) => [key, view(item, depth + 1, seen)]),
    truncated: entries.length > shown.length,
  };
}

function tensorView(tensor: { shape: number[]; data: ArrayLike<number>; requiresGrad?: boolean }): ValueView {
  const total = tensor.data.length;
  const count = Math.min(total, VIEW_LIMITS.tensorValues);
  const values = new Array<number>(count);
  for (let i = 0; i < count; i++) values[i] = Number(tensor.data[i]);
  return {
    type: "tensor",
    shape: [...tensor.shape],
    values,
    truncated: count < total,
    requiresGrad: Boolean(tensor.requiresGrad),
    text: clip(tensorText(tensor)),
  };
}

/** The library's own printout when it has one, otherwise a compact fallback. */
function tensorText(tensor: object): string {
  const own = (tensor as { toString(): string }).toString;
  if (typeof own === "function" && own !== Object.prototype.toString) {
    try {
      return String(own.call(tensor));
    } catch {
      // fall through to the fallback
    }
  }
  const { shape, data } = tensor as { shape: number[]; data: ArrayLike<number> };
  const head = Array.from(data).slice(0, 8).map((v) => Number(v).toFixed(4));
  return `tensor(shape=[${shape.join(", ")}], [${head.join(", ")}${data.length > 8 ? ", …" : ""}])`;
}

function signatureOf(fn: Function): string {
  let source = "";
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return "(…)";
  }
  if (/^class\b/.test(source)) return "class";
  const params = /^[^(]*\(([^)]*)\)/.exec(source) ?? /^(?:async\s+)?([\w$]+)\s*=>/.exec(source);
  return `(${params ? params[1].replace(/\s+/g, " ").trim() : "…"})`;
}

function safeConstructorName(object: object): string {
  try {
    const proto = Object.getPrototypeOf(object);
    if (proto === null) return "Object";
    return typeof proto.constructor === "function" && proto.constructor.name ? proto.constructor.name : "Object";
  } catch {
    return "Object";
  }
}

function clip(text: string): string {
  return text.length > VIEW_LIMITS.stringLength ? `${text.slice(0, VIEW_LIMITS.stringLength)}…` : text;
}

/**
 * One line of text for `console.log` arguments: strings as they are, tensors
 * by their printout, other values as compact JSON-like text.
 */
export function formatLogArgument(value: unknown): string {
  if (typeof value === "string") return value;
  if (isTensorLike(value)) return tensorText(value);
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  if (typeof value === "object" && value !== null) {
    try {
      const seen = new WeakSet();
      return JSON.stringify(value, (_key, v) => {
        if (typeof v === "bigint") return `${v}n`;
        if (isTensorLike(v)) return tensorText(v);
        if (typeof v === "object" && v !== null) {
          if (seen.has(v)) return "[Circular]";
          seen.add(v);
        }
        return v;
      });
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}
