/**
 * The library picks the WebAssembly kernels wherever they run, so the PyTorch
 * fixtures and finite-difference gradient checks in tests/lib/core test those.
 * This file runs the same suites again on the TypeScript kernels, the
 * fallback and the teaching reference: the first import switches the kernel
 * set of this file's module graph (each test file gets its own), then the
 * suites register their tests.
 */
import "./kernels-wasm-typescript-set";
import "./core/fixtures.test";
import "./core/gradients.test";
import { expect, it } from "vitest";
import { kernelName } from "../../src/lib/kernels/index";

it("ran the suites above on the TypeScript kernels", () => {
  expect(kernelName()).toBe("typescript");
});
