/**
 * The matrix product on the WebAssembly kernel of gemm.wat.
 *
 * WebAssembly code reads only its own memory, so each call copies the
 * operands in (one `set` each: a memory copy, about 40 times faster than the
 * multiply-adds that follow at the sizes the course uses), packs them into
 * panels there, runs the SIMD micro-kernel and copies C back out. (C goes in
 * only when the call accumulates into it; most calls overwrite it, and then
 * zeroing its place in the memory is cheaper than copying it.) The memory
 * has a fixed size and never grows: growing a WebAssembly.Memory detaches its
 * old ArrayBuffer, and after one detach V8 checks every typed-array access in
 * the program for it (about 20% slower everywhere). A product too large for it
 * runs on the TypeScript kernel instead.
 *
 * A batch of products (attention's `q kᵀ` for every picture and head: 128
 * products of 17 × 12 by 12 × 17 in the course's ViT) goes in with one copy
 * per operand and out with one copy: per product only the packing and the
 * micro-kernel remain. Done one call at a time, the copies and checks around
 * such small products cost more than their arithmetic.
 */

import type { Kernels } from "../index";

/** The matrix product every kernel set provides (`Kernels.gemm`: arguments and meaning). */
type Gemm = Kernels["gemm"];
type GemmBatch = Kernels["gemmBatch"];

/** The functions gemm.wat exports; pointers are byte offsets into the memory, strides count numbers. */
interface GemmExports {
  packLines(src: number, dst: number, count: number, len: number, width: number, stride: number): void;
  packColumns(src: number, dst: number, count: number, len: number, width: number, stride: number): void;
  gemm(a: number, b: number, c: number, n: number, k: number, m: number): void;
}

/** Bytes 0..127 of the memory are the kernel's scratch tile; operands start after it. */
const SCRATCH_BYTES = 128;
/** Panel widths of gemm.wat: 4 rows of A, 8 columns of B. */
const A_PANEL = 4;
const B_PANEL = 8;

/**
 * Where the operand `X [rows, cols]` of every product sits in the memory, and
 * how to read it there: entry t at float index `at(t)`, `X[r, s]` at
 * `at(t) + r·lineStride` (`alongLines`: rows are contiguous) or
 * `at(t) + s·lineStride` (columns are).
 */
interface Staged {
  at: (t: number) => number;
  alongLines: boolean;
  lineStride: number;
  /** Floats of the memory it takes. */
  size: number;
}

/**
 * How to bring `X [rows, cols]` (entry t at `x[offsets[t] + r·rowStride + s·colStride]`)
 * into the memory at float index `to`: an operand whose rows or columns are
 * contiguous (row-major, transposed, or one head's columns of a wider matrix)
 * is copied as it lies, one span covering every entry; any other is gathered
 * entry by entry into row-major blocks. `copy` does the copying, once the
 * caller knows it all fits.
 */
function stage(x: Float32Array, offsets: Int32Array, count: number, rows: number, cols: number, rowStride: number, colStride: number, to: number): Staged & { copy: (heap: Float32Array) => void } {
  const alongLines = colStride === 1 || cols === 1;
  if (alongLines || rowStride === 1 || rows === 1) {
    let lo = offsets[0], hi = offsets[0];
    for (let t = 1; t < count; t++) {
      lo = Math.min(lo, offsets[t]);
      hi = Math.max(hi, offsets[t]);
    }
    hi += (rows - 1) * rowStride + (cols - 1) * colStride + 1;
    return {
      at: (t) => to + offsets[t] - lo,
      alongLines,
      lineStride: alongLines ? (rows === 1 ? cols : rowStride) : colStride,
      size: hi - lo,
      copy: (heap) => heap.set(x.subarray(lo, hi), to),
    };
  }
  const block = rows * cols;
  return {
    at: (t) => to + t * block,
    alongLines: true,
    lineStride: cols,
    size: count * block,
    copy: (heap) => {
      for (let t = 0; t < count; t++) {
        const from = offsets[t], into = to + t * block;
        for (let r = 0; r < rows; r++) {
          for (let s = 0; s < cols; s++) heap[into + r * cols + s] = x[from + r * rowStride + s * colStride];
        }
      }
    },
  };
}

/**
 * The product and the batched product running on an instance of gemm.wat in
 * `memory`, with `fallback` (the TypeScript kernels) for products that do not
 * fit in it.
 */
