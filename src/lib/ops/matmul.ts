import { getKernels } from "../kernels/index";
import { allocate, allocateForOverwrite } from "../memory";
import { ShapeError, shapeString } from "../errors";
import { Tensor, fromOp, sizeOf } from "../tensor";
import { broadcastOffsets, broadcastShapes } from "./broadcast";

/**
 * The readable reference for the kernels' `gemm` (`kernels/index.ts` says
 * what each argument means): `C[n, m] += A[n, k] · B[k, m]` with strided
 * A and B, one dot product per output. The tuned TypeScript kernel computes
 * exactly these numbers, only faster; tests compare every kernel set with this.
 */
export function referenceGemm(
  a: Float32Array, aOff: number, aRow: number, aCol: number,
  b: Float32Array, bOff: number, bRow: number, bCol: number,
  c: Float32Array, cOff: number, n: number, k: number, m: number,
): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aOff + i * aRow + p * aCol] * b[bOff + p * bRow + j * bCol];
      c[cOff + i * m + j] += s;
    }
  }
}

/**
 * Matrix product with `torch.matmul` semantics:
 * `[n, k] @ [k, m] -> [n, m]`; 1-D operands are treated as a row (left) or a
 * column (right) vector and that axis is dropped again; leading (batch) axes
 * broadcast: `[B, h, n, k] @ [B, h, k, m] -> [B, h, n, m]`, `[B, n, k] @ [k, m] -> [B, n, m]`.
 *
 * @example
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[1], [1]])); // [[3], [7]], shape [2, 1]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return batchedProduct("matmul", a, b, false);
}

/**
 * `a @ bᵀ` over the last two axes without materialising the transpose:
 * `[..., n, k] @ [..., m, k]ᵀ -> [..., n, m]`, batch axes broadcast as in
 * {@link matmul}. Attention's `q kᵀ` is this product. Same values, bit for
 * bit, as `matmul(a, transpose(b))`.
 */
export function matmulTransposed(a: Tensor, b: Tensor): Tensor {
  if (a.ndim < 2 || b.ndim < 2) {
    throw new ShapeError(`matmulTransposed: both operands need at least two axes: ${shapeString(a.shape)} @ ${shapeString(b.shape)}ᵀ`);
  }
  return batchedProduct("matmulTransposed", a, b, true);
}

/**
 * The shared body of {@link matmul} and {@link matmulTransposed}: checks
 * shapes, then runs one kernel call per batch entry (or a single call when
 * `b` has no batch axes: A's batch axes then fold into its rows).
 * With `bTransposed`, `b` holds `[..., m, k]`.
 */
function batchedProduct(op: string, a: Tensor, b: Tensor, bTransposed: boolean): Tensor {
  const where = () => `${shapeString(a.shape)} @ ${shapeString(b.shape)}${bTransposed ? "ᵀ" : ""}`;
  if (a.ndim === 0 || b.ndim === 0) throw new ShapeError(`${op}: both operands need at least one axis: ${where()}`);
  const aShape = a.ndim === 1 ? [1, a.shape[0]] : a.shape;
  const bShape = b.ndim === 1 ? [b.shape[0], 1] : b.shape;
  const n = aShape[aShape.length - 2], k = aShape[aShape.length - 1];
  const [k2, m] = bTransposed ? [bShape[bShape.length - 1], bShape[bShape.length - 2]] : [bShape[bShape.length - 2], bShape[bShape.length - 1]];
  if (k !== k2) throw new ShapeError(`${op}: inner dimensions differ: ${where()}`);
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  let batch: number[];
  try {
    batch = aBatch.length === bBatch.length && aBatch.every((d, i) => d === bBatch[i]) ? aBatch : broadcastShapes(op, aBatch, bBatch);
  } catch {
    throw new ShapeError(`${op}: batch dimensions cannot broadcast: ${where()}`);
  }
  const outShape = [...batch, ...(a.ndim === 1 ? [] : [n]), ...(b.ndim === 1 ? [] : [m])];
  // Strides of one B matrix as [k, m]: row-major [k, m], or the transpose of a row-major [m, k].
  const [bRow, bCol] = bTransposed ? [1, k] : [m, 1];

  // One B for every batch: fold A's batch axes into its rows, one big product.
  const folded = bBatch.length === 0;
  const count = folded ? 1 : sizeOf(batch);
  const rows = folded ? sizeOf(aBatch) * n : n;
  const aIndex = folded ? Int32Array.of(0) : broadcastOffsets(aBatch, batch);
  const bIndex = folded ? Int32Array.of(0) : broadcastOffsets(bBatch, batch);
  // Where each batch entry's A, B and output block start.
  const aAt = aIndex.map((i) => i * rows * k), bAt = bIndex.map((i) => i * k * m), outAt = Int32Array.from({ length: count }, (_, t) => t * rows * m);
  // Each entry overwrites its own block of out, and together they cover it: no zeroing needed.
  const out = allocateForOverwrite(count * rows * m);
  product(a.data, aAt, k, 1, b.data, bAt, bRow, bCol, out, outAt, rows, k, m, true);
  // An operand used by every batch entry once (not broadcast) gets each entry's gradient block written once.
  const aOnce = folded || sizeOf(aBatch) === count, bOnce = folded || sizeOf(bBatch) === count;
  return fromOp(op, out, outShape, [a, b], (g) => {
    // dA[n, k] = dC[n, m] @ Bᵀ[m, k]; dB[k, m] = Aᵀ[k, n] @ dC[n, m] (stored as its transpose dBᵀ = dCᵀ @ A when b is).
    // A broadcast operand gets the gradients of every batch entry it served added up.
    // A broadcast operand's gradient is summed in place over its entries, so it starts zeroed.
    const ga = a.requiresGrad ? (aOnce ? allocateForOverwrite(a.size) : allocate(a.size)) : null;
    const gb = b.requiresGrad ? (bOnce ? allocateForOverwrite(b.size) : allocate(b.size)) : null;
    if (ga) product(g, outAt, m, 1, b.data, bAt, bCol, bRow, ga, aAt, rows, m, k, aOnce);
    if (gb && bTransposed) product(g, outAt, 1, m, a.data, aAt, k, 1, gb, bAt, m, rows, k, bOnce);
    else if (gb) product(a.data, aAt, 1, k, g, outAt, m, 1, gb, bAt, k, rows, m, bOnce);
    return [ga, gb];
  });
}

