import { allocate } from "../memory";
import { ShapeError, shapeString } from "../errors";
import { Tensor, fromOp, sizeOf } from "../tensor";
import { broadcastOffsets, broadcastShapes } from "./broadcast";

// Packing buffers, reused across calls (JavaScript runs one kernel at a time).
let packedA = new Float32Array(4096);
let packedB = new Float32Array(4096);

/**
 * `c[n, m] += A[n, k] @ B[k, m]` for A at `aOff` with strides (aRow, aCol)
 * and B at `bOff` with strides (bRow, bCol). The fast kernel wants both
 * operands with k contiguous: rows of A and columns of B. An operand stored
 * otherwise (B row-major, or any transposed view) is first copied once into a
 * packing buffer in that layout: n·k or k·m copies against n·k·m multiply-adds.
 */
function gemm(
  a: Float32Array, aOff: number, aRow: number, aCol: number,
  b: Float32Array, bOff: number, bRow: number, bCol: number,
  c: Float32Array, cOff: number, n: number, k: number, m: number,
): void {
  // Sizes and offsets often arrive as doubles (shapes computed by division); `| 0`
  // makes them small integers again, or V8 compiles the kernel's index
  // arithmetic for doubles and runs it several times slower.
  aOff |= 0; aRow |= 0; aCol |= 0; bOff |= 0; bRow |= 0; bCol |= 0; cOff |= 0; n |= 0; k |= 0; m |= 0;
  if (n === 0 || m === 0 || k === 0) return;
  if (aRow === 1 && bCol === 1 && k > 1) {
    // Aᵀ @ B with both stored row-major (the weight gradients Xᵀ·dY): each step of p
    // reads 4 neighbouring numbers of A and of B, so no packing is needed.
    gemmOuter(a, aOff, aCol, b, bOff, bRow, c, cOff, n, k, m);
    gemmOuterEdges(a, aOff, aCol, b, bOff, bRow, c, cOff, n, k, m);
    return;
  }
  if (aCol !== 1 && k > 1) {
    if (packedA.length < n * k) packedA = new Float32Array(n * k);
    a = pack(a, aOff, aRow, aCol, n, k, packedA);
    aOff = 0;
    aRow = k;
  }
  if (bRow !== 1 && k > 1) {
    if (packedB.length < k * m) packedB = new Float32Array(k * m);
    b = pack(b, bOff, bCol, bRow, m, k, packedB); // Bᵀ [m, k]: column j of B becomes row j
    bOff = 0;
    bCol = k;
  }
  gemmContiguous(a, aOff, aRow, b, bOff, bCol, c, cOff, n, k, m);
  gemmEdges(a, aOff, aRow, b, bOff, bCol, c, cOff, n, k, m);
}

/** Copies the `[rows, cols]` matrix `x[off + r·rowStride + c·colStride]` row-major into `out` and returns it. */
function pack(x: Float32Array, off: number, rowStride: number, colStride: number, rows: number, cols: number, out: Float32Array): Float32Array {
  for (let r = 0; r < rows; r++) {
    const from = off + r * rowStride, to = r * cols;
    for (let c = 0; c < cols; c++) out[to + c] = x[from + c * colStride];
  }
  return out;
}

/**
 * The inner kernel: `c[n, m] += a[n, k] @ bt[m, k]ᵀ`, where row i of `a`
 * starts at `aOff + i·aRow` and column j of the product's right operand
 * (row j of `bt`) at `bOff + j·bCol`, each k contiguous numbers.
 *
 * Why it is shaped like this: a 4×3 register tile computes 12 outputs at once.
 * Each step of p loads 3 numbers from the 3 columns of B and, one at a time,
 * 4 from the 4 rows of A, and does all 12 multiply-adds with them into 12 local
 * variables that V8 keeps in registers: 7 loads per 12 multiply-adds instead
 * of 2 loads per multiply-add for a plain triple loop, and every load walks
 * memory in order. (A 4×4 tile saves a few more loads, but its 16 sums and 5
 * operands do not fit in the 16 floating-point registers of x86-64; it ran
 * 5–8% slower here.) Each output is summed over p in order, in double
 * precision, and added to `c` once. Rows and columns left over when n is not a
 * multiple of 4 or m of 3 (the edge tiles) fall back to single dot products in
 * {@link gemmEdges}.
 */
