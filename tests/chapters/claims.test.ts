/**
 * Numbers the chapters' prose states about the trained models, recomputed
 * from the shipped weights in public/models. If retraining changes one of
 * them, this test fails and the sentence has to be rewritten.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  loadSeq2Seq, loadCharLM, loadVit, ViT, VIT_CONFIG, numberToWords, translationBatch, noGrad,
  mean, index, slice, softmax, charTokenizer, shapesDataset, backgroundContrast, patchMask,
  objectAttentionRatio, OBJECT_PATCH_FRACTION, type Tensor,
} from "../../src/lib/index";

const model = (name: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../../public/models/${name}`, import.meta.url))));
const average = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("encoder-decoder: the <eos> row of layer 2's cross-attention", () => {
  const s2s = loadSeq2Seq(model("seq2seq.bin"));
  /** Layer 2's <eos> row, heads averaged: one weight per source position (3). */
  const eosRow = (number: string): number[] => {
    const target = numberToWords(Number(number));
    const { src, tgtIn } = translationBatch([{ source: number, target }]);
    const { trace } = noGrad(() => s2s.forward(src, tgtIn, { trace: true }));
    const rows = target.split(" ").length + 1;
    const map = slice(mean(index(trace!.decoder.crossAttention[1], 0), 0), 0, 0, rows); // [rows, 3]
    return Array.from(map.data.slice((rows - 1) * 3, rows * 3));
  };

  it.each([
    ["347", 2, 0.92], // the 7
    ["60", 1, 0.99],  // the silent 0, not the 6
    ["115", 1, 0.88], // the 1 of "15"
  ])('"%s": most weight on digit %i, %f of it', (number, digit, weight) => {
    const row = eosRow(number);
    expect(row.indexOf(Math.max(...row))).toBe(digit);
    expect(row[digit]).toBeCloseTo(weight, 2);
  });
});

describe('language modelling: the next letter after "the old dog "', () => {
  const lm = loadCharLM(model("char-lm.bin"));
  const ids = charTokenizer.encode("the old dog ");
  const probabilities = Array.from(softmax(index(index(lm.forward([ids]).logits, 0), ids.length - 1)).data);
  const p = (c: string) => probabilities[charTokenizer.id(c)];
  const ranked = probabilities.map((q, id) => [charTokenizer.decode([id]), q] as const).sort((a, b) => b[1] - a[1]);

  it("the six tallest bars are s, f, w, c, r, p; s about 24%, f about 19%", () => {
    expect(new Set(ranked.slice(0, 6).map(([c]) => c))).toEqual(new Set(["s", "f", "w", "c", "r", "p"]));
    expect(Math.round(100 * p("s"))).toBe(24);
    expect(Math.round(100 * p("f"))).toBe(19);
  });

  it("the eight verb letters hold about 87%; a, b and n get 2.5–4% each; e, k, m almost nothing", () => {
    const verbLetters = ["s", "f", "w", "c", "r", "p", "l", "d"];
    expect(Math.round(100 * verbLetters.reduce((a, c) => a + p(c), 0))).toBe(87);
    for (const c of ["a", "b", "n"]) {
      expect(p(c), c).toBeGreaterThanOrEqual(0.0245);
      expect(p(c), c).toBeLessThan(0.0405);
    }
    for (const c of ["e", "k", "m"]) expect(p(c), c).toBeLessThan(0.005);
  });
});

describe("the trained ViT's learned attention (query-key-value, multi-head)", () => {
  const gallery = shapesDataset({ count: 8, seed: 2024 });
  const layerOne = (vit: ViT) => noGrad(() => vit.forward(backgroundContrast(gallery.images), { trace: true })).trace!.attention[0];
  const trained = layerOne(loadVit(model("vit.bin")));
  const untrained = layerOne(new ViT(VIT_CONFIG, { seed: 5 }));
  const fractions = (b: number) => patchMask(index(gallery.masks, b), 8);

  /** Mean object-attention ratio of patch-to-patch rows, for query patches on or off the object; `head` undefined = heads averaged. */
  function ratio(weights: Tensor, queriesOnObject: boolean, head?: number): number {
    const [, heads, tokens] = weights.shape;
    const ratios: number[] = [];
    for (let b = 0; b < 8; b++) {
      const f = fractions(b);
      for (let q = 0; q < 16; q++) {
        if ((f[q] >= OBJECT_PATCH_FRACTION) !== queriesOnObject) continue;
        const row = new Array<number>(16).fill(0);
        const used = head === undefined ? [...Array(heads).keys()] : [head];
        for (const h of used) {
          for (let k = 0; k < 16; k++) row[k] += weights.data[((b * heads + h) * tokens + q + 1) * tokens + k + 1] / used.length;
        }
        const r = objectAttentionRatio(row, f);
        if (r !== null) ratios.push(r);
      }
    }
    return average(ratios);
  }

  it("object patches give object patches more than twice their even share; background patches nearly as much; untrained about 1", () => {
    const fromObject = ratio(trained, true);
    const fromBackground = ratio(trained, false);
    expect(fromObject).toBeGreaterThan(2);
    expect(fromBackground).toBeGreaterThan(1.8);
    expect(fromBackground).toBeLessThanOrEqual(fromObject);
    expect(Math.abs(ratio(untrained, true) - 1)).toBeLessThan(0.1);
  });

  it("the four trained heads differ: one gives the object several times its share, another barely prefers it", () => {
    const perHead = [0, 1, 2, 3].map((h) => ratio(trained, true, h));
    expect(Math.max(...perHead)).toBeGreaterThan(3);
    expect(Math.min(...perHead)).toBeLessThan(1.5);
  });
});

describe("the trained ViT's position embeddings", () => {
  /** Mean cosine similarity of patch positions by grid distance: neighbours (1), middle (2–3), far (4–6). */
  function byDistance(vit: ViT) {
    const pos = vit.params["patch.pos"];
    const d = pos.shape[1];
    const row = (i: number) => Array.from(pos.data.slice((i + 1) * d, (i + 2) * d));
    const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0) / Math.hypot(...a) / Math.hypot(...b);
    const bands = { near: [] as number[], middle: [] as number[], far: [] as number[] };
    for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) {
      if (i === j) continue;
      const distance = Math.abs((i >> 2) - (j >> 2)) + Math.abs((i % 4) - (j % 4));
      bands[distance === 1 ? "near" : distance >= 4 ? "far" : "middle"].push(cos(row(i), row(j)));
    }
    return { near: average(bands.near), middle: average(bands.middle), far: average(bands.far) };
  }

  it("grid neighbours are clearly similar, far patches slightly opposed; untrained about 0 everywhere", () => {
    const trained = byDistance(loadVit(model("vit.bin")));
    expect(trained.near).toBeGreaterThan(0.3);
    expect(Math.abs(trained.middle)).toBeLessThan(0.1);
    expect(trained.far).toBeLessThan(-0.1);
    const untrained = byDistance(new ViT(VIT_CONFIG, { seed: 5 }));
    for (const value of Object.values(untrained)) expect(Math.abs(value)).toBeLessThan(0.05);
  });
});
