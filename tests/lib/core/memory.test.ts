import { describe, expect, it } from "vitest";
import {
  AdamW, ViT, add, allocate, crossEntropy, gelu, layerNorm, matmul, mul, ones, randn, recycle, releaseGraph,
  releaseStep, reshape, sum, tensor, train, zeros,
} from "transformer";

describe("buffer pool", () => {
  it("hands a recycled buffer out again, zero-filled", () => {
    const length = 12_345; // a length no other test uses, so the pool holds nothing of it yet
    const first = allocate(length);
    first.fill(7);
    recycle(first);
    const second = allocate(length);
    expect(second).toBe(first);
    expect(second.every((v) => v === 0)).toBe(true);
    expect(allocate(length)).not.toBe(first); // taken: the next one is new
  });

  it("never hands the same buffer to two owners, and ignores views into larger buffers", () => {
    const length = 12_346;
    const buffer = allocate(length);
    recycle(buffer);
    recycle(buffer); // a second hand-back of the same buffer is ignored
    const owners = [allocate(length), allocate(length)];
    expect(owners[0]).not.toBe(owners[1]);

    const whole = new Float32Array(2 * length);
    recycle(whole.subarray(0, length));
    expect(allocate(length).buffer).not.toBe(whole.buffer);
  });
});

describe("releaseGraph", () => {
  it("releases computed tensors, keeps leaves (and a reshape of a leaf) intact, and says so when a released tensor is used", () => {
    const w = tensor([[1, 2], [3, 4]], undefined, { requiresGrad: true });
    const x = tensor([[1, 0], [0, 1]]);
    const flat = reshape(w, [4]); // shares w's values
    const hidden = gelu(matmul(x, w));
    const loss = add(sum(hidden), sum(flat));
    loss.backward();
    releaseGraph(loss);

    expect(Array.from(w.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(x.data)).toEqual([1, 0, 0, 1]);
    expect(w.grad).not.toBeNull();
    expect(hidden.released).toBe(true);
    expect(String(hidden)).toBe("tensor(released, shape=[2, 2])");
    expect(() => hidden.toArray()).toThrow(/released at the end of a training step/);
    expect(() => mul(hidden, 2)).toThrow(/mul: this tensor of shape \[2, 2\] was released/);
    expect(w.released || x.released).toBe(false);
  });

  it("recycling during backward and after each step changes no number: same losses as a loop that never recycles", async () => {
    const config = { imageSize: 8, channels: 3, patchSize: 4, dim: 12, depth: 2, heads: 2, mlpDim: 24, classes: 3 };
    const images = randn([6, 3, 8, 8], { seed: 1 });
    const labels = [0, 1, 2, 0, 1, 2];
    const stepLoss = (model: ViT) => crossEntropy(model.forward(images, { training: true }).logits, labels);

    const recycling = new ViT(config, { seed: 3 });
    const { losses } = await train({ params: recycling.params, optimizer: new AdamW(recycling.params, { lr: 1e-2 }), steps: 8, step: () => stepLoss(recycling) });

    const plain = new ViT(config, { seed: 3 });
    const optimizer = new AdamW(plain.params, { lr: 1e-2 });
    const plainLosses: number[] = [];
    for (let i = 0; i < 8; i++) {
      optimizer.zeroGrad();
      const loss = stepLoss(plain);
      loss.backward();
      optimizer.step();
      plainLosses.push(loss.item()); // the graph is left to the garbage collector
    }
    expect(losses).toEqual(plainLosses);
    for (const name of Object.keys(plain.params)) expect(recycling.params[name].data).toEqual(plain.params[name].data);
  });

  it("releaseStep clears the gradients and their memory goes to the next step's ops", () => {
    const w = ones([64, 64], { requiresGrad: true });
    const loss = sum(layerNorm(matmul(w, w), ones([64]), zeros([64])));
    loss.backward();
    const gradBuffer = w.grad!.data;
    releaseStep(loss, [w]);
    expect(w.grad).toBeNull();
    expect(allocate(64 * 64)).toBe(gradBuffer);
  });
});
