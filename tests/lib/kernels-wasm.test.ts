/**
 * The WebAssembly SIMD kernels (src/lib/kernels/wasm): the committed binary
 * is what its source assembles to; the product matches the plain-loop
 * reference on random and edge shapes in every layout, in both variants;
 * products too large for the kernels' memory and engines without
 * WebAssembly fall back to the TypeScript kernels with the same results.
 * (tests/lib/kernels checks every registered set on fixed shapes; the
 * PyTorch fixtures and gradient checks in tests/lib/core run on the default
 * set, WebAssembly here, and kernels-typescript.test.ts runs them again on
 * TypeScript.)
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildModules, relaxedSource } from "../../scripts/build-wasm-kernels";
import { availableKernels, kernelName, setKernels } from "../../src/lib/kernels/index";
import { typescriptKernels } from "../../src/lib/kernels/typescript/index";
import { createWasmKernels, simdSupport } from "../../src/lib/kernels/wasm/index";
import { referenceGemm } from "../../src/lib/ops/matmul";
import { Random } from "../../src/lib/random";
import { errorAgainstReference } from "./kernels-wasm.helpers";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe("the committed WebAssembly module", () => {
  it("is what `npm run build:wasm` assembles from gemm.wat and activations.wat today", async () => {
    const committed = readFileSync(here("../../src/lib/kernels/wasm/modules.ts"), "utf8");
    expect(await buildModules(), "modules.ts is stale: run npm run build:wasm").toBe(committed);
  });

  it("has a relaxed-SIMD variant that differs only in the micro-kernel's 8 multiply-adds", () => {
    const wat = readFileSync(here("../../src/lib/kernels/wasm/gemm.wat"), "utf8");
    const code = (text: string) => text.split("\n").filter((line) => !line.trim().startsWith(";;")).join("\n");
    const relaxed = code(relaxedSource(wat));
    expect(relaxed.match(/f32x4\.relaxed_madd/g)).toHaveLength(8);
    expect(relaxed.match(/f32x4\.mul/g)).toBeNull();
    expect(relaxed.replace(/\(f32x4\.relaxed_madd [^\n]*\)\)/g, "")).toBe(code(wat).replace(/\(f32x4\.add \(local\.get \$c\d\d\) \(f32x4\.mul [^\n]*\)\)\)/g, ""));
  });
});

const variants = simdSupport() === "relaxed-simd" ? (["simd", "relaxed-simd"] as const) : (["simd"] as const);

describe.each(variants)("the %s kernel", (variant) => {
  const kernels = createWasmKernels(typescriptKernels, { variant })!;

  it("is available in this engine", () => {
    expect(kernels?.variant).toBe(variant);
  });

  it("matches the reference on random shapes, every layout (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 37 }), fc.integer({ min: 0, max: 45 }), fc.integer({ min: 0, max: 37 }),
        fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 1e6 }),
        (n, k, m, aT, bT, seed) => {
          const { worst, touched } = errorAgainstReference(kernels.gemm, n, k, m, aT, bT, seed);
          return worst <= 1 && !touched;
        },
      ),
      { numRuns: 300 },
    );
  });

  // 1×1, k = 0, empty, one past and one short of the 4×8 tile, and past the
  // kernel's blocks: k > 256 (two passes over C), n > 64 (two row blocks).
  const edges: [number, number, number][] = [
    [1, 1, 1], [1, 0, 1], [0, 3, 5], [3, 4, 0], [4, 1, 8], [3, 7, 7], [5, 9, 9], [4, 300, 8], [65, 33, 17],
    [70, 513, 9], [13, 257, 130], [197, 64, 197],
  ];
  for (const [aT, bT] of [[false, false], [false, true], [true, false], [true, true]]) {
    it(`matches the reference on edge shapes, ${aT ? "Aᵀ" : "A"}·${bT ? "Bᵀ" : "B"}`, () => {
      edges.forEach(([n, k, m], i) => {
        const { worst, touched } = errorAgainstReference(kernels.gemm, n, k, m, aT, bT, 40 + i);
        expect(worst, `[${n}, ${k}]·[${k}, ${m}]: error / tolerance`).toBeLessThanOrEqual(1);
        expect(touched, `[${n}, ${k}]·[${k}, ${m}] wrote outside C or into an operand`).toBe(false);
      });
    });
  }

  it("reads operands with any strides (a strided view is copied in row-major)", () => {
    // A [3, 4] read from every other number of a row-major [3, 8]; B [4, 5] from a [5, 4] with rows 4 apart, columns 1: transposed
    const rng = new Random(3);
    const a = Float32Array.from({ length: 24 }, () => rng.normal()), b = Float32Array.from({ length: 20 }, () => rng.normal());
    const expected = new Float32Array(15), actual = new Float32Array(15);
    referenceGemm(a, 0, 8, 2, b, 0, 1, 4, expected, 0, 3, 4, 5);
    kernels.gemm(a, 0, 8, 2, b, 0, 1, 4, actual, 0, 3, 4, 5);
    actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });
});

describe("fallbacks", () => {
  it("a product too large for the kernels' memory runs on the TypeScript kernel, bit for bit", () => {
    const small = createWasmKernels(typescriptKernels, { pages: 1 })!; // 64 KiB: 16 k numbers
    const rng = new Random(5);
    const [n, k, m] = [80, 70, 60]; // 5600 + 4200 + 4800 numbers, and B packed: more than fit
    const a = Float32Array.from({ length: n * k }, () => rng.normal()), b = Float32Array.from({ length: k * m }, () => rng.normal());
    const viaWasm = new Float32Array(n * m), viaTs = new Float32Array(n * m);
    small.gemm(a, 0, k, 1, b, 0, m, 1, viaWasm, 0, n, k, m);
    typescriptKernels.gemm(a, 0, k, 1, b, 0, m, 1, viaTs, 0, n, k, m);
    expect(Array.from(viaWasm)).toEqual(Array.from(viaTs));
    const overwritten = new Float32Array(n * m).fill(Number.NaN); // the fallback overwrites too when asked
    small.gemm(a, 0, k, 1, b, 0, m, 1, overwritten, 0, n, k, m, true);
    expect(Array.from(overwritten)).toEqual(Array.from(viaTs));
    // while a small one still runs on WebAssembly: float32 sums, not the TypeScript kernel's double ones
    const c1 = new Float32Array(16), c2 = new Float32Array(16);
    small.gemm(a, 0, k, 1, b, 0, 4, 1, c1, 0, 4, 70, 4);
    typescriptKernels.gemm(a, 0, k, 1, b, 0, 4, 1, c2, 0, 4, 70, 4);
    c1.forEach((v, i) => expect(v).toBeCloseTo(c2[i], 4));
  });

  it("a batch too large for the kernels' memory together runs product by product, each still on WebAssembly", () => {
    const small = createWasmKernels(typescriptKernels, { pages: 1 })!; // 16 k numbers
    const rng = new Random(8);
    const [count, n, k, m] = [40, 17, 12, 17]; // 40 · (204 + 204 + 289) numbers: more than fit, one entry fits
    const a = Float32Array.from({ length: count * n * k }, () => rng.normal()), b = Float32Array.from({ length: count * k * m }, () => rng.normal());
    const at = (size: number) => Int32Array.from({ length: count }, (_, t) => t * size);
    const batched = new Float32Array(count * n * m), oneByOne = new Float32Array(count * n * m), viaTs = new Float32Array(count * n * m);
    small.gemmBatch(a, at(n * k), k, 1, b, at(k * m), m, 1, batched, at(n * m), n, k, m, true);
    for (let t = 0; t < count; t++) small.gemm(a, t * n * k, k, 1, b, t * k * m, m, 1, oneByOne, t * n * m, n, k, m, true);
    typescriptKernels.gemmBatch(a, at(n * k), k, 1, b, at(k * m), m, 1, viaTs, at(n * m), n, k, m, true);
    expect(Array.from(batched)).toEqual(Array.from(oneByOne));
    expect(Array.from(batched)).not.toEqual(Array.from(viaTs)); // float32 sums: the products did run on WebAssembly
    batched.forEach((v, i) => expect(v).toBeCloseTo(viaTs[i], 4));
  });

  it("GELU, softmax and layer norm too large for the kernels' memory run on the TypeScript kernels, bit for bit", () => {
    const small = createWasmKernels(typescriptKernels, { pages: 1 })!; // 16 k numbers
    const rng = new Random(6);
    const n = 6000; // GELU needs 3n, its backward 4n, softmax n (fits), its backward 3n, layer norm about 3n
    const x = Float32Array.from({ length: n }, () => 3 * rng.normal()), g = Float32Array.from({ length: n }, () => rng.normal());
    const run = (kernels: typeof typescriptKernels) => {
      const out = new Float32Array(n), cdf = new Float32Array(n), gx = new Float32Array(n), y = new Float32Array(n), gy = new Float32Array(n);
      kernels.gelu(x, out, cdf);
      kernels.geluBackward(x, cdf, g, gx);
      typescriptKernels.softmax(x, y, 60, 100); // the same y for both backward passes
      kernels.softmaxBackward(y, g, gy, 60, 100);
      const gamma = g.subarray(0, 100), beta = g.subarray(100, 200);
      const ln = new Float32Array(n), normalized = new Float32Array(n), rstd = new Float32Array(60), lgx = new Float32Array(n);
      const gGamma = new Float32Array(100), gBeta = new Float32Array(100);
      kernels.layerNorm(x, gamma, beta, 1e-5, ln, normalized, rstd, 60, 100);
      kernels.layerNormBackward(g, gamma, normalized, rstd, lgx, gGamma, gBeta, 60, 100);
      return [out, cdf, gx, gy, ln, normalized, rstd, lgx, gGamma, gBeta].map((a) => Array.from(a));
    };
    expect(run(small)).toEqual(run(typescriptKernels));
    // while a small softmax still runs on WebAssembly: float32 sums, not the TypeScript kernel's double ones
    const [viaWasm, viaTs] = [new Float32Array(n), new Float32Array(n)];
    small.softmax(x, viaWasm, 60, 100);
    typescriptKernels.softmax(x, viaTs, 60, 100);
    expect(Array.from(viaWasm)).not.toEqual(Array.from(viaTs));
    viaWasm.forEach((v, i) => expect(v).toBeCloseTo(viaTs[i], 6));
  });

  it("the library picks the WebAssembly kernels where the engine runs them", () => {
    expect(simdSupport()).not.toBe("none"); // Node 20 has WebAssembly SIMD
    expect(kernelName()).toBe("wasm");
    expect(availableKernels()).toEqual(["typescript", "wasm"]);
  });

  it("reports no SIMD for an engine without WebAssembly, or one that rejects the modules", () => {
    expect(simdSupport(null)).toBe("none");
    expect(simdSupport({ ...WebAssembly, validate: () => false })).toBe("none");
    const onlyPlain = { ...WebAssembly, validate: (bytes: BufferSource) => WebAssembly.validate(bytes) && !relaxedBytes(bytes) };
    expect(simdSupport(onlyPlain)).toBe("simd");
  });

  it("without WebAssembly the library runs on the TypeScript kernels, with the same numbers as setKernels(\"typescript\")", async () => {
    const forward = (lib: typeof import("../../src/lib/index")) => {
      const vit = new lib.ViT({ imageSize: 16, channels: 3, patchSize: 4, dim: 16, depth: 1, heads: 2, mlpDim: 32, classes: 3 }, { seed: 1 });
      const images = lib.randn([2, 3, 16, 16], { seed: 2 });
      const loss = lib.crossEntropy(vit.forward(images).logits, [0, 2]);
      loss.backward();
      return [loss.item(), ...vit.params["blocks.0.mlp.w1"].grad!.data.slice(0, 20)];
    };
    // modules as a fresh import sees them (afterEach resets the registry)
    const withWasm = await import("../../src/lib/kernels/index");
    withWasm.setKernels("typescript");
    const typescript = forward(await import("../../src/lib/index"));
    withWasm.setKernels("wasm");
    const wasm = forward(await import("../../src/lib/index"));

    vi.resetModules();
    vi.stubGlobal("WebAssembly", undefined);
    const kernels = await import("../../src/lib/kernels/index");
    expect(kernels.kernelName()).toBe("typescript");
    expect(kernels.availableKernels()).toEqual(["typescript"]);
    expect(() => kernels.setKernels("wasm")).toThrow(/no kernel set named "wasm"/);
    const fallback = forward(await import("../../src/lib/index"));
    expect(fallback).toEqual(typescript);
    fallback.forEach((v, i) => expect(v).toBeCloseTo(wasm[i], 4));
  });
});

/** Whether `bytes` is the relaxed-SIMD module (it contains relaxed_madd: 0xfd 0x85 0x02). */
function relaxedBytes(bytes: BufferSource): boolean {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes as ArrayBuffer);
  for (let i = 0; i + 2 < u8.length; i++) if (u8[i] === 0xfd && u8[i + 1] === 0x85 && u8[i + 2] === 0x02) return true;
  return false;
}

describe("the relaxed-SIMD kernel in an engine that has it", () => {
  it("validates and matches the reference (Node with --experimental-wasm-relaxed-simd)", () => {
    // Node 20 has relaxed SIMD only behind a flag; Chromium 114+ has it on.
    const script = here("./kernels-wasm-relaxed.script.ts");
    const output = execFileSync(process.execPath, ["--experimental-wasm-relaxed-simd", "--import", "tsx", script], { encoding: "utf8" });
    expect(JSON.parse(output.trim().split("\n").pop()!)).toEqual({ support: "relaxed-simd", variant: "relaxed-simd", worst: expect.any(Number) });
    expect(JSON.parse(output.trim().split("\n").pop()!).worst).toBeLessThanOrEqual(1);
  });
});
