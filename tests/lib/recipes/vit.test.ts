import { describe, expect, it } from "vitest";
import {
  OBJECT_PATCH_FRACTION, Random, ViT, VIT_CONFIG, classTokenAttention, crossEntropy, noGrad, objectAttentionRatio,
  shapeBatch, tensor, trainVit,
} from "transformer";

describe("objectAttentionRatio", () => {
  it("is 1 for uniform attention, whichever patches hold the object", () => {
    expect(objectAttentionRatio([0.25, 0.25, 0.25, 0.25], [1, 0, 0.5, 0])).toBeCloseTo(1, 12);
  });

  it("is N / k when all attention goes to the k object patches", () => {
    expect(objectAttentionRatio([0.5, 0, 0.5, 0, 0, 0, 0, 0], [1, 0, 0.3, 0, 0, 0, 0.1, 0])).toBeCloseTo(8 / 2, 12);
  });

  it("ignores what the class token keeps for itself and patches below the object threshold", () => {
    // Patch weights sum to 0.5 (the rest went to the class token); half of that is on the one object patch.
    const below = OBJECT_PATCH_FRACTION / 2;
    expect(objectAttentionRatio([0.25, 0.125, 0.125], [1, below, 0])).toBeCloseTo(0.5 / (1 / 3), 12);
    expect(objectAttentionRatio([0.5, 0.5], [below, 0])).toBeNull();
  });
});

describe("classTokenAttention", () => {
  it("averages row 0 of every head and drops the class token's own column", () => {
    // [B=1, heads=2, T=3, T=3]; only row 0 matters.
    const weights = tensor([
      [[[0.2, 0.5, 0.3], [1, 0, 0], [1, 0, 0]], [[0.0, 0.1, 0.9], [1, 0, 0], [1, 0, 0]]],
    ]);
    const got = classTokenAttention(weights, 0);
    expect(got[0]).toBeCloseTo(0.3, 6);
    expect(got[1]).toBeCloseTo(0.6, 6);
  });
});

describe("shapeBatch", () => {
  it("draws class-balanced pictures of the configured size", () => {
    const { images, labels } = shapeBatch(new Random(0), 32);
    expect(images.shape).toEqual([32, 3, VIT_CONFIG.imageSize, VIT_CONFIG.imageSize]);
    expect([0, 1, 2, 3].map((c) => labels.filter((l) => l === c).length)).toEqual([8, 8, 8, 8]);
  });
});

describe("trainVit", () => {
  it("lowers the loss on pictures it never trained on within 40 steps", async () => {
    const heldOut = shapeBatch(new Random(123), 64);
    const lossOf = (model: ViT) => noGrad(() => crossEntropy(model.forward(heldOut.images).logits, heldOut.labels).item());
    const before = lossOf(new ViT(VIT_CONFIG, { seed: 1 })); // trainVit starts from exactly these weights
    const { model } = await trainVit({ seed: 1, steps: 40 });
    expect(lossOf(model)).toBeLessThan(before - 0.02);
  });

  it("is deterministic for a seed: the same seed gives the same losses, another seed others", async () => {
    const a = await trainVit({ seed: 2, steps: 3 });
    const b = await trainVit({ seed: 2, steps: 3 });
    const c = await trainVit({ seed: 3, steps: 3 });
    expect(b.result.losses).toEqual(a.result.losses);
    expect(c.result.losses).not.toEqual(a.result.losses);
  });

  it("stops early when the signal is aborted", async () => {
    const signal = { aborted: false };
    const { result } = await trainVit({ seed: 0, steps: 50, signal, onProgress: (p) => { if (p.step === 2) signal.aborted = true; } });
    expect(result).toMatchObject({ stopped: true, steps: 2 });
  });
});
