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
 */

import type { Kernels } from "../index";

/** The matrix product every kernel set provides (`Kernels.gemm`: arguments and meaning). */
type Gemm = Kernels["gemm"];

/** The functions gemm.wat exports; pointers are byte offsets into the memory. */
interface GemmExports {
  packLines(src: number, dst: number, count: number, len: number, width: number): void;
  packColumns(src: number, dst: number, count: number, len: number, width: number): void;
  gemm(a: number, b: number, c: number, n: number, k: number, m: number): void;
}

/** Bytes 0..127 of the memory are the kernel's scratch tile; operands start after it. */
const SCRATCH_BYTES = 128;
/** Panel widths of gemm.wat: 4 rows of A, 8 columns of B. */
const A_PANEL = 4;
const B_PANEL = 8;

/** How an operand sits in memory, as gemm.wat's packing functions read it. */
type Layout = "rows" | "transposed" | "strided";

/** `X[r, s] = x[off + r·rowStride + s·colStride]`, `[rows, cols]`: row-major, the row-major transpose, or neither. */
function layoutOf(rows: number, cols: number, rowStride: number, colStride: number): Layout {
  if (colStride === 1 && (rowStride === cols || rows === 1)) return "rows";
  if (rowStride === 1 && (colStride === rows || cols === 1)) return "transposed";
  return "strided";
}

/**
 * A {@link Gemm} running on an instance of gemm.wat in `memory`, with
 * `fallback` (the TypeScript kernel) for products that do not fit in it.
 */
export function wasmGemm(module: WebAssembly.Module, memory: WebAssembly.Memory, fallback: Gemm): Gemm {
  const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as GemmExports;
  const heap = new Float32Array(memory.buffer); // valid for good: the memory never grows
  const capacity = heap.length;

  /** Copies `X [rows, cols]` into the heap at float index `to`, in the layout it has (strided ones become row-major). */
  function copyIn(x: Float32Array, off: number, rowStride: number, colStride: number, rows: number, cols: number, layout: Layout, to: number): void {
    if (layout !== "strided") {
      heap.set(x.subarray(off, off + rows * cols), to);
      return;
    }
    for (let r = 0; r < rows; r++) {
      for (let s = 0; s < cols; s++) heap[to + r * cols + s] = x[off + r * rowStride + s * colStride];
    }
  }

  return function gemm(a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, n, k, m, overwrite = false) {
    aOff |= 0; aRow |= 0; aCol |= 0; bOff |= 0; bRow |= 0; bCol |= 0; cOff |= 0; n |= 0; k |= 0; m |= 0;
    if (n === 0 || m === 0 || k === 0) {
      if (overwrite) c.fill(0, cOff, cOff + n * m); // an empty sum
      return;
    }
    const nPadded = Math.ceil(n / A_PANEL) * A_PANEL, mPadded = Math.ceil(m / B_PANEL) * B_PANEL;
    // Float indices of: A as given [n·k], B as given [k·m], C [n, m], A's panels, B's panels.
    const srcA = SCRATCH_BYTES / 4, srcB = srcA + n * k, cAt = srcB + k * m;
    const packedA = cAt + n * m, packedB = packedA + nPadded * k, end = packedB + mPadded * k;
    if (end > capacity) {
      fallback(a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, n, k, m, overwrite);
      return;
    }
    const aLayout = layoutOf(n, k, aRow, aCol), bLayout = layoutOf(k, m, bRow, bCol);
    copyIn(a, aOff, aRow, aCol, n, k, aLayout, srcA);
    copyIn(b, bOff, bRow, bCol, k, m, bLayout, srcB);
    // The micro-kernel adds into C; for an overwrite it adds into zeros (the same bits as zeroing C first).
    if (overwrite) heap.fill(0, cAt, cAt + n * m);
    else heap.set(c.subarray(cOff, cOff + n * m), cAt);
    // A [n, k] packs from its rows; Aᵀ [k, n] from its columns. B [k, m] from its columns, Bᵀ [m, k] from its rows.
    if (aLayout === "transposed") kernel.packColumns(4 * srcA, 4 * packedA, n, k, A_PANEL);
    else kernel.packLines(4 * srcA, 4 * packedA, n, k, A_PANEL);
    if (bLayout === "transposed") kernel.packLines(4 * srcB, 4 * packedB, m, k, B_PANEL);
    else kernel.packColumns(4 * srcB, 4 * packedB, m, k, B_PANEL);
    kernel.gemm(4 * packedA, 4 * packedB, 4 * cAt, n, k, m);
    c.set(heap.subarray(cAt, cAt + n * m), cOff);
  };
}
