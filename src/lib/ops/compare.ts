import { ShapeError, shapeString } from "../errors";
import type { Tensor } from "../tensor";

/**
 * The largest absolute difference between two tensors of the same shape: the
 * one number to look at when asking "did I compute the same thing?".
 * Not differentiable (it returns a plain number).
 *
 * @example
 * maxAbsDifference(softmax(x), mySoftmax(x)) // 5.96e-8
 */
export function maxAbsDifference(a: Tensor, b: Tensor): number {
  if (a.shape.length !== b.shape.length || a.shape.some((n, i) => n !== b.shape[i])) {
    throw new ShapeError(`maxAbsDifference: shapes differ: ${shapeString(a.shape)} vs ${shapeString(b.shape)}`);
  }
  let largest = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i]);
    if (Number.isNaN(d)) return NaN; // a NaN anywhere must never look "close"
    if (d > largest) largest = d;
  }
  return largest;
}

/**
 * Whether two tensors have the same shape and agree elementwise within
 * `|a - b| <= atol + rtol·|b|`, like `torch.allclose`. Shapes that differ give
 * `false` (not an error), so a check cell can say "wrong shape" itself.
 *
 * @example
 * allClose(matmul(q, transpose(k)), attention(q, k, v).scores) // false: not scaled
 */
export function allClose(a: Tensor, b: Tensor, { rtol = 1e-5, atol = 1e-6 }: { rtol?: number; atol?: number } = {}): boolean {
  if (a.shape.length !== b.shape.length || a.shape.some((n, i) => n !== b.shape[i])) return false;
  for (let i = 0; i < a.data.length; i++) {
    if (!(Math.abs(a.data[i] - b.data[i]) <= atol + rtol * Math.abs(b.data[i]))) return false;
  }
  return true;
}
