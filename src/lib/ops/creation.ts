import { ShapeError, checkShape, shapeString } from "../errors";
import { Random, defaultRng } from "../random";
import { type NestedArray, Tensor, sizeOf } from "../tensor";

/** Options shared by the creation functions. */
export interface CreateOptions {
  /** Track gradients for this tensor (a parameter or an input you differentiate by). */
  requiresGrad?: boolean;
}

/** Options for random tensors: a generator, or a seed for a fresh one (default: the global generator). */
export interface RandomOptions extends CreateOptions {
  rng?: Random;
  seed?: number;
  /** Standard deviation for `randn` (default 1). */
  std?: number;
}

/**
 * Makes a tensor from a number, nested arrays, or flat values plus a shape.
 * Values are copied.
 *
 * @example
 * tensor(3);                          // shape []
 * tensor([[1, 2, 3], [4, 5, 6]]);     // shape [2, 3]
 * tensor([1, 2, 3, 4, 5, 6], [3, 2]); // shape [3, 2]
 */
export function tensor(
  values: number | NestedArray | Float32Array | ArrayLike<number>,
  shape?: number[],
  opts: CreateOptions = {},
): Tensor {
  let data: Float32Array;
  let inferred: number[];
  if (typeof values === "number") {
    data = Float32Array.of(values);
    inferred = [];
  } else if (Array.isArray(values)) {
    ({ data, shape: inferred } = flattenNested(values));
  } else {
    data = Float32Array.from(values as ArrayLike<number>);
    inferred = [data.length];
  }
  if (shape) {
    checkShape("tensor", shape);
    if (sizeOf(shape) !== data.length) {
      throw new ShapeError(`tensor: ${data.length} values do not fill shape ${shapeString(shape)}`);
    }
  }
  return new Tensor(data, shape ? shape.slice() : inferred, opts.requiresGrad ?? false);
}

/** Makes a tensor from nested arrays, inferring the shape: `[[1, 2], [3, 4]]` -> `[2, 2]`. */
export function fromNested(nested: NestedArray, opts: CreateOptions = {}): Tensor {
  return tensor(nested, undefined, opts);
}

function flattenNested(nested: NestedArray): { data: Float32Array; shape: number[] } {
  const shape: number[] = [];
  for (let level: NestedArray = nested; Array.isArray(level); level = level[0]) shape.push(level.length);
  const data = new Float32Array(sizeOf(shape));
  let n = 0;
  const walk = (value: NestedArray, axis: number) => {
    if (axis === shape.length) {
      if (typeof value !== "number") throw new ShapeError(`tensor: nested arrays are ragged, expected shape ${shapeString(shape)}`);
      data[n++] = value;
      return;
    }
    if (!Array.isArray(value) || value.length !== shape[axis]) {
      throw new ShapeError(`tensor: nested arrays are ragged, expected shape ${shapeString(shape)}`);
    }
    for (const v of value) walk(v, axis + 1);
  };
  walk(nested, 0);
  return { data, shape };
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: number[], value: number, opts: CreateOptions = {}): Tensor {
  checkShape("full", shape);
  return new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape.slice(), opts.requiresGrad ?? false);
}

/** A tensor of zeros. */
export function zeros(shape: number[], opts: CreateOptions = {}): Tensor {
  return full(shape, 0, opts);
}

/** A tensor of ones. */
export function ones(shape: number[], opts: CreateOptions = {}): Tensor {
  return full(shape, 1, opts);
}

/**
 * Evenly spaced values: `arange(4)` -> `[0, 1, 2, 3]`, `arange(2, 8, 2)` -> `[2, 4, 6]`
 * (end excluded, like Python's `range`).
 */
export function arange(startOrEnd: number, end?: number, step = 1): Tensor {
  const start = end === undefined ? 0 : startOrEnd;
  const stop = end === undefined ? startOrEnd : end;
  if (step === 0 || !Number.isFinite(step)) throw new ShapeError(`arange: step must be a non-zero number, got ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n]);
}

/** The `[n, n]` identity matrix. */
export function eye(n: number): Tensor {
  checkShape("eye", [n]);
  const out = zeros([n, n]);
  for (let i = 0; i < n; i++) out.data[i * n + i] = 1;
  return out;
}

function pickRng(opts: RandomOptions): Random {
  return opts.rng ?? (opts.seed !== undefined ? new Random(opts.seed) : defaultRng());
}

/** Normal random values with mean 0 and standard deviation `std` (default 1). */
export function randn(shape: number[], opts: RandomOptions = {}): Tensor {
  checkShape("randn", shape);
  const rng = pickRng(opts);
  const std = opts.std ?? 1;
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal(0, std);
  return new Tensor(data, shape.slice(), opts.requiresGrad ?? false);
}

/** Uniform random values in [0, 1). */
export function rand(shape: number[], opts: RandomOptions = {}): Tensor {
  checkShape("rand", shape);
  const rng = pickRng(opts);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.next();
  return new Tensor(data, shape.slice(), opts.requiresGrad ?? false);
}