function gemmContiguous(
  a: Float32Array, aOff: number, aRow: number,
  b: Float32Array, bOff: number, bCol: number,
  c: Float32Array, cOff: number, n: number, k: number, m: number,
): void {
  const n4 = n - (n % TILE_ROWS);
  const m3 = m - (m % TILE_COLUMNS);
  for (let i = 0; i < n4; i += 4) {
    const a0 = aOff + i * aRow, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow; // rows i..i+3 of A
    for (let j = 0; j < m3; j += 3) {
      const b0 = bOff + j * bCol, b1 = b0 + bCol, b2 = b1 + bCol; // columns j..j+2 of B
      let c00 = 0, c01 = 0, c02 = 0;
      let c10 = 0, c11 = 0, c12 = 0;
      let c20 = 0, c21 = 0, c22 = 0;
      let c30 = 0, c31 = 0, c32 = 0;
      for (let p = 0; p < k; p++) {
        const y0 = b[b0 + p], y1 = b[b1 + p], y2 = b[b2 + p];
        let x = a[a0 + p];
        c00 += x * y0; c01 += x * y1; c02 += x * y2;
        x = a[a1 + p];
        c10 += x * y0; c11 += x * y1; c12 += x * y2;
        x = a[a2 + p];
        c20 += x * y0; c21 += x * y1; c22 += x * y2;
        x = a[a3 + p];
        c30 += x * y0; c31 += x * y1; c32 += x * y2;
      }
      const r0 = cOff + i * m + j, r1 = r0 + m, r2 = r1 + m, r3 = r2 + m;
      c[r0] += c00; c[r0 + 1] += c01; c[r0 + 2] += c02;
      c[r1] += c10; c[r1 + 1] += c11; c[r1 + 2] += c12;
      c[r2] += c20; c[r2 + 1] += c21; c[r2 + 2] += c22;
      c[r3] += c30; c[r3 + 1] += c31; c[r3 + 2] += c32;
    }
  }
}

/** The register tile of both kernels: 4 rows of A by 3 columns of B. */
const TILE_ROWS = 4;
const TILE_COLUMNS = 3;

/**
 * The outputs {@link gemmContiguous} leaves: columns m3.. of rows 0..n4, four
 * rows at a time (one or two columns, and widths like 16 or 64 always leave
 * one), then all of rows n4.., one dot product each. (A separate call after
 * the kernel: V8 compiles the kernel while its first call is still in the
 * loops, and any code after them, not yet run, would throw that compiled code away.)
 */
function gemmEdges(
  a: Float32Array, aOff: number, aRow: number,
  b: Float32Array, bOff: number, bCol: number,
  c: Float32Array, cOff: number, n: number, k: number, m: number,
): void {
  const n4 = n - (n % TILE_ROWS), m3 = m - (m % TILE_COLUMNS);
  for (let j = m3; j < m; j++) {
    const bj = bOff + j * bCol;
    for (let i = 0; i < n4; i += 4) {
      const a0 = aOff + i * aRow, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let p = 0; p < k; p++) {
        const y = b[bj + p];
        c0 += a[a0 + p] * y; c1 += a[a1 + p] * y; c2 += a[a2 + p] * y; c3 += a[a3 + p] * y;
      }
      const r = cOff + i * m + j;
      c[r] += c0; c[r + m] += c1; c[r + 2 * m] += c2; c[r + 3 * m] += c3;
    }
  }
  for (let i = n4; i < n; i++) {
    for (let j = 0; j < m; j++) c[cOff + i * m + j] += dot(a, aOff + i * aRow, b, bOff + j * bCol, k);
  }
}

/**
 * The same 4×3 register tile for operands whose tile direction is contiguous:
 * `c[n, m] += A[n, k] @ B[k, m]` with `A[i, p] = a[aOff + i + p·aStep]` and
 * `B[p, j] = b[bOff + p·bStep + j]`. Each step of p loads A[i..i+3, p] and
 * B[p, j..j+2], neighbouring numbers each, and the next step moves down one
 * row of both stored matrices: a sum of outer products, in order over p.
 */
function gemmOuter(
  a: Float32Array, aOff: number, aStep: number,
  b: Float32Array, bOff: number, bStep: number,
  c: Float32Array, cOff: number, n: number, k: number, m: number,
): void {
  const n4 = n - (n % TILE_ROWS);
  const m3 = m - (m % TILE_COLUMNS);
  for (let i = 0; i < n4; i += 4) {
    for (let j = 0; j < m3; j += 3) {
      let c00 = 0, c01 = 0, c02 = 0;
      let c10 = 0, c11 = 0, c12 = 0;
      let c20 = 0, c21 = 0, c22 = 0;
      let c30 = 0, c31 = 0, c32 = 0;
      let pa = aOff + i; // A[i, p]
      let pb = bOff + j; // B[p, j]
      for (let p = 0; p < k; p++) {
        const y0 = b[pb], y1 = b[pb + 1], y2 = b[pb + 2];
        let x = a[pa];
        c00 += x * y0; c01 += x * y1; c02 += x * y2;
        x = a[pa + 1];
        c10 += x * y0; c11 += x * y1; c12 += x * y2;
        x = a[pa + 2];
        c20 += x * y0; c21 += x * y1; c22 += x * y2;
        x = a[pa + 3];
        c30 += x * y0; c31 += x * y1; c32 += x * y2;
        pa += aStep;
        pb += bStep;
      }
      const r0 = cOff + i * m + j, r1 = r0 + m, r2 = r1 + m, r3 = r2 + m;
      c[r0] += c00; c[r0 + 1] += c01; c[r0 + 2] += c02;
      c[r1] += c10; c[r1 + 1] += c11; c[r1 + 2] += c12;
      c[r2] += c20; c[r2 + 1] += c21; c[r2 + 2] += c22;
      c[r3] += c30; c[r3 + 1] += c31; c[r3 + 2] += c32;
    }
  }
}

