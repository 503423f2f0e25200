import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { gelu, matmul, randn } from "transformer";
import {
  type Kernels, availableKernels, getKernels, kernelName, registerKernels, setKernels,
} from "../../../src/lib/kernels/index";
import { referenceGemm } from "../../../src/lib/ops/matmul";
import { Random } from "../../../src/lib/random";

afterEach(() => setKernels("typescript"));

/** The three layouts the ops use, as strides of A [n, k] and B [k, m] stored row-major or transposed. */
const layouts = [
  { name: "A·B", strides: (n: number, k: number, m: number) => [k, 1, m, 1] },
  { name: "A·Bᵀ", strides: (n: number, k: number, m: number) => [k, 1, 1, k] },
  { name: "Aᵀ·B", strides: (n: number, k: number, m: number) => [1, n, m, 1] },
  { name: "Aᵀ·Bᵀ", strides: (n: number, k: number, m: number) => [1, n, 1, k] },
] as const;

/** 1×1, k = 0, empty outputs, odd sizes and sizes on either side of the 4×3 register tile. */
const shapes: [number, number, number][] = [
  [1, 1, 1], [1, 0, 1], [3, 0, 5], [0, 4, 3], [4, 5, 0],
  [1, 7, 1], [2, 3, 2], [3, 5, 7], [4, 1, 3], [4, 6, 3], [5, 9, 4], [7, 2, 11], [8, 16, 6], [9, 33, 13], [17, 64, 19],
];

