import { allocate, allocateForOverwrite } from "../memory";
import { ShapeError, normalizeAxis, shapeString } from "../errors";
import { Tensor, fromOp, sizeOf } from "../tensor";
import { splitAroundAxis } from "./reduce";

/** Same values, new shape; one entry may be -1 (inferred). `reshape([2, 6], [3, -1]) -> [3, 4]` */
export function reshape(x: Tensor, shape: number[]): Tensor {
  return x.reshape(shape);
}

/**
 * Reorders the axes: output axis `i` is input axis `dims[i]`.
 * `permute([B, T, H, D], [0, 2, 1, 3]) -> [B, H, T, D]`
 */
export function permute(x: Tensor, dims: number[]): Tensor {
  const ndim = x.ndim;
  const axes = dims.map((d) => normalizeAxis("permute", d, x.shape));
  if (axes.length !== ndim || new Set(axes).size !== ndim) {
    throw new ShapeError(`permute: ${shapeString(dims)} is not a permutation of the axes of ${shapeString(x.shape)}`);
  }
  const shape = axes.map((a) => x.shape[a]);
  const out = permuteData(x.data, x.shape, axes);
  const inverse = new Array<number>(ndim);
  axes.forEach((a, i) => (inverse[a] = i));
  return fromOp("permute", out, shape, [x], (g) => [permuteData(g, shape, inverse)]);
}

/** `data` (of `shape`) with its axes reordered to `axes`, in a new pooled buffer. */
function permuteData(data: Float32Array, shape: number[], axes: number[]): Float32Array {
  const out = allocateForOverwrite(data.length); // every element is written below
  if (shape.length === 2 && axes[0] === 1) return transpose2d(data, shape[0], shape[1], out);
  // Trailing axes that stay in place form contiguous runs copied whole
  // ([n, h, dh] -> [h, n, dh] copies rows of dh); the rest is walked with a counter.
  let moved = axes.length;
  while (moved > 0 && axes[moved - 1] === moved - 1) moved--;
  const run = sizeOf(shape.slice(moved));
  const inStrides = shape.map((_, a) => sizeOf(shape.slice(a + 1)));
  const strides = axes.slice(0, moved).map((a) => inStrides[a]); // input step per output axis
  const outShape = axes.slice(0, moved).map((a) => shape[a]);
  // The last moved axis is a plain loop (runs `step` apart in the input); the counter
  // steps only the axes before it, once per `count · run` numbers written.
  if (moved === 0) return (out.set(data), out);
  const count = outShape[moved - 1], step = strides[moved - 1], block = count * run;
  const counter = new Array<number>(moved - 1).fill(0);
  let offset = 0;
  for (let i = 0; i < out.length; i += block) {
    for (let t = 0, from = offset, to = i; t < count; t++, from += step, to += run) {
      for (let j = 0; j < run; j++) out[to + j] = data[from + j];
    }
    for (let axis = moved - 2; axis >= 0; axis--) {
      counter[axis]++;
      offset += strides[axis];
      if (counter[axis] < outShape[axis]) break;
      offset -= strides[axis] * counter[axis];
      counter[axis] = 0;
    }
  }
  return out;
}

/** Writes the `[cols, rows]` transpose of a row-major `[rows, cols]` matrix into `out`. */
function transpose2d(data: Float32Array, rows: number, cols: number, out: Float32Array): Float32Array {
  for (let r = 0; r < rows; r++) {
    const src = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[src + c];
  }
  return out;
}

/** Swaps two axes (default: the last two, i.e. the matrix transpose). `[.., n, m] -> [.., m, n]` */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  const a = normalizeAxis("transpose", dim0, x.shape);
  const b = normalizeAxis("transpose", dim1, x.shape);
  const axes = x.shape.map((_, i) => i);
  axes[a] = b;
  axes[b] = a;
  return permute(x, axes);
}

/**
 * Elements `start` (inclusive) to `end` (exclusive) along `axis`; negative
 * positions count from the end. `slice([n, d], 1, 0, 8) -> [n, 8]`
 */
