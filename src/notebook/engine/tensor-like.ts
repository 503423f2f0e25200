/**
 * Recognising tensors without importing the library: the runtime must work
 * with whatever `Tensor` class the library has (and with a half-written one),
 * so anything with a numeric `shape` array and an array-like `data` of the
 * matching size counts.
 */

/** The part of a tensor the notebook reads. */
export interface TensorLike {
  shape: number[];
  data: ArrayLike<number>;
  requiresGrad?: boolean;
}

/** Whether `value` looks like a tensor (shape + data of matching size). */
export function isTensorLike(value: unknown): value is TensorLike {
  if (typeof value !== "object" || value === null) return false;
  const { shape, data } = value as Partial<TensorLike>;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) return false;
  if (!(ArrayBuffer.isView(data) || Array.isArray(data))) return false;
  return (data as ArrayLike<number>).length === shape.reduce((a, b) => a * b, 1);
}

/** `[2, 3]` -> `"[2, 3]"`, the way shapes are written everywhere in the course. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** A matrix flattened row-major, as heatmaps and dot plots need it. */
export interface Matrix {
  rows: number;
  cols: number;
  values: number[];
}

/**
 * Reads a 2-D matrix from a tensor (leading axes of size 1 are dropped; a 1-D
 * tensor is one row) or from nested arrays.
 * @throws Error naming `helper` and the shape when it is not 2-D
 */
export function toMatrix(input: unknown, helper: string): Matrix {
  if (isTensorLike(input)) {
    let shape = [...input.shape];
    while (shape.length > 2 && shape[0] === 1) shape = shape.slice(1);
    if (shape.length === 1) shape = [1, shape[0]];
    if (shape.length !== 2) {
      throw new Error(`${helper}: needs a 2-D tensor [rows, cols], got shape ${shapeText(input.shape)}; pick one slice first`);
    }
    return { rows: shape[0], cols: shape[1], values: Array.from(input.data, Number) };
  }
  if (Array.isArray(input) && input.every((row) => Array.isArray(row) || ArrayBuffer.isView(row))) {
    const rows = input as ArrayLike<number>[];
    const cols = rows[0]?.length ?? 0;
    if (rows.some((row) => row.length !== cols)) throw new Error(`${helper}: every row must have the same length`);
    return { rows: rows.length, cols, values: rows.flatMap((row) => Array.from(row, Number)) };
  }
  if (Array.isArray(input) || ArrayBuffer.isView(input)) {
    const values = Array.from(input as ArrayLike<number>, Number);
    return { rows: 1, cols: values.length, values };
  }
  throw new Error(`${helper}: expected a Tensor or an array of number rows, got ${describe(input)}`);
}

/** Reads a 1-D list of numbers from a tensor (any shape, flattened) or an array. */
export function toNumbers(input: unknown, helper: string): number[] {
  if (isTensorLike(input)) return Array.from(input.data, Number);
  if (Array.isArray(input) || ArrayBuffer.isView(input)) return Array.from(input as ArrayLike<number>, Number);
  throw new Error(`${helper}: expected a Tensor or an array of numbers, got ${describe(input)}`);
}

/** A short description of a value's type, for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (isTensorLike(value)) return `a tensor of shape ${shapeText(value.shape)}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === "object" ? `a ${value.constructor?.name ?? "object"}` : typeof value;
}
