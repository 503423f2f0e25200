/**
 * Finite-difference gradient checks for every differentiable op, on random
 * small shapes drawn by fast-check.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as lib from "../../../src/lib/core";
import { Random, Tensor, randn } from "../../../src/lib/core";
import { gradCheck } from "./gradcheck";

const RUNS = { numRuns: 15 };
const seed = fc.integer({ min: 0, max: 1_000_000 });
const dims = (min: number, max: number, largest = 4) => fc.array(fc.integer({ min: 1, max: largest }), { minLength: min, maxLength: max });

/** An output shape plus two operand shapes that broadcast to it (leading axes dropped, some axes set to 1). */
const broadcastShapes = dims(1, 3).chain((out) =>
  fc.tuple(fc.constant(out), operandOf(out), operandOf(out)),
);
function operandOf(out: number[]) {
  return fc.tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
    .map(([drop, ones]) => out.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
}

/** Values in [low, low + width): keeps inputs away from poles and kinks. */
function uniform(shape: number[], s: number, low: number, width: number): Tensor {
  const rng = new Random(s);
  return lib.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => low + width * rng.next()), shape);
}
/** Random values at least 0.1 away from 0 (relu's kink). */
function awayFromZero(shape: number[], s: number): Tensor {
  const x = randn(shape, { seed: s });
  return lib.tensor(x.data.map((v) => v + Math.sign(v || 1) * 0.1), shape);
}
/** Distinct values spaced 0.1 apart, shuffled: no near-ties for max. */
function distinct(shape: number[], s: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Random(s).shuffle(Array.from({ length: n }, (_, i) => (i - n / 2) * 0.1));
  return lib.tensor(values, shape);
}

function check(property: fc.IAsyncProperty<any> | fc.IProperty<any>) {
  fc.assert(property as fc.IProperty<any>, RUNS);
}
function ok(f: (...x: Tensor[]) => Tensor, inputs: Tensor[], opts?: Parameters<typeof gradCheck>[2]): void {
  expect(gradCheck(f, inputs, opts)).toBeNull();
}

describe("elementwise gradients", () => {
  it.each(["add", "sub", "mul", "div"] as const)("%s with broadcasting", (op) => {
    check(fc.property(broadcastShapes, seed, ([, a, b], s) => {
      const right = op === "div" ? uniform(b, s + 1, 0.5, 1.5) : randn(b, { seed: s + 1 });
      ok((x, y) => lib[op](x, y), [randn(a, { seed: s }), right]);
    }));
  });
  it("arithmetic with a plain number", () => {
    check(fc.property(dims(1, 3), seed, (shape, s) => {
      ok((x) => lib.div(lib.sub(lib.mul(lib.add(x, 2), 3), 1), 4), [randn(shape, { seed: s })]);
      ok((x) => lib.div(1, lib.add(lib.mul(x, x), 1)), [randn(shape, { seed: s })]);
    }));
  });
  const unaries: [string, (x: Tensor) => Tensor, (shape: number[], s: number) => Tensor][] = [
    ["neg", lib.neg, (sh, s) => randn(sh, { seed: s })],
    ["exp", lib.exp, (sh, s) => randn(sh, { seed: s })],
    ["log", lib.log, (sh, s) => uniform(sh, s, 0.5, 2)],
    ["sqrt", lib.sqrt, (sh, s) => uniform(sh, s, 0.5, 2)],
    ["pow 3", (x) => lib.pow(x, 3), (sh, s) => randn(sh, { seed: s })],
    ["pow -0.5", (x) => lib.pow(x, -0.5), (sh, s) => uniform(sh, s, 0.5, 2)],
    ["tanh", lib.tanh, (sh, s) => randn(sh, { seed: s })],
    ["relu", lib.relu, awayFromZero],
    ["abs", lib.abs, awayFromZero],
    ["gelu", lib.gelu, (sh, s) => randn(sh, { seed: s, std: 2 })],
    ["sigmoid", lib.sigmoid, (sh, s) => randn(sh, { seed: s, std: 2 })],
  ];
  it.each(unaries)("%s", (_, f, make) => {
    check(fc.property(dims(1, 3), seed, (shape, s) => ok(f, [make(shape, s)])));
  });
});