/** The outputs {@link gemmOuter} leaves: columns m3.. of rows 0..n4 four rows at a time, then rows n4.. one output at a time. */
function gemmOuterEdges(
  a: Float32Array, aOff: number, aStep: number,
  b: Float32Array, bOff: number, bStep: number,
  c: Float32Array, cOff: number, n: number, k: number, m: number,
): void {
  const n4 = n - (n % TILE_ROWS), m3 = m - (m % TILE_COLUMNS);
  for (let j = m3; j < m; j++) {
    for (let i = 0; i < n4; i += 4) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let p = 0, pa = aOff + i, pb = bOff + j; p < k; p++, pa += aStep, pb += bStep) {
        const y = b[pb];
        c0 += a[pa] * y; c1 += a[pa + 1] * y; c2 += a[pa + 2] * y; c3 += a[pa + 3] * y;
      }
      const r = cOff + i * m + j;
      c[r] += c0; c[r + m] += c1; c[r + 2 * m] += c2; c[r + 3 * m] += c3;
    }
  }
  for (let i = n4; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aOff + i + p * aStep] * b[bOff + p * bStep + j];
      c[cOff + i * m + j] += s;
    }
  }
}

/** Sum over p < k of `x[xOff + p] · y[yOff + p]`. */
function dot(x: Float32Array, xOff: number, y: Float32Array, yOff: number, k: number): number {
  let s = 0;
  for (let p = 0; p < k; p++) s += x[xOff + p] * y[yOff + p];
  return s;
}

/** Gradients of `c = a @ b` for one `[n, k] @ [k, m]` pair of row-major matrices, added into `ga` and `gb`. */
function matmulBackwardInto(
  g: Float32Array, gOff: number,
  a: Float32Array, aOff: number, ga: Float32Array | null,
  b: Float32Array, bOff: number, gb: Float32Array | null,
  n: number, k: number, m: number,
): void {
  if (ga) gemm(g, gOff, m, 1, b, bOff, 1, m, ga, aOff, n, m, k); // dA[n, k] = dC[n, m] @ Bᵀ[m, k]
  if (gb) gemm(a, aOff, 1, k, g, gOff, m, 1, gb, bOff, k, n, m); // dB[k, m] = Aᵀ[k, n] @ dC[n, m]
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
  const out = allocate(count * rows * m);
  for (let t = 0; t < count; t++) {
    gemm(a.data, aIndex[t] * rows * k, k, 1, b.data, bIndex[t] * k * m, bRow, bCol, out, t * rows * m, rows, k, m);
  }
  return fromOp(op, out, outShape, [a, b], (g) => {
    // dA[n, k] = dC[n, m] @ Bᵀ[m, k]; dB[k, m] = Aᵀ[k, n] @ dC[n, m] (stored as its transpose dBᵀ = dCᵀ @ A when b is).
    // A broadcast operand gets the gradients of every batch entry it served added up.
    const ga = a.requiresGrad ? allocate(a.size) : null;
    const gb = b.requiresGrad ? allocate(b.size) : null;
    for (let t = 0; t < count; t++) {
      const gOff = t * rows * m, aOff = aIndex[t] * rows * k, bOff = bIndex[t] * k * m;
      if (ga) gemm(g, gOff, m, 1, b.data, bOff, bCol, bRow, ga, aOff, rows, m, k);
      if (gb && bTransposed) gemm(g, gOff, 1, m, a.data, aOff, k, 1, gb, bOff, m, rows, k);
      else if (gb) gemm(a.data, aOff, 1, k, g, gOff, m, 1, gb, bOff, k, rows, m);
    }
    return [ga, gb];
  });
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
  const out = allocate(rows * outSize);
  if (b) for (let r = 0; r < rows; r++) out.set(b.data, r * outSize); // start from the bias, the kernel adds x @ w
  gemm(x.data, 0, inSize, 1, w.data, 0, outSize, 1, out, 0, rows, inSize, outSize);
  const parents = b ? [x, w, b] : [x, w];
  return fromOp("linear", out, [...x.shape.slice(0, -1), outSize], parents, (g) => {
    const gx = x.requiresGrad ? allocate(x.size) : null;
    const gw = w.requiresGrad ? allocate(w.size) : null;
    matmulBackwardInto(g, 0, x.data, 0, gx, w.data, 0, gw, rows, inSize, outSize);
    if (!b?.requiresGrad) return [gx, gw, null];
    const gb = allocate(outSize); // the bias was added to every row
    for (let r = 0; r < rows; r++) for (let j = 0; j < outSize; j++) gb[j] += g[r * outSize + j];
    return [gx, gw, gb];
  });
}
