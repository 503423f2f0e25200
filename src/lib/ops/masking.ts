import { allocate, recycle } from "../memory";
import { ShapeError, shapeString } from "../errors";
import { Tensor, fromOp, sizeOf } from "../tensor";
import { broadcastShapes, expandData, reduceToShape } from "./broadcast";
import { type TensorOrNumber, asTensor } from "./elementwise";

/**
 * Replaces `x` by `value` wherever `mask` is nonzero; `mask` broadcasts to
 * `x`'s shape. Attention uses it to set disallowed scores to `-Infinity`.
 * `x [n, m], mask [n, m] or [m] -> [n, m]`
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  const shape = broadcastShapes("maskedFill", x.shape, mask.shape);
  if (sizeOf(shape) !== x.size || shape.length !== x.ndim) {
    throw new ShapeError(`maskedFill: mask ${shapeString(mask.shape)} must broadcast to x ${shapeString(x.shape)}`);
  }
  const M = expandData(mask, shape);
  const out = allocate(x.size);
  for (let i = 0; i < out.length; i++) out[i] = M[i] !== 0 ? value : x.data[i];
  return fromOp("maskedFill", out, shape, [x], (g) => {
    const gx = allocate(g.length); // filled positions did not depend on x
    for (let i = 0; i < g.length; i++) if (M[i] === 0) gx[i] = g[i];
    return [gx];
  }, M !== mask.data ? [M] : undefined); // a stretched mask is the op's own: recycled with it
}

/**
 * Picks `a` where `cond` is nonzero and `b` elsewhere; all three broadcast.
 * `where([n, m], [n, m], 0) -> [n, m]`
 */
export function where(cond: Tensor, a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const ta = asTensor(a);
  const tb = asTensor(b);
  const shape = broadcastShapes("where", cond.shape, ta.shape, tb.shape);
  const C = expandData(cond, shape);
  const A = expandData(ta, shape);
  const B = expandData(tb, shape);
  const n = C.length;
  const out = allocate(n);
  for (let i = 0; i < n; i++) out[i] = C[i] !== 0 ? A[i] : B[i];
  if (A !== ta.data) recycle(A); // stretched copies: backward reads only the condition
  if (B !== tb.data) recycle(B);
  return fromOp("where", out, shape, [ta, tb], (g) => {
    // Each output position came from exactly one of a and b.
    const ga = ta.requiresGrad ? allocate(n) : null;
    const gb = tb.requiresGrad ? allocate(n) : null;
    for (let i = 0; i < n; i++) {
      if (C[i] !== 0) { if (ga) ga[i] = g[i]; }
      else if (gb) gb[i] = g[i];
    }
    const reduce = (grad: Float32Array, to: number[]) => {
      const reduced = reduceToShape(grad, shape, to);
      if (reduced !== grad) recycle(grad);
      return reduced;
    };
    return [ga && reduce(ga, ta.shape), gb && reduce(gb, tb.shape)];
  }, C !== cond.data ? [C] : undefined);
}