export function wasmGemm(module: WebAssembly.Module, memory: WebAssembly.Memory, fallback: Pick<Kernels, "gemm">): { gemm: Gemm; gemmBatch: GemmBatch } {
  const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as GemmExports;
  const heap = new Float32Array(memory.buffer); // valid for good: the memory never grows
  const capacity = heap.length;

  /** `gemmBatch`'s work; false when the operands do not fit in the memory (nothing is written then). */
  function run(
    a: Float32Array, aOffsets: Int32Array, aRow: number, aCol: number,
    b: Float32Array, bOffsets: Int32Array, bRow: number, bCol: number,
    c: Float32Array, cOffsets: Int32Array, count: number, n: number, k: number, m: number, overwrite: boolean,
  ): boolean {
    const block = n * m;
    let cLo = cOffsets[0], cHi = cOffsets[0], tiled = true; // tiled: the blocks lie one after another
    for (let t = 1; t < count; t++) {
      cLo = Math.min(cLo, cOffsets[t]);
      cHi = Math.max(cHi, cOffsets[t]);
      tiled &&= cOffsets[t] === cOffsets[0] + t * block;
    }
    cHi += block;
    const nPadded = Math.ceil(n / A_PANEL) * A_PANEL, mPadded = Math.ceil(m / B_PANEL) * B_PANEL;
    // Float indices of: C's span, A's panels, B's panels, then A and B as they lie.
    const cAt = SCRATCH_BYTES / 4, packedA = cAt + (cHi - cLo), packedB = packedA + nPadded * k;
    const aAt = packedB + mPadded * k;
    const A = stage(a, aOffsets, count, n, k, aRow, aCol, aAt);
    const B = stage(b, bOffsets, count, k, m, bRow, bCol, aAt + A.size);
    if (aAt + A.size + B.size > capacity) return false;
    A.copy(heap);
    B.copy(heap);
    // The micro-kernel adds into C; for an overwrite it adds into zeros (the same bits as zeroing C first).
    if (overwrite && tiled) heap.fill(0, cAt, cAt + (cHi - cLo));
    else heap.set(c.subarray(cLo, cHi), cAt);
    for (let t = 0; t < count; t++) {
      const cFrom = cAt + cOffsets[t] - cLo;
      if (overwrite && !tiled) heap.fill(0, cFrom, cFrom + block);
      // A [n, k] packs from its rows, Aᵀ from its columns; B [k, m] from its columns, Bᵀ from its rows.
      // An entry that shares its operand with the one before reuses the panels.
      if (t === 0 || aOffsets[t] !== aOffsets[t - 1]) {
        if (A.alongLines) kernel.packLines(4 * A.at(t), 4 * packedA, n, k, A_PANEL, A.lineStride);
        else kernel.packColumns(4 * A.at(t), 4 * packedA, n, k, A_PANEL, A.lineStride);
      }
      if (t === 0 || bOffsets[t] !== bOffsets[t - 1]) {
        if (B.alongLines) kernel.packColumns(4 * B.at(t), 4 * packedB, m, k, B_PANEL, B.lineStride);
        else kernel.packLines(4 * B.at(t), 4 * packedB, m, k, B_PANEL, B.lineStride);
      }
      kernel.gemm(4 * packedA, 4 * packedB, 4 * cFrom, n, k, m);
    }
    c.set(heap.subarray(cAt, cAt + (cHi - cLo)), cLo);
    return true;
  }

  // gemm is a batch of one; its offsets live here rather than in three new arrays per call.
  const aOne = new Int32Array(1), bOne = new Int32Array(1), cOne = new Int32Array(1);

  const gemm: Gemm = (a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, n, k, m, overwrite = false) => {
    n |= 0; k |= 0; m |= 0;
    if (n === 0 || m === 0 || k === 0) {
      if (overwrite) c.fill(0, cOff, cOff + n * m); // an empty sum
      return;
    }
    aOne[0] = aOff; bOne[0] = bOff; cOne[0] = cOff;
    if (!run(a, aOne, aRow | 0, aCol | 0, b, bOne, bRow | 0, bCol | 0, c, cOne, 1, n, k, m, overwrite)) {
      fallback.gemm(a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, n, k, m, overwrite);
    }
  };

  const gemmBatch: GemmBatch = (a, aOffsets, aRow, aCol, b, bOffsets, bRow, bCol, c, cOffsets, n, k, m, overwrite = false) => {
    const count = cOffsets.length;
    n |= 0; k |= 0; m |= 0;
    if (count === 0) return;
    if (n === 0 || m === 0 || k === 0 || !run(a, aOffsets, aRow | 0, aCol | 0, b, bOffsets, bRow | 0, bCol | 0, c, cOffsets, count, n, k, m, overwrite)) {
      // Empty products, or too large together: one at a time (each may still fit).
      for (let t = 0; t < count; t++) gemm(a, aOffsets[t], aRow, aCol, b, bOffsets[t], bRow, bCol, c, cOffsets[t], n, k, m, overwrite);
    }
  };

  return { gemm, gemmBatch };
}
