import { describe, expect, it } from "vitest";
import {
  Random, ShapeError, ViT, attention, causalMask, initAttention, initBlock, multiHeadAttention, patchEmbedding,
  patchify, randn, sinusoidalPositions, transformerBlock, unpatchify, zeros,
} from "transformer";

/** Asserts `fn` throws a ShapeError whose message contains every fragment (op name and shapes). */
function expectShapeError(fn: () => unknown, ...fragments: string[]): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, "expected a ShapeError").toBeInstanceOf(ShapeError);
  for (const f of fragments) expect((error as Error).message).toContain(f);
}

describe("shape mistakes name the op and the shapes", () => {
  it("attention", () => {
    expectShapeError(() => attention(zeros([3, 4]), zeros([5, 6]), zeros([5, 6])), "attention", "[3, 4]", "[5, 6]");
    expectShapeError(() => attention(zeros([3, 4]), zeros([5, 4]), zeros([6, 2])), "attention", "positions", "[6, 2]");
    expectShapeError(() => attention(zeros([3, 4]), zeros([5, 4]), zeros([5, 2]), { mask: causalMask(3) }), "attention", "mask [3, 3]");
  });

  it("multiHeadAttention: heads must divide the width, weights must be [d, d]", () => {
    const params = initAttention(new Random(0), 8);
    expectShapeError(() => multiHeadAttention(zeros([5, 8]), params, { heads: 3 }), "multiHeadAttention", "8", "heads 3", "[5, 8]");
    expectShapeError(() => multiHeadAttention(zeros([5, 6]), params, { heads: 2 }), "multiHeadAttention", "wq", "[6, 6]", "[8, 8]");
    expectShapeError(() => multiHeadAttention(zeros([5, 8]), params, { heads: 2, context: zeros([2, 5, 8]) }), "multiHeadAttention", "context [2, 5, 8]");
  });

  it("transformerBlock reports the width mismatch from its attention", () => {
    expectShapeError(() => transformerBlock(zeros([4, 6]), initBlock(new Random(0), 8, 16), { heads: 2 }), "[4, 6]");
  });

  it("patchify / unpatchify / patchEmbedding", () => {
    expectShapeError(() => patchify(zeros([3, 10, 10]), 4), "patchify", "4", "[3, 10, 10]");
    expectShapeError(() => patchify(zeros([10, 10]), 2), "patchify", "[10, 10]");
    expectShapeError(() => unpatchify(zeros([4, 12]), 3, 8, 8, 4), "unpatchify", "[4, 12]");
    const params = { "proj.w": zeros([12, 8]), "proj.b": zeros([8]), pos: zeros([5, 8]) };
    expectShapeError(() => patchEmbedding(zeros([1, 3, 4, 4]), params, { patchSize: 2 }), "patchEmbedding", "[4, 8]", "[5, 8]");
  });

  it("positions and models", () => {
    expectShapeError(() => sinusoidalPositions(0, 4), "sinusoidalPositions");
    expectShapeError(() => new ViT({ imageSize: 10, channels: 1, patchSize: 4, dim: 8, depth: 1, heads: 2, mlpDim: 8, classes: 2 }), "ViT", "10");
    const vit = new ViT({ imageSize: 8, channels: 1, patchSize: 4, dim: 8, depth: 1, heads: 2, mlpDim: 8, classes: 2 });
    expectShapeError(() => vit.forward(randn([2, 3, 8, 8])), "ViT.forward", "[B, 1, 8, 8]", "[2, 3, 8, 8]");
  });
});
