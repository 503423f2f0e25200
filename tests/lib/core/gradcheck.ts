import { Random, Tensor, mul, noGrad, sum, tensor } from "../../../src/lib/core";

/**
 * Compares autograd with central finite differences.
 *
 * The scalar we differentiate is L = Σ f(inputs) · W with fixed random W (so
 * every output element matters). The numerical derivative perturbs one
 * float32 input element by ±h and evaluates L in float64; float32 rounding of
 * f's outputs (~1e-7 relative) divided by 2h sets the noise floor, hence the
 * tolerances.
 */
export function gradCheck(
  f: (...inputs: Tensor[]) => Tensor,
  inputs: Tensor[],
  { h = 1e-2, rtol = 2e-2, atol = 2e-3, seed = 1 } = {},
): string | null {
  const leaves = inputs.map((x) => new Tensor(x.data.slice(), x.shape.slice(), true));
  const out = f(...leaves);
  const rng = new Random(seed);
  const weights = tensor(Array.from({ length: out.size }, () => rng.normal()), out.shape);
  sum(mul(out, weights)).backward();

  const lossAt = () =>
    noGrad(() => {
      const y = f(...leaves);
      let total = 0;
      for (let i = 0; i < y.size; i++) total += y.data[i] * weights.data[i];
      return total;
    });
  for (const [n, leaf] of leaves.entries()) {
    if (!leaf.grad) return `input ${n} got no gradient`;
    for (let i = 0; i < leaf.size; i++) {
      const original = leaf.data[i];
      leaf.data[i] = original + h;
      const up = lossAt();
      leaf.data[i] = original - h;
      const down = lossAt();
      leaf.data[i] = original;
      // The float32 input can only move by what float32 can represent.
      const step = Math.fround(original + h) - Math.fround(original - h);
      const numeric = (up - down) / step;
      const analytic = leaf.grad.data[i];
      if (Math.abs(numeric - analytic) > atol + rtol * Math.abs(numeric)) {
        return `input ${n} element ${i}: autograd ${analytic}, finite difference ${numeric}`;
      }
    }
  }
  return null;
}