/** One product per batch entry (`Kernels.gemmBatch`): a single entry goes to the kernels' plain `gemm`. */
function product(
  a: Float32Array, aAt: Int32Array, aRow: number, aCol: number,
  b: Float32Array, bAt: Int32Array, bRow: number, bCol: number,
  c: Float32Array, cAt: Int32Array, n: number, k: number, m: number, overwrite: boolean,
): void {
  const kernels = getKernels();
  if (cAt.length === 1) kernels.gemm(a, aAt[0], aRow, aCol, b, bAt[0], bRow, bCol, c, cAt[0], n, k, m, overwrite);
  else kernels.gemmBatch(a, aAt, aRow, aCol, b, bAt, bRow, bCol, c, cAt, n, k, m, overwrite);
}

/**
 * A fused fully connected layer: `x @ w + b`.
 * `[..., in] @ [in, out] + [out] -> [..., out]`
 */
export function linear(x: Tensor, w: Tensor, b?: Tensor | null): Tensor {
  const where = () => `x ${shapeString(x.shape)}, w ${shapeString(w.shape)}${b ? `, b ${shapeString(b.shape)}` : ""}`;
  if (w.ndim !== 2 || x.ndim === 0) throw new ShapeError(`linear: expected x [..., in] and w [in, out], got ${where()}`);
  const [inSize, outSize] = w.shape;
  if (x.shape[x.ndim - 1] !== inSize) throw new ShapeError(`linear: inner dimensions differ: ${where()}`);
  if (b && (b.ndim !== 1 || b.shape[0] !== outSize)) throw new ShapeError(`linear: bias must have shape [${outSize}]: ${where()}`);
  const rows = sizeOf(x.shape.slice(0, -1));
  const out = allocateForOverwrite(rows * outSize); // the bias rows, or else the product, fill all of it
  if (b && rows > 0) {
    // Start from the bias in every row (the kernel adds x @ w): one row, then copies that double the filled part.
    out.set(b.data);
    for (let filled = 1; filled < rows; filled *= 2) out.copyWithin(filled * outSize, 0, Math.min(filled, rows - filled) * outSize);
  }
  getKernels().gemm(x.data, 0, inSize, 1, w.data, 0, outSize, 1, out, 0, rows, inSize, outSize, !b); // [rows, in] @ [in, out]
  const parents = b ? [x, w, b] : [x, w];
  return fromOp("linear", out, [...x.shape.slice(0, -1), outSize], parents, (g) => {
    const gx = x.requiresGrad ? allocateForOverwrite(x.size) : null;
    const gw = w.requiresGrad ? allocateForOverwrite(w.size) : null;
    const { gemm } = getKernels();
    if (gx) gemm(g, 0, outSize, 1, w.data, 0, 1, outSize, gx, 0, rows, outSize, inSize, true); // dX [rows, in] = dY @ Wᵀ
    if (gw) gemm(x.data, 0, 1, inSize, g, 0, outSize, 1, gw, 0, inSize, rows, outSize, true); // dW [in, out] = Xᵀ @ dY
    if (!b?.requiresGrad) return [gx, gw, null];
    const gb = allocate(outSize); // the bias was added to every row
    for (let r = 0; r < rows; r++) for (let j = 0; j < outSize; j++) gb[j] += g[r * outSize + j];
    return [gx, gw, gb];
  });
}
