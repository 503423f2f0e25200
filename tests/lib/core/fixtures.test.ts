/**
 * Every case in tests/fixtures/ops.json was computed by PyTorch
 * (scripts/fixtures/make_ops_fixtures.py). We recompute the forward output and
 * the gradients of sum(output * weights) and compare at float32 tolerance.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as lib from "../../../src/lib/core";
import { type Tensor, mul, sum } from "../../../src/lib/core";
import { type EncodedTensor, decode, mismatch } from "./helpers";
import { smoothedCrossEntropy } from "../../../src/lib/recipes/fashion";

interface FixtureCase {
  name: string;
  op: string;
  args: Record<string, any>;
  ints: Record<string, number[]>;
  inputs: Record<string, EncodedTensor>;
  output: EncodedTensor;
  weights: EncodedTensor;
  grads: Record<string, EncodedTensor>;
}

const fixtures: { cases: FixtureCase[]; prints: { tensor: EncodedTensor; text: string }[] } = JSON.parse(
  readFileSync(new URL("../../fixtures/ops.json", import.meta.url), "utf8"),
);

type Inputs = Record<string, Tensor>;
/** How each fixture op maps onto our API. */
const run: Record<string, (x: Inputs, args: Record<string, any>, ints: Record<string, number[]>) => Tensor> = {
  softmax: (x, a) => lib.softmax(x.x, a.axis),
  logSoftmax: (x, a) => lib.logSoftmax(x.x, a.axis),
  layerNorm: (x) => lib.layerNorm(x.x, x.gamma, x.beta, 1e-5),
  gelu: (x) => lib.gelu(x.x),
  relu: (x) => lib.relu(x.x),
  tanh: (x) => lib.tanh(x.x),
  sigmoid: (x) => lib.sigmoid(x.x),
  exp: (x) => lib.exp(x.x),
  log: (x) => lib.log(x.x),
  sqrt: (x) => lib.sqrt(x.x),
  neg: (x) => lib.neg(x.x),
  pow: (x, a) => lib.pow(x.x, a.p),
  add: (x) => lib.add(x.a, x.b),
  sub: (x) => lib.sub(x.a, x.b),
  mul: (x) => lib.mul(x.a, x.b),
  div: (x) => lib.div(x.a, x.b),
  sum: (x, a) => lib.sum(x.x, a.axis, a.keepdims),
  mean: (x, a) => lib.mean(x.x, a.axis, a.keepdims),
  max: (x, a) => lib.max(x.x, a.axis, a.keepdims),
  matmul: (x) => lib.matmul(x.a, x.b),
  linear: (x) => lib.linear(x.x, x.w, x.b),
  crossEntropy: (x, a, ints) => lib.crossEntropy(x.logits, ints.targets, { ignoreIndex: a.ignoreIndex }),
  smoothedCrossEntropy: (x, a, ints) => smoothedCrossEntropy(x.logits, ints.targets, a.smoothing),
  maskedFill: (x, a) => lib.maskedFill(x.x, x.mask, a.value),
  where: (x) => lib.where(x.cond, x.a, x.b),
  embedding: (x, a, ints) => lib.embedding(x.weight, ints.ids, a.idsShape),
};

describe("ops match PyTorch", () => {
  it.each(fixtures.cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const inputs: Inputs = {};
    for (const [name, t] of Object.entries(c.inputs)) inputs[name] = decode(t, name in c.grads);
    const out = run[c.op](inputs, c.args, c.ints);
    expect(out.shape).toEqual(c.output.shape);
    expect(mismatch(out.data, decode(c.output).data)).toBeNull();

    // Masked (non-finite) outputs were left out of the weighted sum in PyTorch too.
    const weights = decode(c.weights);
    const safe = lib.where(lib.tensor(Array.from(out.data, (v) => (Number.isFinite(v) ? 1 : 0)), out.shape), out, 0);
    sum(mul(safe, weights)).backward();
    for (const [name, expected] of Object.entries(c.grads)) {
      const grad = inputs[name].grad;
      expect(grad, `gradient of ${name}`).not.toBeNull();
      expect(mismatch(grad!.data, decode(expected).data, 1e-5, 1e-6), `gradient of ${name}`).toBeNull();
    }
  });
});

describe("toString matches PyTorch's print", () => {
  it.each(fixtures.prints.map((p) => [p.text.split("\n")[0], p] as const))("%s", (_, p) => {
    const t = decode(p.tensor);
    const ours = t.toString();
    const shapeSuffix = t.ndim === 0 ? "" : `, shape=[${t.shape.join(", ")}]`;
    expect(ours.endsWith(`${shapeSuffix})`)).toBe(true);
    // Ours adds the shape before the closing parenthesis; otherwise the text is PyTorch's.
    expect(ours.slice(0, ours.length - shapeSuffix.length - 1) + ")").toBe(p.text);
  });
});
