import { describe, expect, it } from "vitest";
import {
  AdamW, SGD, type AttentionParams, type Tensor, attention, multiHeadAttention, mul, patchify, sum, tensor,
  transformerBlock, unpatchify,
} from "transformer";
import { expectClose, load, loadAll, nn } from "./fixtures";

/** Backpropagates sum(output · upstream), i.e. a loss whose gradient at `output` is `upstream`. */
function backwardFrom(output: Tensor, upstream: Tensor): void {
  sum(mul(output, upstream)).backward();
}

describe("attention vs PyTorch", () => {
  it("masked scaled dot-product attention: output, weights and gradients", () => {
    const f = nn.attention;
    const [q, k, v] = [load(f.q, true), load(f.k, true), load(f.v, true)];
    const { output, weights, scores } = attention(q, k, v, { mask: load(f.mask) });
    expectClose(output, f.output, "output");
    expectClose(weights, f.weights, "weights");
    // Masked positions hold -Infinity in the returned scores.
    const masked = f.mask.data.map((m: number) => m === 0);
    scores.data.forEach((s, i) => expect(s === -Infinity).toBe(masked[i % masked.length]));
    backwardFrom(output, load(f.upstream));
    expectClose(q.grad, f.grad.q, "dq");
    expectClose(k.grad, f.grad.k, "dk");
    expectClose(v.grad, f.grad.v, "dv");
  });

  for (const name of ["mhaSelf", "mhaCross"] as const) {
    it(`${name}: nn.MultiheadAttention output, per-head weights and gradients`, () => {
      const f = nn[name];
      const x = load(f.x, true);
      const context = f.context ? load(f.context, true) : undefined;
      const params = loadAll(f.params) as unknown as AttentionParams;
      const { output, weights } = multiHeadAttention(x, params, { heads: f.heads, context, mask: f.mask ? load(f.mask) : undefined });
      expectClose(output, f.output, "output");
      expectClose(weights, f.weights, "weights [B, heads, n, m]");
      backwardFrom(output, load(f.upstream));
      expectClose(x.grad, f.grad.x, "dx", 1e-4);
      if (context) expectClose(context.grad, f.grad.context, "dcontext", 1e-4);
      for (const p of ["wq", "wk", "wv", "wo", "bq", "bk", "bv", "bo"] as const) {
        expectClose(params[p].grad, f.grad[p], `d${p}`, 1e-4);
      }
    });
  }
});

describe("transformer blocks vs PyTorch", () => {
  for (const [name, postNorm] of [["vitBlock", false], ["postNormBlock", true]] as const) {
    it(`${name}: forward and the gradient of every parameter`, () => {
      const f = nn[name];
      const x = load(f.x, true);
      const params = loadAll(f.params);
      const { output } = transformerBlock(x, params, { heads: f.heads, postNorm });
      expectClose(output, f.output, "output");
      backwardFrom(output, load(f.upstream));
      expectClose(x.grad, f.grad.x, "dx", 1e-4);
      for (const p of Object.keys(params)) expectClose(params[p].grad, f.grad[p], `d ${p}`, 1e-4);
    });
  }
});

describe("patchify vs torch.nn.functional.unfold", () => {
  it("batched and single images give unfold's patches; unpatchify inverts", () => {
    const f = nn.patchify;
    const images = load(f.images);
    const [B, C, H, W] = f.images.shape;
    expectClose(patchify(images, f.patchSize), f.patches, "batched", 0, 0);
    const first = tensor(f.images.data.slice(0, C * H * W), [C, H, W]);
    const firstPatches = { shape: f.patches.shape.slice(1), data: f.patches.data.slice(0, f.patches.data.length / B) };
    expectClose(patchify(first, f.patchSize), firstPatches, "single image", 0, 0);
    expect(Array.from(unpatchify(patchify(images, f.patchSize), C, H, W, f.patchSize).data)).toEqual(Array.from(images.data));
  });
});

describe("optimizers vs torch.optim", () => {
  const cases = [
    ["adamw", (ps: Tensor[], f: any) => new AdamW(ps, { lr: f.lr, weightDecay: f.weightDecay, betas: f.betas, eps: f.eps })],
    ["sgd", (ps: Tensor[], f: any) => new SGD(ps, { lr: f.lr, momentum: f.momentum, weightDecay: f.weightDecay })],
  ] as const;
  for (const [name, make] of cases) {
    it(`${name}: parameters after each of ${nn[name].grads.length} steps`, () => {
      const f = nn[name];
      const params = f.initial.map((s: any) => load(s, true));
      const optimizer = make(params, f);
      f.grads.forEach((grads: any[], step: number) => {
        params.forEach((p: Tensor, i: number) => (p.grad = load(grads[i])));
        optimizer.step();
        params.forEach((p: Tensor, i: number) => expectClose(p, f.after[step][i], `step ${step + 1}, param ${i}`, 1e-6, 1e-5));
      });
    });
  }
});