function randomArray(rng: Random, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

/**
 * Runs `gemm` and the reference on the same operands, placed at offsets inside
 * larger arrays, into a `c` that starts with values (the kernel accumulates)
 * and has guard values around the output block (the kernel must not touch them).
 */
function compare(kernels: Kernels, n: number, k: number, m: number, layout: (typeof layouts)[number], seed: number) {
  const rng = new Random(seed);
  const [aRow, aCol, bRow, bCol] = layout.strides(n, k, m);
  const aOff = 3, bOff = 5, cOff = 2;
  const a = randomArray(rng, aOff + n * k + 4);
  const b = randomArray(rng, bOff + k * m + 4);
  const start = randomArray(rng, cOff + n * m + 3);
  const expected = start.slice();
  const actual = start.slice();
  referenceGemm(a, aOff, aRow, aCol, b, bOff, bRow, bCol, expected, cOff, n, k, m);
  kernels.gemm(a, aOff, aRow, aCol, b, bOff, bRow, bCol, actual, cOff, n, k, m);
  return { expected, actual };
}

/** How the operands of a batch of products lie (see {@link batchOperand}). */
const OPERAND_LAYOUTS = ["rows", "transposed", "heads", "gathered"] as const;

/**
 * Where entry t of a batch operand X [rows, cols] starts, and its strides:
 * "rows": row-major blocks one after another; "transposed": the blocks
 * stored as Xᵀ; "heads": the blocks side by side as column ranges of one
 * [rows, count·cols] matrix (one head's queries); "gathered": neither rows
 * nor columns contiguous. `shared`: every entry reads the same block (a
 * broadcast operand). `length`: the array size that holds it all, with room on both sides.
 */
function batchOperand(layout: (typeof OPERAND_LAYOUTS)[number], count: number, rows: number, cols: number, shared: boolean) {
  const [row, col, step] =
    layout === "rows" ? [cols, 1, rows * cols]
    : layout === "transposed" ? [1, rows, rows * cols]
    : layout === "heads" ? [count * cols, 1, cols]
    : [2 * cols + 1, 2, rows * (2 * cols + 1)];
  const offsets = Int32Array.from({ length: count }, (_, t) => 2 + (shared ? 0 : t) * step);
  const last = Math.max(...offsets) + Math.max(0, rows - 1) * row + Math.max(0, cols - 1) * col;
  return { offsets, row, col, length: last + 3 };
}

describe.each(availableKernels())("the %s kernel set", (name) => {
  const exact = name === "typescript"; // same order of additions, same double sums: bit for bit

  for (const layout of layouts) {
    it(`gemm ${layout.name} matches the plain-loop reference on edge and random shapes`, () => {
      const kernels = (setKernels(name), getKernels());
      shapes.forEach(([n, k, m], i) => {
        const { expected, actual } = compare(kernels, n, k, m, layout, 100 + i);
        const where = `[${n}, ${k}] · [${k}, ${m}]`;
        if (exact) {
          expect(Array.from(actual), where).toEqual(Array.from(expected));
        } else {
          // float32 rounding of a k-term sum of products of normal numbers
          const tolerance = 1e-6 * Math.max(1, k) * 8;
          actual.forEach((v, j) => expect(Math.abs(v - expected[j]), `${where}, element ${j}`).toBeLessThanOrEqual(tolerance));
        }
      });
    });
  }

  it("gemm with overwrite ignores what C held: the same bits as accumulating into zeros", () => {
    const kernels = (setKernels(name), getKernels());
    const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));
    for (const layout of layouts) {
      shapes.forEach(([n, k, m], i) => {
        const rng = new Random(300 + i);
        const [aRow, aCol, bRow, bCol] = layout.strides(n, k, m);
        const a = randomArray(rng, n * k), b = randomArray(rng, k * m);
        if (k > 0 && n > 0) for (let p = 0; p < k; p++) a[p * aCol] = -0; // row 0 of A is all -0: signed zeros must come out as before
        const cOff = 2, guards = randomArray(rng, cOff + n * m + 3);
        const zeroed = guards.slice().fill(0, cOff, cOff + n * m);
        const stale = guards.slice().fill(Number.NaN, cOff, cOff + n * m);
        kernels.gemm(a, 0, aRow, aCol, b, 0, bRow, bCol, zeroed, cOff, n, k, m);
        kernels.gemm(a, 0, aRow, aCol, b, 0, bRow, bCol, stale, cOff, n, k, m, true);
        expect(bits(stale), `${layout.name} [${n}, ${k}] · [${k}, ${m}]`).toEqual(bits(zeroed));
      });
    }
  });

  it("gelu and geluBackward overwrite their outputs (what they held does not matter)", () => {
    const kernels = (setKernels(name), getKernels());
    const rng = new Random(11);
    const x = Float32Array.from({ length: 37 }, () => 3 * rng.normal()), g = randomArray(rng, 37);
    const run = (start: number) => {
      const out = new Float32Array(37).fill(start), cdf = new Float32Array(37).fill(start), gx = new Float32Array(37).fill(start);
      kernels.gelu(x, out, cdf);
      kernels.geluBackward(x, cdf, g, gx);
      return [...out, ...cdf, ...gx];
    };
    expect(run(Number.NaN)).toEqual(run(0));
  });

  it("gemmBatch is gemm entry by entry, bit for bit: shared operands and outputs, per-head columns, gathered strides (property)", () => {
    const kernels = (setKernels(name), getKernels());
    const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 13 }),
        fc.constantFrom(...OPERAND_LAYOUTS), fc.constantFrom(...OPERAND_LAYOUTS), fc.boolean(), fc.boolean(),
        fc.constantFrom("tiled", "gapped", "shared"), fc.boolean(), fc.integer({ min: 0, max: 1e6 }),
        (count, n, k, m, aLayout, bLayout, aShared, bShared, cLayout, overwrite, seed) => {
          const rng = new Random(seed);
          const A = batchOperand(aLayout, count, n, k, aShared), B = batchOperand(bLayout, count, k, m, bShared);
          const a = randomArray(rng, A.length), b = randomArray(rng, B.length);
          const cStep = cLayout === "tiled" ? n * m : cLayout === "gapped" ? n * m + 2 : 0;
          const cOffsets = Int32Array.from({ length: count }, (_, t) => 1 + t * cStep);
          const start = randomArray(rng, 1 + (count - 1) * cStep + n * m + 2);
          const oneByOne = start.slice(), batched = start.slice();
          for (let t = 0; t < count; t++) {
            kernels.gemm(a, A.offsets[t], A.row, A.col, b, B.offsets[t], B.row, B.col, oneByOne, cOffsets[t], n, k, m, overwrite);
          }
          kernels.gemmBatch(a, A.offsets, A.row, A.col, b, B.offsets, B.row, B.col, batched, cOffsets, n, k, m, overwrite);
          expect(bits(batched)).toEqual(bits(oneByOne));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("gemm with a and b the same array (x·xᵀ)", () => {
    const kernels = (setKernels(name), getKernels());
    const x = randomArray(new Random(7), 5 * 6);
    const expected = new Float32Array(25), actual = new Float32Array(25);
    referenceGemm(x, 0, 6, 1, x, 0, 1, 6, expected, 0, 5, 6, 5);
    kernels.gemm(x, 0, 6, 1, x, 0, 1, 6, actual, 0, 5, 6, 5);
    actual.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 5));
  });

  it("gelu gives x·Φ(x) and Φ(x) to float32 precision, from -12 to 12", () => {
    const kernels = (setKernels(name), getKernels());
    const x = Float32Array.from({ length: 2401 }, (_, i) => -12 + i * 0.01);
    const out = new Float32Array(x.length), cdf = new Float32Array(x.length);
    kernels.gelu(x, out, cdf);
    x.forEach((v, i) => {
      const phi = 0.5 * erfcReference(-v / Math.SQRT2);
      // Computed in float32, e^(-x²/2) is only as precise as its exponent: relative error ~x²/2 · 2⁻²⁴ more (far in the tail).
      const relative = exact ? 4e-7 : 4e-7 + 1.2e-7 * v * v;
      expect(Math.abs(cdf[i] - phi), `Φ(${v})`).toBeLessThanOrEqual(relative * phi + 1e-30);
      expect(Math.abs(out[i] - v * phi), `gelu(${v})`).toBeLessThanOrEqual(relative * Math.abs(v * phi) + 1e-30);
    });
  });

  it("geluBackward gives g·(Φ(x) + x·φ(x)), for lengths that are not a multiple of 4 too", () => {
    const kernels = (setKernels(name), getKernels());
    for (const n of [0, 1, 3, 4, 5, 7, 1001]) {
      const rng = new Random(n);
      const x = Float32Array.from({ length: n }, () => 4 * rng.normal()), g = randomArray(rng, n);
      const out = new Float32Array(n), cdf = new Float32Array(n), gx = new Float32Array(n);
      kernels.gelu(x, out, cdf);
      kernels.geluBackward(x, cdf, g, gx);
      x.forEach((v, i) => {
        const expected = g[i] * (cdf[i] + (v * Math.exp(-0.5 * v * v)) / Math.sqrt(2 * Math.PI));
        expect(Math.abs(gx[i] - expected), `n ${n}, x ${v}`).toBeLessThanOrEqual(1e-6 * (Math.abs(expected) + Math.abs(g[i])));
      });
    }
  });

  it("softmax of rows of any length, masks (-Infinity) included", () => {
    const kernels = (setKernels(name), getKernels());
    for (const [rows, length] of [[0, 5], [3, 0], [1, 1], [2, 3], [3, 4], [5, 7], [4, 17], [2, 65]]) {
      const rng = new Random(rows * 100 + length);
      const x = Float32Array.from({ length: rows * length }, () => (rng.next() < 0.2 ? -Infinity : 10 * rng.normal()));
      for (let r = 0; r < rows; r++) if (length > 0) x[r * length + Math.floor(rng.next() * length)] = 3; // one finite entry per row
      const out = new Float32Array(x.length).fill(7);
      kernels.softmax(x, out, rows, length);
      for (let r = 0; r < rows; r++) {
        const row = Array.from(x.subarray(r * length, (r + 1) * length));
        const max = Math.max(...row);
        const total = row.reduce((s, v) => s + Math.exp(v - max), 0);
        row.forEach((v, j) => {
          const expected = Math.exp(v - max) / total, actual = out[r * length + j];
          if (v === -Infinity) expect(actual, `[${rows}, ${length}] row ${r}, masked ${j}`).toBe(0);
          else expect(Math.abs(actual - expected), `[${rows}, ${length}] row ${r}, ${j}`).toBeLessThanOrEqual(4e-7 * expected + 1e-9);
        });
      }
    }
  });

  it("softmaxBackward gives y·(g - Σ g·y) row by row, rows of any length", () => {
    const kernels = (setKernels(name), getKernels());
    for (const [rows, length] of [[0, 5], [3, 0], [1, 1], [2, 3], [3, 4], [5, 7], [4, 17], [2, 65]]) {
      const rng = new Random(rows * 7 + length);
      const x = randomArray(rng, rows * length), g = randomArray(rng, rows * length);
      const y = new Float32Array(x.length), gx = new Float32Array(x.length).fill(7);
      kernels.softmax(x, y, rows, length);
      kernels.softmaxBackward(y, g, gx, rows, length);
      for (let r = 0; r < rows; r++) {
        let dot = 0;
        for (let j = 0; j < length; j++) dot += g[r * length + j] * y[r * length + j];
        for (let j = 0; j < length; j++) {
          const at = r * length + j, expected = y[at] * (g[at] - dot);
          expect(Math.abs(gx[at] - expected), `[${rows}, ${length}] row ${r}, ${j}`).toBeLessThanOrEqual(1e-6 * y[at] * (1 + Math.abs(g[at]) + Math.abs(dot)));
        }
      }
    }
  });

  it("layerNorm and its backward pass match a double-precision reference, rows of any width", () => {
    const kernels = (setKernels(name), getKernels());
    for (const [rows, d] of [[0, 4], [1, 2], [1, 1], [2, 3], [3, 4], [5, 7], [4, 48], [2, 65]]) {
      const rng = new Random(rows * 31 + d);
      const n = rows * d;
      const x = Float32Array.from({ length: n }, () => 3 + 2 * rng.normal()), gamma = randomArray(rng, d), beta = randomArray(rng, d);
      const g = randomArray(rng, n), gStart = randomArray(rng, d), bStart = randomArray(rng, d);
      const out = new Float32Array(n).fill(7), normalized = new Float32Array(n).fill(7), rstd = new Float32Array(rows).fill(7);
      kernels.layerNorm(x, gamma, beta, 1e-5, out, normalized, rstd, rows, d);
      const gx = new Float32Array(n).fill(7), gGamma = gStart.slice(), gBeta = bStart.slice();
      kernels.layerNormBackward(g, gamma, normalized, rstd, gx, gGamma, gBeta, rows, d);
      const gGammaOnly = gStart.slice(), gBetaOnly = bStart.slice();
      kernels.layerNormBackward(g, gamma, normalized, rstd, null, gGammaOnly, gBetaOnly, rows, d);
      const expectedGamma = Array.from(gStart, Number), expectedBeta = Array.from(bStart, Number);
      for (let r = 0; r < rows; r++) {
        const row = Array.from(x.subarray(r * d, (r + 1) * d), Number);
        const mean = row.reduce((a, v) => a + v, 0) / d;
        const s = 1 / Math.sqrt(row.reduce((a, v) => a + (v - mean) ** 2, 0) / d + 1e-5);
        expect(Math.abs(rstd[r] - s) / s, `[${rows}, ${d}] rstd ${r}`).toBeLessThanOrEqual(1e-5);
        const xhat = row.map((v) => (v - mean) * s), gr = Array.from(g.subarray(r * d, (r + 1) * d), Number);
        const gh = gr.map((v, j) => v * gamma[j]);
        const meanG = gh.reduce((a, v) => a + v, 0) / d, meanGX = gh.reduce((a, v, j) => a + v * xhat[j], 0) / d;
        xhat.forEach((h, j) => {
          const at = r * d + j;
          expect(Math.abs(normalized[at] - h), `[${rows}, ${d}] x̂ ${at}`).toBeLessThanOrEqual(1e-5);
          expect(Math.abs(out[at] - (h * gamma[j] + beta[j])), `[${rows}, ${d}] out ${at}`).toBeLessThanOrEqual(1e-5);
          expect(Math.abs(gx[at] - s * (gh[j] - meanG - h * meanGX)), `[${rows}, ${d}] gx ${at}`).toBeLessThanOrEqual(1e-5 * s * (1 + Math.abs(gh[j])));
          expectedGamma[j] += gr[j] * h;
          expectedBeta[j] += gr[j];
        });
      }
      gGamma.forEach((v, j) => expect(Math.abs(v - expectedGamma[j]), `gGamma ${j}`).toBeLessThanOrEqual(1e-5 * (1 + rows)));
      gBeta.forEach((v, j) => expect(Math.abs(v - expectedBeta[j]), `gBeta ${j}`).toBeLessThanOrEqual(1e-5 * (1 + rows)));
      expect(Array.from(gGammaOnly), "gGamma without gx").toEqual(Array.from(gGamma));
      expect(Array.from(gBetaOnly), "gBeta without gx").toEqual(Array.from(gBeta));
    }
  });

  it("softmax: a row of only -Infinity becomes NaN (as in PyTorch), in place too, and leaves other rows alone", () => {
    const kernels = (setKernels(name), getKernels());
    const x = Float32Array.of(-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, 0, 0, 0, 0, 0);
    kernels.softmax(x, x, 2, 5);
    expect(Array.from(x.subarray(0, 5)).every(Number.isNaN)).toBe(true);
    x.subarray(5).forEach((v) => expect(v).toBeCloseTo(0.2, 6));
  });
});

