import { getKernels } from "../kernels/index";
import { erfc as fastErfc } from "../kernels/typescript/gelu";
import { allocate, allocateForOverwrite, copyOf, recycle } from "../memory";
import { ShapeError, shapeString } from "../errors";
import { Tensor, fromOp } from "../tensor";
import { broadcastShapes, expandData, reduceToShape } from "./broadcast";

/** A tensor, or a plain number standing for a constant scalar. */
export type TensorOrNumber = Tensor | number;

/** Wraps a number as a scalar constant. */
export function asTensor(x: TensorOrNumber): Tensor {
  return typeof x === "number" ? new Tensor(Float32Array.of(x), []) : x;
}

type BinaryKind = "add" | "sub" | "mul" | "div";

/**
 * The four arithmetic ops share one body: broadcast both operands to the
 * output shape, run a tight loop, and in backward sum each gradient back
 * down to its operand's shape.
 */
function binary(kind: BinaryKind, x: TensorOrNumber, y: TensorOrNumber): Tensor {
  const a = asTensor(x);
  const b = asTensor(y);
  const shape = broadcastShapes(kind, a.shape, b.shape);
  const A = expandData(a, shape);
  const B = expandData(b, shape);
  const n = A.length;
  const out = allocateForOverwrite(n); // every element written below
  // One loop per op (rather than a callback per element) keeps this as fast as hand-written code.
  if (kind === "add") for (let i = 0; i < n; i++) out[i] = A[i] + B[i];
  else if (kind === "sub") for (let i = 0; i < n; i++) out[i] = A[i] - B[i];
  else if (kind === "mul") for (let i = 0; i < n; i++) out[i] = A[i] * B[i];
  else for (let i = 0; i < n; i++) out[i] = A[i] / B[i];

  // Broadcast operands were copied to the output shape; only mul's and div's backward read them.
  const stretched: Float32Array[] = [];
  if (A !== a.data) stretched.push(A);
  if (B !== b.data) stretched.push(B);
  const readsInputs = kind === "mul" || kind === "div";
  const result = fromOp(kind, out, shape, [a, b], (g) => {
    // Local derivatives, at the broadcast shape; reduceToShape then sums over stretched axes.
    // d(a±b)/da = 1, d(a±b)/db = ±1; d(a·b)/da = b, d(a·b)/db = a; d(a/b)/da = 1/b, d(a/b)/db = -a/b² = -out/b.
    let ga: Float32Array | null = null;
    let gb: Float32Array | null = null;
    if (a.requiresGrad) {
      if (kind === "add" || kind === "sub") ga = g;
      else ga = allocate(n);
      if (kind === "mul") for (let i = 0; i < n; i++) ga[i] = g[i] * B[i];
      if (kind === "div") for (let i = 0; i < n; i++) ga[i] = g[i] / B[i];
    }
    if (b.requiresGrad) {
      if (kind === "add") gb = g;
      else gb = allocate(n);
      if (kind === "sub") for (let i = 0; i < n; i++) gb[i] = -g[i];
      if (kind === "mul") for (let i = 0; i < n; i++) gb[i] = g[i] * A[i];
      if (kind === "div") for (let i = 0; i < n; i++) gb[i] = (-g[i] * out[i]) / B[i];
    }
    // Each parent gets a buffer of its own: g itself (add, sub) is copied unless a reduction made a new one.
    const reduce = (grad: Float32Array, to: number[]) => {
      const reduced = reduceToShape(grad, shape, to);
      if (reduced !== grad && grad !== g) recycle(grad);
      return reduced === g ? copyOf(g) : reduced;
    };
    return [ga && reduce(ga, a.shape), gb && reduce(gb, b.shape)];
  }, readsInputs ? stretched : undefined);
  if (!readsInputs) for (const copy of stretched) recycle(copy); // no backward rule reads them
  return result;
}

/** `a + b` with broadcasting. `[n, d] + [d] -> [n, d]` */
export function add(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binary("add", a, b);
}

/** `a - b` with broadcasting. */
export function sub(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binary("sub", a, b);
}

/** `a * b` elementwise with broadcasting (not the matrix product: see `matmul`). */
export function mul(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binary("mul", a, b);
}

