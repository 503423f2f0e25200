import { allocate } from "../memory";
import { ShapeError, normalizeAxis, shapeString } from "../errors";
import { Tensor, fromOp } from "../tensor";

/**
 * Views a shape as `[outer, length, inner]` around `axis`, so a reduction is
 * three plain loops: element `(o, k, i)` sits at `(o * length + k) * inner + i`.
 */
export function splitAroundAxis(shape: number[], axis: number): { outer: number; length: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return { outer, length: shape[axis], inner };
}

function reducedShape(shape: number[], axis: number, keepdims: boolean): number[] {
  return keepdims ? shape.map((d, i) => (i === axis ? 1 : d)) : shape.filter((_, i) => i !== axis);
}

/**
 * Sum over one axis, or over everything when `axis` is omitted (-> shape `[]`).
 * `sum([n, d], 0) -> [d]`, `sum([n, d], -1, true) -> [n, 1]`
 */
export function sum(x: Tensor, axis?: number, keepdims = false): Tensor {
  if (axis === undefined) {
    let total = 0;
    for (let i = 0; i < x.size; i++) total += x.data[i];
    const shape = keepdims ? x.shape.map(() => 1) : [];
    return fromOp("sum", Float32Array.of(total), shape, [x], (g) => [allocate(x.size).fill(g[0])]);
  }
  const ax = normalizeAxis("sum", axis, x.shape);
  const { outer, length, inner } = splitAroundAxis(x.shape, ax);
  const out = allocate(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < length; k++) {
      const src = (o * length + k) * inner;
      for (let i = 0; i < inner; i++) out[o * inner + i] += x.data[src + i];
    }
  }
  return fromOp("sum", out, reducedShape(x.shape, ax, keepdims), [x], (g) => {
    // Every input element gets the gradient of the sum it fed into.
    const gx = allocate(x.size);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < length; k++) {
        const dst = (o * length + k) * inner;
        for (let i = 0; i < inner; i++) gx[dst + i] = g[o * inner + i];
      }
    }
    return [gx];
  });
}

/** Mean over one axis, or over everything (-> shape `[]`). */
export function mean(x: Tensor, axis?: number, keepdims = false): Tensor {
  const count = axis === undefined ? x.size : x.shape[normalizeAxis("mean", axis, x.shape)];
  const total = sum(x, axis, keepdims);
  const scale = 1 / count;
  const scaled = (values: Float32Array) => {
    const out = allocate(values.length);
    for (let i = 0; i < values.length; i++) out[i] = values[i] * scale;
    return out;
  };
  return fromOp("mean", scaled(total.data), total.shape, [total], (g) => [scaled(g)]);
}

/**
 * Maximum over one axis, or over everything (-> shape `[]`). The gradient goes
 * to the first position holding the maximum.
 */
export function max(x: Tensor, axis?: number, keepdims = false): Tensor {
  const whole = axis === undefined;
  const ax = whole ? 0 : normalizeAxis("max", axis, x.shape);
  const { outer, length, inner } = whole ? { outer: 1, length: x.size, inner: 1 } : splitAroundAxis(x.shape, ax);
  if (length === 0) throw new ShapeError(`max: cannot take the maximum of an empty axis in shape ${shapeString(x.shape)}`);
  const out = allocate(outer * inner);
  const winner = new Int32Array(outer * inner); // flat input index of each maximum
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = -Infinity;
      let at = o * length * inner + i;
      for (let k = 0; k < length; k++) {
        const idx = (o * length + k) * inner + i;
        const v = x.data[idx];
        if (v > best || Number.isNaN(v)) {
          best = v;
          at = idx;
          if (Number.isNaN(v)) break; // NaN wins, as in PyTorch
        }
      }
      out[o * inner + i] = x.data[at];
      winner[o * inner + i] = at;
    }
  }
  const shape = whole ? (keepdims ? x.shape.map(() => 1) : []) : reducedShape(x.shape, ax, keepdims);
  return fromOp("max", out, shape, [x], (g) => {
    const gx = allocate(x.size);
    for (let j = 0; j < winner.length; j++) gx[winner[j]] += g[j];
    return [gx];
  });
}

/**
 * Index of the largest value along `axis` (default: the last), first one on
 * ties. Returns plain numbers in row-major order of the remaining axes:
 * logits `[T, V]` -> `T` token ids. Not differentiable.
 */
export function argmax(x: Tensor, axis = -1): number[] {
  const ax = normalizeAxis("argmax", axis, x.shape);
  const { outer, length, inner } = splitAroundAxis(x.shape, ax);
  const result: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = -Infinity;
      let at = 0;
      for (let k = 0; k < length; k++) {
        const v = x.data[(o * length + k) * inner + i];
        if (v > best) {
          best = v;
          at = k;
        }
      }
      result.push(at);
    }
  }
  return result;
}
