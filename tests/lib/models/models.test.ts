import { describe, expect, it } from "vitest";
import {
  AdamW, LanguageModel, Random, Seq2Seq, ViT, crossEntropy, loadState, noGrad, saveState, tensor, train,
} from "transformer";

const average = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** 1×8×8 images: class 0 has a bright 4×4 square in the left half, class 1 in the right half, on noise. */
function squares(count: number, rng: Random): { images: number[]; labels: number[] } {
  const images: number[] = [];
  const labels: number[] = [];
  for (let n = 0; n < count; n++) {
    const label = n % 2;
    const [top, left] = [rng.int(5), label * 4];
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) images.push((y >= top && y < top + 4 && x >= left && x < left + 4 ? 1 : 0) + 0.3 * rng.normal());
    }
    labels.push(label);
  }
  return { images, labels };
}

describe("ViT", () => {
  const config = { imageSize: 8, channels: 1, patchSize: 4, dim: 16, depth: 2, heads: 2, mlpDim: 32, classes: 2 };

  it("learns which half of the image holds the square (loss falls in 40 AdamW steps)", async () => {
    const vit = new ViT(config, { seed: 0 });
    const { images, labels } = squares(32, new Random(1));
    const x = tensor(images, [32, 1, 8, 8]);
    const { losses } = await train({
      params: vit.params, optimizer: new AdamW(vit.params, { lr: 3e-3 }), steps: 40,
      step: () => crossEntropy(vit.forward(x, { training: true }).logits, labels),
    });
    expect(average(losses.slice(-5))).toBeLessThan(0.5 * average(losses.slice(0, 5)));
  });

  it("traces per-layer, per-head attention and the embeddings between blocks; reloads from a state file", () => {
    const vit = new ViT(config, { seed: 0 });
    const x = tensor(squares(3, new Random(2)).images, [3, 1, 8, 8]);
    const { logits, trace } = noGrad(() => vit.forward(x, { trace: true }));
    expect(logits.shape).toEqual([3, 2]);
    expect(trace!.attention.map((a) => a.shape)).toEqual([[3, 2, 5, 5], [3, 2, 5, 5]]); // 1 class token + 4 patches
    expect(trace!.embeddings.map((e) => e.shape)).toEqual([[3, 5, 16], [3, 5, 16], [3, 5, 16]]);
    const reloaded = new ViT(config, { params: loadState(saveState(vit.params)) });
    expect(Array.from(noGrad(() => reloaded.forward(x)).logits.data)).toEqual(Array.from(logits.data));
  });
});

describe("LanguageModel", () => {
  const config = { vocabSize: 5, contextLength: 12, dim: 16, depth: 2, heads: 2, mlpDim: 32 };
  const pattern = (start: number, length: number) => Array.from({ length }, (_, i) => (start + i) % 5); // 0 1 2 3 4 0 1 ...

  it("learns a cyclic sequence (loss falls well below the uniform log 5) and then continues it greedily", async () => {
    const lm = new LanguageModel(config, { seed: 0 });
    const rows = [0, 1, 2, 3].map((s) => pattern(s, 13));
    const inputs = rows.map((r) => r.slice(0, 12));
    const targets = rows.flatMap((r) => r.slice(1));
    const { losses } = await train({
      params: lm.params, optimizer: new AdamW(lm.params, { lr: 1e-2 }), steps: 40,
      step: () => crossEntropy(lm.forward(inputs).logits, targets),
    });
    expect(losses[0]).toBeGreaterThan(1.2);
    expect(average(losses.slice(-5))).toBeLessThan(0.3);
    expect(lm.generate([2, 3], { steps: 6, greedy: true })).toEqual(pattern(2, 8));
    const { trace } = noGrad(() => lm.forward([pattern(0, 6)], { trace: true }));
    // Causal: no weight on future positions in any layer or head.
    for (const a of trace!.attention) a.data.forEach((w, i) => (i % 6 > Math.floor(i / 6) % 6 ? expect(w).toBe(0) : undefined));
  });

  it("samples with a seeded generator: same seed, same text", () => {
    const lm = new LanguageModel(config, { seed: 1 });
    const sample = (seed: number) => lm.generate([0], { steps: 20, temperature: 1.5, rng: new Random(seed) });
    expect(sample(7)).toEqual(sample(7));
    expect(sample(7)).not.toEqual(sample(8));
  });
});

describe("Seq2Seq", () => {
  // Reverse a sequence of digits: ids 3..9 are digits, 0 pad, 1 bos, 2 eos.
  const [PAD, BOS, EOS] = [0, 1, 2];
  const config = { srcVocab: 10, tgtVocab: 10, maxLength: 8, dim: 32, depth: 1, heads: 2, mlpDim: 64, pad: PAD };

  it("learns to reverse digit strings with teacher forcing, then decodes greedily; traces cross-attention", async () => {
    const model = new Seq2Seq(config, { seed: 0 });
    const rng = new Random(3);
    const batch = () => {
      const src = Array.from({ length: 16 }, () => Array.from({ length: 4 }, () => 3 + rng.int(7)));
      const tgt = src.map((s) => [...s].reverse());
      return { src, tgtIn: tgt.map((t) => [BOS, ...t]), tgtOut: tgt.flatMap((t) => [...t, EOS]) };
    };
    const { losses } = await train({
      params: model.params, optimizer: new AdamW(model.params, { lr: 5e-3 }), steps: 150,
      step: () => {
        const { src, tgtIn, tgtOut } = batch();
        return crossEntropy(model.forward(src, tgtIn).logits, tgtOut);
      },
    });
    expect(average(losses.slice(-10))).toBeLessThan(0.3 * average(losses.slice(0, 10)));
    const tests = [[3, 4, 5, 6], [9, 8, 7, 3], [5, 5, 9, 4]];
    const decoded = model.greedyDecode(tests, { maxLength: 7, bos: BOS, eos: EOS });
    const correct = decoded.filter((d, i) => d.join() === [...tests[i]].reverse().join()).length;
    expect(correct).toBeGreaterThanOrEqual(2);
    const { trace } = noGrad(() => model.forward([[3, 4, 5, PAD]], [[BOS, 5, 4]], { trace: true }));
    const cross = trace!.decoder.crossAttention[0]; // [1, heads, 3, 4]
    expect(cross.shape).toEqual([1, 2, 3, 4]);
    for (let row = 0; row < 6; row++) expect(cross.data[row * 4 + 3]).toBe(0); // the pad position gets no attention
  });
});
