import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LanguageModel, Random, type Tensor, add, attention, causalMask, initAttention, initBlock, loadState,
  multiHeadAttention, noGrad, randn, saveState, sinusoidalPositions, stateFromBase64, stateToBase64,
  tensor, transformerBlock,
} from "transformer";

/** Rows of `x [n, d]` (or [B, n, d] per batch) reordered: row i of the result is row perm[i]. */
function permuteRows(x: Tensor, perm: number[]): Tensor {
  const d = x.shape.at(-1)!;
  const out = new Float32Array(x.data.length);
  perm.forEach((from, to) => out.set(x.data.subarray(from * d, from * d + d), to * d));
  return tensor(out, x.shape);
}

function expectAllClose(a: ArrayLike<number>, b: ArrayLike<number>, atol = 1e-5): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `element ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(atol);
}

const permutation = (n: number) =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((keys) =>
    keys.map((k, i) => [k, i]).sort((a, b) => a[0] - b[0]).map(([, i]) => i),
  );

describe("attention properties", () => {
  it("without positions, multi-head self-attention is permutation-equivariant: attn(Px) = P attn(x)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 7 }), fc.integer({ min: 0, max: 1000 }), (n, seed) => {
        const heads = 1 + (seed % 3);
        const d = heads * 4;
        const params = initAttention(new Random(seed), d);
        const x = randn([n, d], { seed: seed + 1 });
        const perm = new Random(seed + 2).shuffle(Array.from({ length: n }, (_, i) => i));
        noGrad(() => {
          const out = multiHeadAttention(x, params, { heads }).output;
          const outOfPermuted = multiHeadAttention(permuteRows(x, perm), params, { heads }).output;
          expectAllClose(outOfPermuted.data, permuteRows(out, perm).data);
        });
      }),
      { numRuns: 40 },
    );
  });

  it("attention weight rows sum to 1, with or without a mask", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), fc.integer(), (n, m, d, masked, seed) => {
        const rng = new Random(seed);
        const q = randn([2, n, d], { rng, std: 3 });
        const k = randn([2, m, d], { rng, std: 3 });
        // A random mask that keeps key 0, so no row is empty.
        const mask = tensor(Array.from({ length: n * m }, (_, i) => (i % m === 0 || rng.next() < 0.5 ? 1 : 0)), [n, m]);
        const { weights } = attention(q, k, randn([2, m, 3], { rng }), { mask: masked ? mask : undefined });
        for (let row = 0; row < 2 * n; row++) {
          const total = weights.data.subarray(row * m, row * m + m).reduce((a, b) => a + b, 0);
          expect(Math.abs(total - 1)).toBeLessThan(1e-5);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("with a causal mask, changing token t+1 never changes a language model's outputs at positions <= t", () => {
    const lm = new LanguageModel({ vocabSize: 11, contextLength: 9, dim: 16, depth: 2, heads: 4, mlpDim: 32 }, { seed: 3 });
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 2, maxLength: 9 }),
        fc.nat(),
        fc.integer({ min: 0, max: 10 }),
        (ids, at, replacement) => {
          const t = at % (ids.length - 1); // change position t + 1
          const changed = ids.slice();
          changed[t + 1] = replacement;
          noGrad(() => {
            const a = lm.forward([ids]).logits.data;
            const b = lm.forward([changed]).logits.data;
            expectAllClose(a.subarray(0, (t + 1) * 11), b.subarray(0, (t + 1) * 11), 0);
          });
        },
      ),
      { numRuns: 50 },
    );
  });

  it("causalMask(n) is 1 exactly where column <= row", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), (n) => {
        const mask = causalMask(n);
        expect(mask.shape).toEqual([n, n]);
        mask.data.forEach((v, i) => expect(v).toBe(i % n <= Math.floor(i / n) ? 1 : 0));
      }),
    );
  });
});

describe("block and positions", () => {
  it("a pre-norm block's output is its input plus the two ΔE it reports", () => {
    const x = randn([2, 5, 8], { seed: 1 });
    const r = noGrad(() => transformerBlock(x, initBlock(new Random(2), 8, 16), { heads: 2 }));
    expectAllClose(r.output.data, add(add(x, r.attentionDelta), r.mlpDelta).data);
    expect(r.weights.shape).toEqual([2, 2, 5, 5]);
  });

  it("sinusoidal positions: the dot product of two positions depends only on their offset", () => {
    const pe = sinusoidalPositions(40, 16);
    const dot = (a: number, b: number) => pe.data.subarray(a * 16, a * 16 + 16).reduce((s, v, i) => s + v * pe.data[b * 16 + i], 0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 20 }), (a, b, shift) => {
        expect(Math.abs(dot(a, b) - dot(a + shift, b + shift))).toBeLessThan(1e-4);
      }),
    );
  });
});

describe("state files", () => {
  const shape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 });
  const state = fc.dictionary(
    fc.string({ minLength: 1, maxLength: 12 }),
    shape.chain((s) => fc.tuple(fc.constant(s), fc.array(fc.float(), { minLength: s.reduce((a, b) => a * b, 1), maxLength: s.reduce((a, b) => a * b, 1) }))),
    { maxKeys: 6 },
  );

  it("saveState -> loadState (and through base64) round-trips names, shapes and every float32 bit", () => {
    fc.assert(
      fc.property(state, (entries) => {
        const params = Object.fromEntries(Object.entries(entries).map(([name, [s, values]]) => [name, tensor(values, s)]));
        for (const loaded of [loadState(saveState(params)), stateFromBase64(stateToBase64(params))]) {
          expect(Object.keys(loaded)).toEqual(Object.keys(params));
          for (const name of Object.keys(params)) {
            expect(loaded[name].shape).toEqual(params[name].shape);
            expect(new Uint32Array(loaded[name].data.buffer.slice(0))).toEqual(new Uint32Array(params[name].data.buffer.slice(0)));
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it("rejects bytes that are not a weights file", () => {
    expect(() => loadState(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/not a weights file/);
  });
});
