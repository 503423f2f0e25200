import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { type Tensor, tensor } from "transformer";

/** A tensor as stored in tests/fixtures/nn.json. */
export interface Stored {
  shape: number[];
  data: number[];
}

/** The PyTorch reference cases written by scripts/fixtures/make_nn_fixtures.py. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const nn: any = JSON.parse(readFileSync(new URL("../../fixtures/nn.json", import.meta.url), "utf8"));

/** A stored tensor as a library tensor. */
export function load(stored: Stored, requiresGrad = false): Tensor {
  return tensor(stored.data, stored.shape, { requiresGrad });
}

/** Every stored tensor of a map, as leaves that require grad. */
export function loadAll(stored: Record<string, Stored>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(stored).map(([name, s]) => [name, load(s, true)]));
}

/**
 * Asserts equal shapes and values within float32 round-off: |a - b| <= atol + rtol·|b|.
 * Stored values have 9 significant digits, which round-trip float32 exactly, so
 * with zero tolerances this checks bit-exact equality. Reports the worst element.
 */
export function expectClose(actual: Tensor | null, expected: Stored, label: string, atol = 1e-5, rtol = 1e-4): void {
  expect(actual, `${label}: missing`).not.toBeNull();
  expect(actual!.shape, `${label}: shape`).toEqual(expected.shape);
  let worst = -1;
  let worstExcess = 0;
  expected.data.forEach((want, i) => {
    const excess = Math.abs(actual!.data[i] - Math.fround(want)) - (atol + rtol * Math.abs(want));
    if (!(excess <= worstExcess)) [worst, worstExcess] = [i, excess];
  });
  const message = worst >= 0 ? `${label}: element ${worst} is ${actual!.data[worst]}, PyTorch has ${expected.data[worst]}` : label;
  expect(worst, message).toBe(-1);
}
