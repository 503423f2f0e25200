/**
 * Kernels: the arithmetic loops that ops hand their numbers to.
 *
 * An op (`ops/matmul.ts`, `ops/elementwise.ts`) checks shapes, handles
 * broadcasting, allocates its output and writes its backward rule; then it
 * calls the current kernel set, through {@link getKernels}, to fill the
 * output. This file is the single place ops reach kernels from, so a second
 * set (WebAssembly SIMD, say) can replace the default TypeScript one without
 * any op changing:
 *
 * ```ts
 * registerKernels("wasm", wasmKernels); // once, where the set is available (done below)
 * setKernels("typescript");             // every op from now on uses the readable reference
 * setKernels("wasm");                   // back to WebAssembly SIMD, the default where it runs
 * ```
 *
 * Kernels are internal: cells do not import them. The public entry,
 * `index.ts`, exports only the switch (`setKernels`, `kernelName`,
 * `availableKernels`), so a cell can time the same code on either set.
 */
import { typescriptKernels } from "./typescript/index";
import { createWasmKernels } from "./wasm/index";

/**
 * What a kernel set provides. Every function works on plain `Float32Array`s
 * that belong to the caller: ordinary JavaScript arrays (from `new
 * Float32Array` or the buffer pool in `memory.ts`), never memory of the kernel
 * set's own. An implementation that computes elsewhere (a WebAssembly
 * instance's memory) copies the operands in and the results out within the
 * call, and must not keep a reference to any argument after it returns.
 * Calls are synchronous and never overlap (JavaScript runs one at a time), so
 * scratch memory may be reused from call to call.
 *
 * Numbers: the TypeScript set sums every dot product in double precision, in
 * order over the shared axis, and the shipped weights were trained with it.
 * Another set may round differently (float32 sums, another order); it should
 * stay within float32 rounding of a k-term sum of the reference
 * (`referenceGemm` in `ops/matmul.ts`), which tests/lib/kernels checks for
 * every registered set.
 */
export interface Kernels {
  /**
   * General matrix product, accumulated: `C[n, m] += A[n, k] · B[k, m]`.
   *
   * Operands are strided views into flat arrays:
   * - `A[i, p] = a[aOff + i·aRow + p·aCol]`
   * - `B[p, j] = b[bOff + p·bRow + j·bCol]`
   * - `C[i, j] = c[cOff + i·m + j]`: the output is always row-major and
   *   contiguous, rows `m` apart.
   *
   * The three products the library needs are all this one call:
   * - `A·B`, both row-major: `(aRow, aCol) = (k, 1)`, `(bRow, bCol) = (m, 1)`
   * - `A·Bᵀ` with B stored `[m, k]` (attention's `q kᵀ`, the input gradient
   *   `dY·Wᵀ`): `(bRow, bCol) = (1, k)`
   * - `Aᵀ·B` with A stored `[k, n]` (the weight gradient `Xᵀ·dY`):
   *   `(aRow, aCol) = (1, n)`
   *
   * The kernel adds into `c` (the caller zeroes it, or fills it with a bias
   * first); it never writes outside the `n × m` block at `cOff`. With
   * `overwrite` true it ignores what the block held and writes exactly the
   * numbers it would have added to a zeroed block (so the caller need not
   * zero it, and a kernel computing elsewhere need not copy it in); with
   * k = 0 that is zeros. `a` and `b`
   * may be the same array; `c` never overlaps `a` or `b`. Any of n, k, m may
   * be 0: then it does nothing. Offsets and sizes are non-negative integers,
   * though they may arrive as doubles (`| 0` them before indexing in hot loops).
   */
  gemm(
    a: Float32Array, aOff: number, aRow: number, aCol: number,
    b: Float32Array, bOff: number, bRow: number, bCol: number,
    c: Float32Array, cOff: number, n: number, k: number, m: number, overwrite?: boolean,
  ): void;

  /**
   * A batch of products, as if {@link gemm} ran once per entry t, in order
   * (t = 0, 1, … up to the length of `cOffsets`), with entry t's operands and output at
   * `aOffsets[t]`, `bOffsets[t]` and `cOffsets[t]` (the strides, sizes and
   * `overwrite` shared): `C_t[n, m] (+)= A_t[n, k] · B_t[k, m]`. Attention
   * runs one product per picture and head, each small; a kernel that
   * computes elsewhere can copy the whole batch in and out once. The three
   * offset arrays have the same length. Entries may share an operand (a
   * broadcast matrix) or an output block (then, without `overwrite`, their
   * products add up in order). Strides are non-negative.
   */
  gemmBatch(
    a: Float32Array, aOffsets: Int32Array, aRow: number, aCol: number,
    b: Float32Array, bOffsets: Int32Array, bRow: number, bCol: number,
    c: Float32Array, cOffsets: Int32Array, n: number, k: number, m: number, overwrite?: boolean,
  ): void;

  /**
   * GELU's forward pass, exact form: for every `i < x.length`,
   * `cdf[i] = Φ(x[i])` (the standard normal CDF, `erfc(-x/√2)/2`) and
   * `out[i] = x[i]·Φ(x[i])`. `out` and `cdf` have x's length and are
   * overwritten; the op's backward rule reads `cdf` later. Accurate to about
   * float32 precision everywhere, large negative x included (compute Φ from
   * `erfc`, not `1 + erf`, which cancels to 0).
   */
  gelu(x: Float32Array, out: Float32Array, cdf: Float32Array): void;

