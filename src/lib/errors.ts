/**
 * The one error the library throws for bad shapes, axes and indices.
 *
 * Its message names the op and the shapes involved, so a reader sees at once
 * which line of their cell went wrong:
 * `matmul: inner dimensions differ: [2, 3] @ [4, 5]`.
 */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShapeError";
  }
}

/** Formats a shape the way error messages and `toString()` show it: `[2, 3]`. */
export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * Turns a possibly negative axis into a position in `0..ndim-1`, or throws.
 * `-1` means the last axis, as in NumPy and PyTorch.
 */
export function normalizeAxis(op: string, axis: number, shape: readonly number[]): number {
  const ndim = shape.length;
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for shape ${shapeString(shape)}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Throws unless every entry is a non-negative integer (a valid shape). */
export function checkShape(op: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || shape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new ShapeError(`${op}: invalid shape ${Array.isArray(shape) ? shapeString(shape) : String(shape)}`);
  }
}
