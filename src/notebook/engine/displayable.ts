/**
 * How the runtime recognises what the `notebook` helpers return.
 *
 * A helper tags its result with the output it stands for; when a cell's last
 * expression (or a `display` argument) is tagged, that output is shown instead
 * of the object's fields. The tag lives in a WeakMap, so the objects readers
 * see stay plain data (a PlotSpec is still a PlotSpec they can inspect).
 */
import type { Output } from "../protocol";

const tags = new WeakMap<object, Output | "hidden">();

/** Marks `value` as standing for `output`, and returns it. */
export function tagOutput<T extends object>(value: T, output: Output): T {
  tags.set(value, output);
  return value;
}

/** Marks `value` as never shown as a cell's value (e.g. a display handle). */
export function tagHidden<T extends object>(value: T): T {
  tags.set(value, "hidden");
  return value;
}

/** The output `value` stands for, "hidden", or undefined for ordinary values. */
export function taggedOutput(value: unknown): Output | "hidden" | undefined {
  return typeof value === "object" && value !== null ? tags.get(value) : undefined;
}
