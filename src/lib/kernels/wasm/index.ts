/**
 * The WebAssembly SIMD kernels (the matrix product, GELU, softmax): which
 * variant this engine runs, and the kernels themselves, ready to register with the library's kernel switch.
 *
 * Every engine the course targets has WebAssembly SIMD (Chromium, Firefox,
 * Safari 16.4+, Node 16.4+); relaxed SIMD's fused multiply-add is newer
 * (Chromium 114+, not Node 20). Each module is checked with
 * `WebAssembly.validate` before use, so an engine without one of them, or
 * without WebAssembly at all, gets the next one down: relaxed SIMD, plain
 * SIMD, then none (the TypeScript kernels).
 */
import type { Kernels } from "../index";
import { wasmActivations } from "./activations";
import { wasmGemm } from "./gemm";
import { ACTIVATIONS_SIMD, GEMM_RELAXED_SIMD, GEMM_SIMD } from "./modules";

/** Which WebAssembly kernels an engine can run. */
export type SimdSupport = "relaxed-simd" | "simd" | "none";

/**
 * The kernels' memory in 64 KiB pages: 32 MiB, 8 M float32 numbers, enough
 * for a 1000×1000 product (operands, packed copies and result). Only the
 * pages a product touches take physical memory. Larger products run on the
 * TypeScript kernel.
 */
export const WASM_MEMORY_PAGES = 512;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

type ModuleBytes = { relaxed: Uint8Array<ArrayBuffer>; simd: Uint8Array<ArrayBuffer>; activations: Uint8Array<ArrayBuffer> };
let modules: ModuleBytes | null = null;
function moduleBytes(): ModuleBytes {
  modules ??= { relaxed: decodeBase64(GEMM_RELAXED_SIMD), simd: decodeBase64(GEMM_SIMD), activations: decodeBase64(ACTIVATIONS_SIMD) };
  return modules;
}

/**
 * The best kernel variant `wasm` validates: the engine's WebAssembly object
 * by default (absent in some locked-down browsers), or null for none.
 */
export function simdSupport(wasm: Pick<typeof WebAssembly, "validate"> | null | undefined = globalThis.WebAssembly): SimdSupport {
  if (typeof wasm?.validate !== "function") return "none";
  const { relaxed, simd, activations } = moduleBytes();
  try {
    if (!wasm.validate(activations)) return "none"; // plain SIMD, as the product's "simd" variant
    if (wasm.validate(relaxed)) return "relaxed-simd";
    if (wasm.validate(simd)) return "simd";
  } catch {
    // an engine that throws instead of answering has neither
  }
  return "none";
}

/** A kernel set on WebAssembly, and which variant of the module it runs. */
export interface WasmKernels extends Kernels {
  /** Relaxed SIMD (a fused multiply-add where the processor has one) or plain SIMD. */
  variant: Exclude<SimdSupport, "none">;
}

/**
 * Instantiates the best variant this engine supports, or returns null where
 * it supports none (or cannot give it memory). `fallback` (the TypeScript
 * set) runs the products and arrays too large for the kernels' memory. `variant` forces one (tests compare both);
 * `pages` sizes the memory (tests make it small to reach the fallback).
 */
export function createWasmKernels(fallback: Kernels, options: { variant?: WasmKernels["variant"]; pages?: number } = {}): WasmKernels | null {
  const support = simdSupport();
  if (support === "none") return null;
  const variant = options.variant ?? support;
  if (variant === "relaxed-simd" && support !== "relaxed-simd") return null;
  try {
    const pages = options.pages ?? WASM_MEMORY_PAGES;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const bytes = variant === "relaxed-simd" ? moduleBytes().relaxed : moduleBytes().simd;
    // Both modules share the one memory: kernel calls never overlap, so each may use all of it.
    const products = wasmGemm(new WebAssembly.Module(bytes), memory, fallback);
    const activations = wasmActivations(new WebAssembly.Module(moduleBytes().activations), memory, fallback);
    return { ...products, ...activations, variant };
  } catch {
    return null; // e.g. no address space left for the memory: the TypeScript kernels carry on
  }
}
