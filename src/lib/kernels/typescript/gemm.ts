/**
 * The TypeScript matrix-product kernel: `c += A·B` on Float32Array buffers
 * with any strides, through a 4×3 register tile. The op (`ops/matmul.ts`)
 * decides shapes and strides; this file only does the arithmetic, fast.
 * Its plain triple-loop twin, `referenceGemm` in `ops/matmul.ts`, gives the
 * same numbers bit for bit (same order of additions, same double-precision
 * sums); tests/lib/kernels checks that.
 */

// Packing buffers, reused across calls (JavaScript runs one kernel at a time).
let packedA = new Float32Array(4096);
let packedB = new Float32Array(4096);

/**
 * `c[n, m] += A[n, k] @ B[k, m]` for A at `aOff` with strides (aRow, aCol)
 * and B at `bOff` with strides (bRow, bCol). The fast kernel wants both
 * operands with k contiguous: rows of A and columns of B. An operand stored
 * otherwise (B row-major, or any transposed view) is first copied once into a
 * packing buffer in that layout: n·k or k·m copies against n·k·m multiply-adds.
 * With `overwrite`, `c[n, m] = A @ B` instead (`Kernels.gemm`).
 */
export function gemm(
  a: Float32Array, aOff: number, aRow: number, aCol: number,
  b: Float32Array, bOff: number, bRow: number, bCol: number,
  c: Float32Array, cOff: number, n: number, k: number, m: number, overwrite = false,
): void {
  // Sizes and offsets often arrive as doubles (shapes computed by division); `| 0`
  // makes them small integers again, or V8 compiles the kernel's index
  // arithmetic for doubles and runs it several times slower.
  aOff |= 0; aRow |= 0; aCol |= 0; bOff |= 0; bRow |= 0; bCol |= 0; cOff |= 0; n |= 0; k |= 0; m |= 0;
  // The loops below add into c: overwriting is adding into zeros (the same bits, signed zeros included).
  if (overwrite) c.fill(0, cOff, cOff + n * m);
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

/** `Kernels.gemmBatch`: {@link gemm} once per entry, in order (a JavaScript call costs little next to a product). */
export function gemmBatch(
  a: Float32Array, aOffsets: Int32Array, aRow: number, aCol: number,
  b: Float32Array, bOffsets: Int32Array, bRow: number, bCol: number,
  c: Float32Array, cOffsets: Int32Array, n: number, k: number, m: number, overwrite = false,
): void {
  for (let t = 0; t < cOffsets.length; t++) gemm(a, aOffsets[t], aRow, aCol, b, bOffsets[t], bRow, bCol, c, cOffsets[t], n, k, m, overwrite);
}