describe("reduction gradients", () => {
  const axisOf = (shape: number[]) => fc.integer({ min: -shape.length, max: shape.length - 1 });
  const withAxis = dims(1, 3).chain((shape) => fc.tuple(fc.constant(shape), axisOf(shape), fc.boolean()));
  it.each(["sum", "mean", "max"] as const)("%s over an axis and over everything", (op) => {
    check(fc.property(withAxis, seed, ([shape, axis, keepdims], s) => {
      ok((x) => lib[op](x, axis, keepdims), [distinct(shape, s)]);
      ok((x) => lib[op](x), [distinct(shape, s)]);
    }));
  });
  it.each(["softmax", "logSoftmax"] as const)("%s along any axis", (op) => {
    check(fc.property(withAxis, seed, ([shape, axis], s) => ok((x) => lib[op](x, axis), [randn(shape, { seed: s, std: 2 })])));
  });
});

describe("matrix gradients", () => {
  it("matmul, batched with broadcast leading axes", () => {
    // B is 2-D, or has A's batch axes with some of them stretched from 1, or A is 2-D against a batched B.
    const shapes = fc.tuple(dims(1, 2, 3), dims(3, 3, 6), fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }), fc.integer({ min: 0, max: 2 }))
      .map(([batch, [n, k, m], stretched, mode]) => {
        const bBatch = batch.map((d, i) => (stretched[i] ? 1 : d));
        if (mode === 0) return [[...batch, n, k], [k, m]];
        if (mode === 1) return [[...batch, n, k], [...bBatch, k, m]];
        return [[n, k], [...bBatch, k, m]];
      });
    check(fc.property(shapes, seed, ([a, b], s) => ok(lib.matmul, [randn(a, { seed: s }), randn(b, { seed: s + 1 })])));
  });
  it("matmul with 1-D operands", () => {
    check(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), seed, (k, m, s) => {
      ok(lib.matmul, [randn([k], { seed: s }), randn([k, m], { seed: s + 1 })]);
      ok(lib.matmul, [randn([2, m, k], { seed: s }), randn([k], { seed: s + 1 })]);
      ok(lib.matmul, [randn([k], { seed: s }), randn([k], { seed: s + 1 })]);
    }));
  });
  it("linear with and without bias", () => {
    check(fc.property(dims(1, 3, 5), fc.integer({ min: 1, max: 6 }), seed, (shape, out, s) => {
      const inSize = shape[shape.length - 1];
      const x = randn(shape, { seed: s });
      const w = randn([inSize, out], { seed: s + 1 });
      ok(lib.linear, [x, w, randn([out], { seed: s + 2 })]);
      ok((a, b) => lib.linear(a, b), [x, w]);
    }));
  });
});