/** `a / b` elementwise with broadcasting. */
export function div(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binary("div", a, b);
}

/**
 * Applies `f` to every element; `dfdx(x, y)` gives the local derivative from
 * the input `x` and the output `y = f(x)` (whichever is cheaper to use).
 */
function unary(op: string, x: Tensor, f: (v: number) => number, dfdx: (x: number, y: number) => number): Tensor {
  const X = x.data;
  const out = allocate(X.length);
  for (let i = 0; i < X.length; i++) out[i] = f(X[i]);
  return fromOp(op, out, x.shape.slice(), [x], (g) => {
    const gx = allocate(X.length);
    for (let i = 0; i < X.length; i++) gx[i] = g[i] * dfdx(X[i], out[i]);
    return [gx];
  });
}

/** `-x` */
export function neg(x: Tensor): Tensor {
  return unary("neg", x, (v) => -v, () => -1);
}

/** `e^x` */
export function exp(x: Tensor): Tensor {
  return unary("exp", x, Math.exp, (_, y) => y);
}

/** Natural logarithm (`-Infinity` at 0, `NaN` below). */
export function log(x: Tensor): Tensor {
  return unary("log", x, Math.log, (v) => 1 / v);
}

/** Square root. */
export function sqrt(x: Tensor): Tensor {
  return unary("sqrt", x, Math.sqrt, (_, y) => 0.5 / y);
}

/** `x^p` for a constant exponent `p`. */
export function pow(x: Tensor, p: number): Tensor {
  if (typeof p !== "number") throw new ShapeError(`pow: exponent must be a number, got ${typeof p} for x of shape ${shapeString(x.shape)}`);
  return unary("pow", x, (v) => v ** p, (v) => (p === 0 ? 0 : p * v ** (p - 1)));
}

/** `|x|`; the gradient at exactly 0 is 0, as in PyTorch. */
export function abs(x: Tensor): Tensor {
  return unary("abs", x, Math.abs, (v) => Math.sign(v));
}

/** Hyperbolic tangent. */
export function tanh(x: Tensor): Tensor {
  return unary("tanh", x, Math.tanh, (_, y) => 1 - y * y);
}

/** `max(x, 0)`; the gradient at exactly 0 is 0, as in PyTorch. */
export function relu(x: Tensor): Tensor {
  return unary("relu", x, (v) => (v > 0 ? v : 0), (v) => (v > 0 ? 1 : 0));
}

/** `1 / (1 + e^-x)` */
export function sigmoid(x: Tensor): Tensor {
  return unary("sigmoid", x, (v) => 1 / (1 + Math.exp(-v)), (_, y) => y * (1 - y));
}

/**
 * GELU in its exact form, PyTorch's default: `x·Φ(x) = x/2 · (1 + erf(x/√2))`.
 * Written with `erfc` so it stays accurate for large negative x, where
 * `1 + erf` would cancel to 0. (A kernel rather than `unary`: it is the
 * MLP's hot path, and backward reuses Φ(x) from the forward pass.)
 */
export function gelu(x: Tensor): Tensor {
  const X = x.data;
  const n = X.length;
  // The kernels overwrite their outputs (Kernels.gelu), so these need no zeroing.
  const cdf = allocateForOverwrite(n); // Φ(x)
  const out = allocateForOverwrite(n);
  getKernels().gelu(X, out, cdf);
  return fromOp("gelu", out, x.shape.slice(), [x], (g) => {
    // d/dx x·Φ(x) = Φ(x) + x·φ(x), with φ the standard normal density
    const gx = allocateForOverwrite(n);
    getKernels().geluBackward(X, cdf, g, gx);
    return [gx];
  }, [cdf]);
}

/**
 * Complementary error function `1 - erf(z)`, to about float32 precision
 * (relative error below 1.2e-7). The fast polynomial lives with the GELU
 * kernel in `kernels/typescript/gelu.ts`.
 */
export function erfc(z: number): number {
  return fastErfc(z);
}

/** Error function, `erf(z) = 1 - erfc(z)`. */
export function erf(z: number): number {
  return 1 - erfc(z);
}