  /**
   * GELU's backward pass: for every `i < x.length`,
   * `gx[i] = g[i]·(cdf[i] + x[i]·φ(x[i]))`, with `cdf` what {@link gelu}
   * wrote for this x and φ the standard normal density `e^(-x²/2)/√(2π)`.
   * All four arrays have x's length; `gx` is overwritten.
   */
  geluBackward(x: Float32Array, cdf: Float32Array, g: Float32Array, gx: Float32Array): void;

  /**
   * Softmax of each row of `x [rows, length]`, row-major, into `out` (same
   * length, overwritten; it may be x itself): `out[r, j] = e^(x[r, j] - max) / Σ e^(x[r, ·] - max)`,
   * with max the row's largest number. Entries of `-Infinity` get 0; a row of
   * only `-Infinity` (or with a NaN or +Infinity) becomes NaN. rows or length may be 0.
   */
  softmax(x: Float32Array, out: Float32Array, rows: number, length: number): void;

  /**
   * Softmax's backward pass over the same rows: `gx[r, k] = y[r, k]·(g[r, k] - Σ_j g[r, j]·y[r, j])`,
   * with `y` what {@link softmax} wrote and `g` the gradient with respect to
   * it. `gx` is overwritten and overlaps neither.
   */
  softmaxBackward(y: Float32Array, g: Float32Array, gx: Float32Array, rows: number, length: number): void;

  /**
   * Layer normalization of each row of `x [rows, d]`, row-major: with the
   * row's mean and biased variance, `rstd[r] = 1/√(var + eps)`,
   * `normalized = (x - mean)·rstd` and `out = normalized·gamma + beta`
   * (`gamma`, `beta` `[d]`). `out`, `normalized` (`[rows, d]`) and `rstd`
   * (`[rows]`) are overwritten; the backward pass reads the last two.
   */
  layerNorm(
    x: Float32Array, gamma: Float32Array, beta: Float32Array, eps: number,
    out: Float32Array, normalized: Float32Array, rstd: Float32Array, rows: number, d: number,
  ): void;

  /**
   * Layer normalization's backward pass from the gradient `g [rows, d]` of
   * its output: adds `Σ_r g·normalized` into `gGamma [d]` and `Σ_r g` into
   * `gBeta [d]`, and unless `gx` is null writes, with ĝ = g·gamma,
   * `gx = rstd·(ĝ - mean(ĝ) - normalized·mean(ĝ·normalized))` (means over each row).
   */
  layerNormBackward(
    g: Float32Array, gamma: Float32Array, normalized: Float32Array, rstd: Float32Array,
    gx: Float32Array | null, gGamma: Float32Array, gBeta: Float32Array, rows: number, d: number,
  ): void;
}

/** The functions every kernel set provides (what {@link registerKernels} checks for). */
const KERNEL_FUNCTIONS = ["gemm", "gemmBatch", "gelu", "geluBackward", "softmax", "softmaxBackward", "layerNorm", "layerNormBackward"] as const;

/** Names of the kernel sets the library knows of; others may be registered. */
export type KernelSetName = "typescript" | "wasm" | (string & {});

const registered = new Map<string, Kernels>([["typescript", typescriptKernels]]);
let currentName: KernelSetName = "typescript";
let current: Kernels = typescriptKernels;

// The WebAssembly SIMD set is registered and chosen at start-up wherever the
// engine runs it (every browser the course targets, Node); elsewhere the
// TypeScript set stays. Either way the same code runs and the numbers agree
// to float32 rounding (see Kernels above).
const wasm = createWasmKernels(typescriptKernels);
if (wasm) {
  registered.set("wasm", wasm);
  current = wasm;
  currentName = "wasm";
}

/**
 * Makes `impl` available under `name` (replacing any set of that name but
 * the built-in `"typescript"`). It does not switch to it: call
 * {@link setKernels}. A set that cannot run here (no WebAssembly SIMD, say)
 * should not be registered at all.
 */
export function registerKernels(name: KernelSetName, impl: Kernels): void {
  if (name === "typescript") throw new Error('registerKernels: "typescript" is the built-in default set and cannot be replaced');
  for (const key of KERNEL_FUNCTIONS) {
    if (typeof impl?.[key] !== "function") throw new Error(`registerKernels: the "${name}" set has no ${key}() function`);
  }
  registered.set(name, impl);
  if (currentName === name) current = impl;
}

/**
 * Switches every op to the kernel set registered as `name`. Throws an Error
 * naming the registered sets when there is none by that name (it never falls
 * back silently: a benchmark or test that asked for "wasm" must not measure
 * TypeScript unknowingly). Use {@link availableKernels} to check first.
 */
export function setKernels(name: KernelSetName): void {
  const impl = registered.get(name);
  if (!impl) {
    throw new Error(`setKernels: no kernel set named "${name}" is registered (available: ${availableKernels().join(", ")}). Register it first with registerKernels("${name}", impl), where it can run.`);
  }
  current = impl;
  currentName = name;
}

/** The kernel set ops use now. Ops call it at each use rather than keeping the result, so a switch takes effect at once. */
export function getKernels(): Kernels {
  return current;
}

/** Name of the kernel set ops use now: `"wasm"` where WebAssembly SIMD runs, else `"typescript"`, unless {@link setKernels} chose another. */
export function kernelName(): KernelSetName {
  return currentName;
}

/** Names of the registered kernel sets, the default `"typescript"` first. */
export function availableKernels(): KernelSetName[] {
  return [...registered.keys()];
}
