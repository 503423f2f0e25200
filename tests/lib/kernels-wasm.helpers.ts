/** Shared by kernels-wasm.test.ts and the relaxed-SIMD script it runs in a child process. */
import { referenceGemm } from "../../src/lib/ops/matmul";
import { Random } from "../../src/lib/random";

/** A [n, k] and B [k, m] stored row-major or transposed, as (aRow, aCol, bRow, bCol). */
function strides(n: number, k: number, m: number, aTransposed: boolean, bTransposed: boolean): [number, number, number, number] {
  return [...(aTransposed ? [1, n] : [k, 1]), ...(bTransposed ? [1, k] : [m, 1])] as [number, number, number, number];
}

/**
 * Runs `gemm` and the reference on operands at offsets inside larger arrays,
 * into a C that starts with values and has guards around it, and returns the
 * largest error relative to the tolerance of float32 rounding (≤ 1 passes)
 * and whether the guards or the operands changed.
 */
export function errorAgainstReference(
  gemm: typeof referenceGemm, n: number, k: number, m: number, aTransposed: boolean, bTransposed: boolean, seed: number,
): { worst: number; touched: boolean } {
  const rng = new Random(seed);
  const random = (length: number) => Float32Array.from({ length }, () => rng.normal());
  const [aRow, aCol, bRow, bCol] = strides(n, k, m, aTransposed, bTransposed);
  const aOff = 3, bOff = 1, cOff = 5;
  const a = random(aOff + n * k + 2), b = random(bOff + k * m + 2), start = random(cOff + n * m + 4);
  const [aBefore, bBefore] = [a.slice(), b.slice()];
  const expected = start.slice(), actual = start.slice();
  referenceGemm(a, aOff, aRow, aCol, b, bOff, bRow, bCol, expected, cOff, n, k, m);
  gemm(a, aOff, aRow, aCol, b, bOff, bRow, bCol, actual, cOff, n, k, m);
  // float32 rounding of a k-term sum of products of normal numbers (~√k·|terms|), with room
  const tolerance = 4e-6 * Math.sqrt(Math.max(k, 1)) * 4 + 1e-6;
  let worst = 0;
  for (let i = cOff; i < cOff + n * m; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / tolerance);
  const guards = [0, 1, 2, 3, 4, ...[0, 1, 2, 3].map((j) => cOff + n * m + j)];
  const touched = guards.some((i) => actual[i] !== start[i]) || a.some((v, i) => v !== aBefore[i]) || b.some((v, i) => v !== bBefore[i]);
  return { worst, touched };
}

