/**
 * Run by kernels-wasm.test.ts as `node --experimental-wasm-relaxed-simd --import tsx`:
 * Node 20 has relaxed SIMD only behind that flag. Checks the relaxed-SIMD
 * kernel against the reference on edge and random shapes in every layout and
 * prints one JSON line: the engine's support, the variant made, and the worst
 * error relative to float32 tolerance (≤ 1 passes).
 */
import { typescriptKernels } from "../../src/lib/kernels/typescript/index";
import { createWasmKernels, simdSupport } from "../../src/lib/kernels/wasm/index";
import { Random } from "../../src/lib/random";
import { errorAgainstReference } from "./kernels-wasm.helpers";

const kernels = createWasmKernels(typescriptKernels, { variant: "relaxed-simd" });
let worst = Infinity;
if (kernels) {
  worst = 0;
  const rng = new Random(11);
  const shapes: [number, number, number][] = [[1, 1, 1], [1, 0, 1], [5, 9, 9], [4, 300, 8], [70, 513, 9], [197, 64, 197]];
  for (let i = 0; i < 60; i++) shapes.push([1 + Math.floor(rng.next() * 37), Math.floor(rng.next() * 45), 1 + Math.floor(rng.next() * 37)]);
  shapes.forEach(([n, k, m], i) => {
    for (const [aT, bT] of [[false, false], [false, true], [true, false], [true, true]]) {
      const { worst: error, touched } = errorAgainstReference(kernels.gemm, n, k, m, aT, bT, i);
      worst = Math.max(worst, touched ? Infinity : error);
    }
  });
}
console.log(JSON.stringify({ support: simdSupport(), variant: kernels?.variant ?? null, worst }));