describe("choosing a kernel set", () => {
  it("uses TypeScript by default and lists it first", () => {
    expect(kernelName()).toBe("typescript");
    expect(availableKernels()[0]).toBe("typescript");
  });

  it("refuses an unregistered set with a message naming the registered ones, and keeps the current set", () => {
    expect(() => setKernels("nonexistent")).toThrow(/no kernel set named "nonexistent".*available: typescript/);
    expect(kernelName()).toBe("typescript");
  });

  it("refuses to replace the default set, and a set without every function", () => {
    expect(() => registerKernels("typescript", getKernels())).toThrow(/built-in/);
    expect(() => registerKernels("partial", { gemm: getKernels().gemm } as Kernels)).toThrow(/no gemmBatch\(\) function/);
  });

  it("routes matmul, linear's backward and gelu through the set chosen, and back", () => {
    const base = getKernels();
    const calls = { gemm: 0, gelu: 0 };
    registerKernels("counting", {
      ...base,
      gemm: (...args) => (calls.gemm++, base.gemm(...args)),
      gelu: (...args) => (calls.gelu++, base.gelu(...args)),
    });
    setKernels("counting");
    expect(kernelName()).toBe("counting");
    const a = randn([3, 4], { seed: 1 }), b = randn([4, 2], { seed: 2 });
    const viaCounting = matmul(a, b).toArray();
    gelu(a);
    expect(calls).toEqual({ gemm: 1, gelu: 1 });
    setKernels("typescript");
    expect(matmul(a, b).toArray()).toEqual(viaCounting);
    expect(calls.gemm).toBe(1);
  });
});

/** erfc in double precision: its Taylor series near 0, a continued fraction further out. */
function erfcReference(z: number): number {
  const x = Math.abs(z);
  let r: number;
  if (x < 3) {
    let term = x, sum = x; // erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    r = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    let f = x; // erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
    for (let n = 120; n >= 1; n--) f = x + n / 2 / f;
    r = Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
  }
  return z >= 0 ? r : 2 - r;
}
