import { allocate } from "../memory";
import { ShapeError, shapeString } from "../errors";
import { Tensor, sizeOf } from "../tensor";

/**
 * NumPy broadcasting: align shapes on the right; each axis pair must be equal
 * or contain a 1, which stretches. `[4, 1, 3]` with `[5, 3]` -> `[4, 5, 3]`.
 */
export function broadcastShapes(op: string, ...shapes: number[][]): number[] {
  const ndim = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let k = 1; k <= ndim; k++) {
    let dim = 1;
    for (const s of shapes) {
      const d = s.length >= k ? s[s.length - k] : 1;
      if (d === 1) continue;
      if (dim !== 1 && d !== dim) {
        throw new ShapeError(`${op}: shapes cannot broadcast: ${shapes.map(shapeString).join(" and ")}`);
      }
      dim = d;
    }
    out.unshift(dim);
  }
  return out;
}

/** True when `inner` equals the last axes of `outer`, e.g. a bias `[d]` against `[n, d]`. */
function isSuffix(inner: number[], outer: number[]): boolean {
  const skip = outer.length - inner.length;
  return skip >= 0 && inner.every((d, i) => d === outer[skip + i]);
}

/** For every position of `outShape`, the matching flat offset in a tensor of `inShape`. */
export function broadcastOffsets(inShape: number[], outShape: number[]): Int32Array {
  const ndim = outShape.length;
  const strides = new Array<number>(ndim).fill(0);
  let stride = 1;
  for (let k = 1; k <= inShape.length; k++) {
    const d = inShape[inShape.length - k];
    strides[ndim - k] = d === 1 ? 0 : stride; // a stretched axis does not move
    stride *= d;
  }
  const offsets = new Int32Array(sizeOf(outShape));
  const counter = new Array<number>(ndim).fill(0);
  let offset = 0;
  for (let i = 0; i < offsets.length; i++) {
    offsets[i] = offset;
    for (let axis = ndim - 1; axis >= 0; axis--) {
      counter[axis]++;
      offset += strides[axis];
      if (counter[axis] < outShape[axis]) break;
      offset -= strides[axis] * counter[axis];
      counter[axis] = 0;
    }
  }
  return offsets;
}

/**
 * The values of `x` stretched to `outShape` as a flat array (`x.data` itself
 * when the shapes already match).
 */
export function expandData(x: Tensor, outShape: number[]): Float32Array {
  const size = sizeOf(outShape);
  if (x.size === size) return x.data; // broadcastable and same size: same layout
  const out = allocate(size);
  if (x.size === 1) return out.fill(x.data[0]);
  if (isSuffix(x.shape, outShape)) {
    for (let offset = 0; offset < size; offset += x.size) out.set(x.data, offset);
    return out;
  }
  const offsets = broadcastOffsets(x.shape, outShape);
  for (let i = 0; i < size; i++) out[i] = x.data[offsets[i]];
  return out;
}

/**
 * The backward of broadcasting: sums a gradient of `outShape` over every
 * stretched axis, back down to `inShape`.
 */
export function reduceToShape(grad: Float32Array, outShape: number[], inShape: number[]): Float32Array {
  const inSize = sizeOf(inShape);
  if (inSize === grad.length) return grad;
  const out = allocate(inSize);
  if (inSize === 1) {
    let total = 0;
    for (let i = 0; i < grad.length; i++) total += grad[i];
    out[0] = total;
  } else if (isSuffix(inShape, outShape)) {
    for (let offset = 0; offset < grad.length; offset += inSize) {
      for (let j = 0; j < inSize; j++) out[j] += grad[offset + j];
    }
  } else {
    const offsets = broadcastOffsets(inShape, outShape);
    for (let i = 0; i < grad.length; i++) out[offsets[i]] += grad[i];
  }
  return out;
}
