/**
 * The WebAssembly SIMD kernels: which variant this engine runs, and the
 * kernels themselves, ready to register with the library's kernel switch.
 *
 * Every engine the course targets has WebAssembly SIMD (Chromium, Firefox,
 * Safari 16.4+, Node 16.4+); relaxed SIMD's fused multiply-add is newer
 * (Chromium 114+, not Node 20). Each module is checked with
 * `WebAssembly.validate` before use, so an engine without one of them, or
 * without WebAssembly at all, gets the next one down: relaxed SIMD, plain
 * SIMD, then none (the TypeScript kernels).
 */
import { wasmGemm, type Gemm } from "./gemm";
import { GEMM_RELAXED_SIMD, GEMM_SIMD } from "./modules";

export type { Gemm } from "./gemm";

/** Which WebAssembly kernels an engine can run. */
export type SimdSupport = "relaxed-simd" | "simd" | "none";

/**
 * The kernels' memory in 64 KiB pages: 32 MiB, 8 M float32 numbers, enough
 * for a 1000×1000 product (operands, packed copies and result). Only the
 * pages a product touches take physical memory. Larger products run on the
 * TypeScript kernel.
 */
export const WASM_MEMORY_PAGES = 512;

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let modules: { relaxed: Uint8Array; simd: Uint8Array } | null = null;
function moduleBytes(): { relaxed: Uint8Array; simd: Uint8Array } {
  modules ??= { relaxed: decodeBase64(GEMM_RELAXED_SIMD), simd: decodeBase64(GEMM_SIMD) };
  return modules;
}

/**
 * The best kernel variant `wasm` (the engine's WebAssembly object, or
 * undefined where there is none) validates.
 */
export function simdSupport(wasm: typeof WebAssembly | undefined = globalThis.WebAssembly): SimdSupport {
  if (typeof wasm?.validate !== "function") return "none";
  const { relaxed, simd } = moduleBytes();
  try {
    if (wasm.validate(relaxed)) return "relaxed-simd";
    if (wasm.validate(simd)) return "simd";
  } catch {
    // an engine that throws instead of answering has neither
  }
  return "none";
}

/** What {@link createWasmKernels} returns: the kernels, and which variant they run. */
export interface WasmKernels {
  /** The matrix product (same signature and meaning as the TypeScript kernel's). */
  gemm: Gemm;
  /** The variant in use: relaxed SIMD (fused multiply-add where the processor has one) or plain SIMD. */
  variant: Exclude<SimdSupport, "none">;
}

/**
 * Instantiates the best variant this engine supports, or returns null where
 * it supports none (or cannot give it memory). `fallback` runs the products
 * too large for the kernels' memory. `variant` forces one (tests compare both).
 */
export function createWasmKernels(fallback: Gemm, options: { variant?: WasmKernels["variant"]; pages?: number } = {}): WasmKernels | null {
  const support = simdSupport();
  if (support === "none") return null;
  const variant = options.variant ?? support;
  if (variant === "relaxed-simd" && support !== "relaxed-simd") return null;
  try {
    const pages = options.pages ?? WASM_MEMORY_PAGES;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const bytes = variant === "relaxed-simd" ? moduleBytes().relaxed : moduleBytes().simd;
    return { gemm: wasmGemm(new WebAssembly.Module(bytes as BufferSource), memory, fallback), variant };
  } catch {
    return null; // e.g. no address space left for the memory: the TypeScript kernels carry on
  }
}