describe("normalisation, masking, lookup and loss gradients", () => {
  it("layerNorm", () => {
    check(fc.property(dims(1, 3, 5), seed, (shape, s) => {
      // At least 3 features: with 2, each normalized value is ±1 and its slope spikes where the two meet.
      const d = shape[shape.length - 1] + 2;
      const full = [...shape.slice(0, -1), d];
      ok((x, g, b) => lib.layerNorm(x, g, b), [randn(full, { seed: s, std: 2 }), randn([d], { seed: s + 1 }), randn([d], { seed: s + 2 })]);
    }));
  });
  it("dropout (same mask on every evaluation)", () => {
    check(fc.property(dims(1, 3), seed, (shape, s) => {
      ok((x) => lib.dropout(x, 0.3, { training: true, rng: new Random(s) }), [randn(shape, { seed: s })]);
    }));
  });
  it("maskedFill and where", () => {
    check(fc.property(broadcastShapes, seed, ([out, a, b], s) => {
      const mask = lib.tensor(uniform(b, s + 2, 0, 1).data.map((v) => (v > 0.5 ? 1 : 0)), b);
      const x = randn(out, { seed: s });
      ok((t) => lib.maskedFill(t, mask, -3), [x]);
      ok((p, q) => lib.where(mask, p, q), [randn(a, { seed: s }), randn(out, { seed: s + 1 })]);
    }));
  });
  it("embedding (repeated ids accumulate)", () => {
    check(fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 8 }), seed, (ids, s) => {
      ok((w) => lib.embedding(w, ids), [randn([5, 3], { seed: s })]);
    }));
  });
  it("crossEntropy, with and without ignored targets", () => {
    check(fc.property(fc.array(fc.integer({ min: -1, max: 3 }), { minLength: 2, maxLength: 6 }), seed, (raw, s) => {
      const targets = raw.map((t, i) => (i === 0 && t < 0 ? 0 : t)); // keep at least one counted target
      ok((x) => lib.crossEntropy(x, targets, { ignoreIndex: -1 }), [randn([targets.length, 4], { seed: s, std: 2 })]);
      ok((x) => lib.crossEntropy(x, targets.map((t) => Math.max(t, 0))), [randn([1, targets.length, 4], { seed: s })]);
    }));
  });
});

describe("movement gradients", () => {
  it("reshape, transpose and permute", () => {
    check(fc.property(dims(2, 4, 3), seed, (shape, s) => {
      const x = randn(shape, { seed: s });
      ok((t) => lib.reshape(t, [-1]), [x]);
      ok((t) => lib.transpose(t), [x]);
      ok((t) => lib.permute(t, shape.map((_, i) => shape.length - 1 - i)), [x]);
    }));
  });
  it("slice, index, split", () => {
    check(fc.property(dims(1, 3, 4), seed, (shape, s) => {
      const x = randn(shape, { seed: s });
      const n = shape[0];
      ok((t) => lib.slice(t, 0, Math.floor(n / 2), n), [x]);
      ok((t) => lib.index(t, n - 1), [x]);
      ok((t) => lib.concat(lib.split(t, [1, n - 1], 0).reverse(), 0), [x]);
    }));
  });
  it("concat and stack", () => {
    check(fc.property(dims(1, 3), fc.integer({ min: 1, max: 3 }), seed, (shape, extra, s) => {
      const axis = shape.length - 1;
      const other = shape.map((d, i) => (i === axis ? extra : d));
      ok((a, b) => lib.concat([a, b], axis), [randn(shape, { seed: s }), randn(other, { seed: s + 1 })]);
      ok((a, b) => lib.stack([a, b], -1), [randn(shape, { seed: s }), randn(shape, { seed: s + 1 })]);
    }));
  });
});

describe("autograd engine", () => {
  it("a tensor used twice gets both contributions (diamond graph)", () => {
    check(fc.property(dims(1, 2), seed, (shape, s) => {
      ok((x) => lib.mul(lib.exp(x), lib.tanh(x)), [randn(shape, { seed: s })]);
      ok((x) => lib.add(x, x), [randn(shape, { seed: s })]);
    }));
  });
  it("grads accumulate across backward calls", () => {
    const x = lib.tensor([1, 2, 3], undefined, { requiresGrad: true });
    lib.sum(lib.mul(x, x)).backward();
    lib.sum(lib.mul(x, x)).backward();
    expect(Array.from(x.grad!.data)).toEqual([4, 8, 12]); // 2 · (2x)
    lib.zeroGrad([x]);
    expect(x.grad).toBeNull();
  });
  it("noGrad builds no graph and detach stops gradients", () => {
    const x = lib.tensor([1, 2], undefined, { requiresGrad: true });
    expect(lib.noGrad(() => lib.mul(x, 2)).requiresGrad).toBe(false);
    expect(lib.isGradEnabled()).toBe(true);
    const y = lib.add(lib.mul(lib.detach(x), x), 0); // d/dx (c·x) = c
    lib.sum(y).backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 2]);
  });
});