export function slice(x: Tensor, axis: number, start: number, end?: number): Tensor {
  const ax = normalizeAxis("slice", axis, x.shape);
  const n = x.shape[ax];
  const from = start < 0 ? start + n : start;
  const to = end === undefined ? n : end < 0 ? end + n : end;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > n || from > to) {
    throw new ShapeError(`slice: range ${start}..${end ?? n} is out of bounds for axis ${axis} of shape ${shapeString(x.shape)}`);
  }
  const { outer, inner } = splitAroundAxis(x.shape, ax);
  const width = to - from;
  const out = allocate(outer * width * inner);
  for (let o = 0; o < outer; o++) {
    out.set(x.data.subarray((o * n + from) * inner, (o * n + to) * inner), o * width * inner);
  }
  const shape = x.shape.map((d, i) => (i === ax ? width : d));
  return fromOp("slice", out, shape, [x], (g) => {
    const gx = allocate(x.size);
    for (let o = 0; o < outer; o++) gx.set(g.subarray(o * width * inner, (o + 1) * width * inner), (o * n + from) * inner);
    return [gx];
  });
}

/** Selects entry `i` along the first axis and drops that axis: `index([B, T, d], 0) -> [T, d]`. */
export function index(x: Tensor, i: number): Tensor {
  if (x.ndim === 0) throw new ShapeError(`index: cannot index a scalar (shape [])`);
  const n = x.shape[0];
  if (!Number.isInteger(i) || i < -n || i >= n) {
    throw new ShapeError(`index: index ${i} is out of bounds for axis 0 of shape ${shapeString(x.shape)}`);
  }
  const row = i < 0 ? i + n : i;
  return slice(x, 0, row, row + 1).reshape(x.shape.slice(1));
}

/** Joins tensors along an existing axis; all other axes must match. `concat([[n, a], [n, b]], 1) -> [n, a + b]` */
export function concat(tensors: Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError("concat: needs at least one tensor, got []");
  const first = tensors[0];
  const ax = normalizeAxis("concat", axis, first.shape);
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new ShapeError(`concat: shapes differ off axis ${axis}: ${tensors.map((s) => shapeString(s.shape)).join(", ")}`);
    }
  }
  const { outer, inner } = splitAroundAxis(first.shape, ax);
  const widths = tensors.map((t) => t.shape[ax] * inner); // contiguous run per outer index
  const total = widths.reduce((a, b) => a + b, 0);
  const out = allocate(outer * total);
  let col = 0;
  tensors.forEach((t, k) => {
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * widths[k], (o + 1) * widths[k]), o * total + col);
    col += widths[k];
  });
  const axisLength = tensors.reduce((a, t) => a + t.shape[ax], 0);
  const shape = first.shape.map((d, i) => (i === ax ? axisLength : d));
  return fromOp("concat", out, shape, tensors, (g) => {
    let at = 0;
    return tensors.map((t, k) => {
      const start = at;
      at += widths[k];
      if (!t.requiresGrad) return null;
      const gt = allocate(t.size);
      for (let o = 0; o < outer; o++) gt.set(g.subarray(o * total + start, o * total + start + widths[k]), o * widths[k]);
      return gt;
    });
  });
}

/**
 * Cuts a tensor along `axis` into `count` equal parts (like NumPy's `split`)
 * or into parts of the given sizes. `split([n, 3d], 3, 1) -> three [n, d]`
 */
export function split(x: Tensor, sizesOrCount: number | number[], axis = 0): Tensor[] {
  const ax = normalizeAxis("split", axis, x.shape);
  const n = x.shape[ax];
  let sizes: number[];
  if (typeof sizesOrCount === "number") {
    if (!Number.isInteger(sizesOrCount) || sizesOrCount <= 0 || n % sizesOrCount !== 0) {
      throw new ShapeError(`split: cannot cut axis ${axis} of shape ${shapeString(x.shape)} into ${sizesOrCount} equal parts`);
    }
    sizes = new Array<number>(sizesOrCount).fill(n / sizesOrCount);
  } else {
    sizes = sizesOrCount;
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((a, b) => a + b, 0) !== n) {
      throw new ShapeError(`split: sizes ${shapeString(sizes)} do not add up to axis ${axis} of shape ${shapeString(x.shape)}`);
    }
  }
  let start = 0;
  return sizes.map((s) => {
    const part = slice(x, ax, start, start + s);
    start += s;
    return part;
  });
}

/** Stacks same-shape tensors along a new axis. `stack(T tensors of [d]) -> [T, d]` */
export function stack(tensors: Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError("stack: needs at least one tensor, got []");
  const shape = tensors[0].shape;
  if (tensors.some((t) => t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
    throw new ShapeError(`stack: all shapes must match, got ${tensors.map((t) => shapeString(t.shape)).join(", ")}`);
  }
  const ax = normalizeAxis("stack", axis, [...shape, 1]); // the new axis may go at the end
  const expanded = shape.slice(0, ax).concat([1], shape.slice(ax));
  return concat(tensors.map((t) => t.reshape(expanded)), ax);
}
