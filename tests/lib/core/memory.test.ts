import { describe, expect, it } from "vitest";
import * as lib from "transformer";
import {
  AdamW, type Tensor, ViT, add, argmax, allClose, crossEntropy, detach, gelu, keep, layerNorm, matmul, mul, noGrad, ones,
  randn, reshape, softmax, sum, tensor, tidy, train, zeroGrad, zeros,
} from "transformer";
import * as core from "../../../src/lib/core";
import { allocate, allocateForOverwrite, poolStats, recycle } from "../../../src/lib/internal";

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

  it("allocateForOverwrite hands a recycled buffer out as it is, for callers that write every element", () => {
    const length = 12_347;
    const first = allocateForOverwrite(length);
    expect(first.every((v) => v === 0)).toBe(true); // a new buffer is zeroed by the engine
    first.fill(7);
    recycle(first);
    const second = allocateForOverwrite(length);
    expect(second).toBe(first);
    expect(second[0]).toBe(7); // not zeroed again: the caller overwrites it
    recycle(second);
    expect(allocate(length).every((v) => v === 0)).toBe(true); // while allocate still zero-fills
  });

  it("never hands the same buffer to two owners, and takes back only its own whole buffers", () => {
    const length = 12_346;
    const buffer = allocate(length);
    recycle(buffer);
    recycle(buffer); // a second hand-back of the same buffer is ignored
    const owners = [allocate(length), allocate(length)];
    expect(owners[0]).not.toBe(owners[1]);

    const whole = allocate(2 * length);
    recycle(whole.subarray(0, length)); // a view
    const readers = new Float32Array(length); // not the pool's
    recycle(readers);
    const next = allocate(length);
    expect(next.buffer).not.toBe(whole.buffer);
    expect(next).not.toBe(readers);
  });
});

/** A tensor made and released inside `tidy`, and one released at the end of a training step. */
function releasedByTidy(): Tensor {
  let inside!: Tensor;
  tidy(() => {
    inside = mul(randn([2, 2], { seed: 1 }), 2);
  });
  return inside;
}

async function releasedByTraining(): Promise<Tensor> {
  const w = randn([2, 2], { seed: 2, requiresGrad: true });
  let inside!: Tensor;
  await train({
    params: [w], optimizer: new AdamW([w]), steps: 1,
    step: () => {
      inside = matmul(w, ones([2, 2]));
      return sum(inside);
    },
  });
  return inside;
}

const RELEASED = /was released at the end of the (tidy\(\) scope|training step) that made it, and its memory reused/;

/**
 * How to call each core export on a released tensor `r` (the other arguments
 * valid, with `ok` a live [2, 2] tensor). An export missing from this table is
 * called as `fn(r, r, r)`, so a new op is covered without an entry here;
 * it needs one only when that call cannot reach the values.
 */
const calls: Record<string, ((r: Tensor, ok: Tensor) => unknown)[]> = {
  reshape: [(r) => reshape(r, [4]), (r) => r.reshape(4)],
  transpose: [(r) => core.transpose(r)],
  permute: [(r) => core.permute(r, [1, 0])],
  slice: [(r) => core.slice(r, 0, 0, 1)],
  index: [(r) => core.index(r, 0)],
  concat: [(r, ok) => core.concat([ok, r])],
  split: [(r) => core.split(r, 2)],
  stack: [(r, ok) => core.stack([ok, r])],
  pow: [(r) => core.pow(r, 2)],
  sum: [(r) => sum(r), (r) => sum(r, 0)],
  mean: [(r) => core.mean(r), (r) => core.mean(r, 1)],
  max: [(r) => core.max(r), (r) => core.max(r, 0)],
  argmax: [(r) => argmax(r), (r) => argmax(r, 0)],
  matmul: [(r, ok) => matmul(r, ok), (r, ok) => matmul(ok, r)],
  linear: [(r, ok) => core.linear(r, ok), (r, ok) => core.linear(ok, r), (r, ok) => core.linear(ok, ok, core.reshape(r, [4]).reshape(4))],
  softmax: [(r) => softmax(r), (r) => softmax(r, 0)],
  logSoftmax: [(r) => core.logSoftmax(r)],
  layerNorm: [(r) => layerNorm(r, ones([2]), zeros([2])), (r, ok) => layerNorm(ok, r.reshape(4).reshape(2, 2), zeros([2]))],
  dropout: [(r) => core.dropout(r, 0.5, { training: true }), (r) => core.dropout(r, 0.5, { training: false }).toArray()],
  maskedFill: [(r, ok) => core.maskedFill(r, ok, 0), (r, ok) => core.maskedFill(ok, r, 0)],
  where: [(r, ok) => core.where(r, ok, ok), (r, ok) => core.where(ok, r, ok), (r, ok) => core.where(ok, ok, r)],
  embedding: [(r) => core.embedding(r, [0, 1])],
  crossEntropy: [(r) => crossEntropy(r, [0, 1])],
  allClose: [(r, ok) => allClose(r, ok), (r, ok) => allClose(ok, r), (r) => allClose(r, r)],
  maxAbsDifference: [(r, ok) => core.maxAbsDifference(r, ok), (r, ok) => core.maxAbsDifference(ok, r)],
  detach: [(r) => detach(r)],
  keep: [(r) => keep(r)],
  // The tensor's own methods and every way of printing it.
  Tensor: [(r) => r.data, (r) => r.data[0], (r) => r.item(), (r) => r.toArray(), (r) => r.toString(), (r) => String(r), (r) => `${r}`],
};

/** Core exports that take no tensor to read (creation, settings, helpers), each with the reason. */
const takesNoTensor: Record<string, string> = {
  ShapeError: "an error class", shapeString: "formats a shape", normalizeAxis: "checks an axis", sizeOf: "multiplies a shape",
  Random: "a generator", defaultRng: "the global generator", manualSeed: "seeds it",
  tidy: "takes a function", noGrad: "takes a function", isGradEnabled: "no arguments",
  zeroGrad: "clears .grad; tested below", asTensor: "passes a tensor through unread",
  tensor: "makes a tensor from numbers", fromNested: "makes a tensor from numbers", zeros: "creation", ones: "creation",
  full: "creation", arange: "creation", eye: "creation", randn: "creation", rand: "creation", oneHot: "makes a tensor from ids",
  broadcastShapes: "works on shapes", erf: "a function of a number", erfc: "a function of a number",
};

describe("a released tensor cannot be read", () => {
  const exports = Object.entries(core).filter(([, value]) => typeof value === "function");

  it.each([["tidy", releasedByTidy], ["a training step", releasedByTraining]])("every core op, reduction, comparison and printout throws the clear error (released by %s)", async (_, make) => {
    const r = await make();
    const ok = ones([2, 2]);
    expect(r.released).toBe(true);
    for (const [name, fn] of exports) {
      if (name in takesNoTensor) continue;
      const ways = calls[name] ?? [(x: Tensor) => (fn as (...args: unknown[]) => unknown)(x, x, x)];
      ways.forEach((call, i) => {
        expect(() => call(r, ok), `${name}, call ${i + 1}`).toThrow(RELEASED);
      });
    }
  });

  it("every core export is public, and is either called on a released tensor above or listed as taking none", () => {
    const names = Object.keys(core);
    for (const name of names) expect(lib, `${name} is not exported from "transformer"`).toHaveProperty(name);
    // setKernels stays public: a chapter cell times one training step on each kernel set
    for (const name of ["allocate", "recycle", "fromOp", "releaseGraph", "releaseStep", "getKernels", "registerKernels"]) {
      expect(lib, `${name} is machinery, not for cells`).not.toHaveProperty(name);
    }
    for (const name of Object.keys(takesNoTensor)) expect(names, `${name} is listed but not exported`).toContain(name);
    for (const name of Object.keys(calls)) expect(names, `${name} has calls but is not exported`).toContain(name);
  });

  it("layers and models read through the same check", () => {
    const r = releasedByTidy();
    const params = lib.initBlock(new lib.Random(1), 2, 4);
    expect(() => lib.attention(r, r, r)).toThrow(RELEASED);
    expect(() => lib.transformerBlock(r.reshape(1, 2, 2), params, { heads: 1 })).toThrow(RELEASED);
  });

  it("a gradient cleared by zeroGrad says so when a kept reference is read", () => {
    const w = ones([3], { requiresGrad: true });
    sum(mul(w, w)).backward();
    const grad = w.grad!;
    expect(Array.from(grad.data)).toEqual([2, 2, 2]);
    zeroGrad([w]);
    expect(w.grad).toBeNull();
    expect(() => grad.toArray()).toThrow(/was released by zeroGrad/);
  });
});

describe("tidy, keep and detach", () => {
  it("releases what the scope made, returns what it returns, and leaves older tensors alone", () => {
    const before = randn([3, 3], { seed: 1 });
    let inner!: Tensor;
    const out = tidy(() => {
      inner = gelu(before);
      return add(inner, 1);
    });
    expect(inner.released).toBe(true);
    expect(before.released).toBe(false);
    expect(out.released).toBe(false);
    const expected = noGrad(() => add(gelu(before), 1));
    expect(out.toArray()).toEqual(expected.toArray());
  });

  it("finds returned tensors inside arrays, objects and maps", () => {
    const { list, object, map } = tidy(() => ({
      list: [ones([2]), [zeros([2])]],
      object: { a: { b: mul(ones([2]), 3) } },
      map: new Map([["x", ones([1])]]),
    }));
    expect((list[0] as Tensor).toArray()).toEqual([1, 1]);
    expect(((list[1] as Tensor[])[0]).toArray()).toEqual([0, 0]);
    expect(object.a.b.toArray()).toEqual([3, 3]);
    expect(map.get("x")!.toArray()).toEqual([1]);
  });

  it("nests: a tensor returned from an inner scope belongs to the outer one", () => {
    let fromInner!: Tensor;
    let innerTemp!: Tensor;
    const result = tidy(() => {
      fromInner = tidy(() => {
        innerTemp = mul(ones([2]), 2);
        return add(innerTemp, 1);
      });
      expect(innerTemp.released).toBe(true);
      expect(fromInner.toArray()).toEqual([3, 3]); // alive in the outer scope
      return sum(fromInner).item();
    });
    expect(result).toBe(6);
    expect(fromInner.released).toBe(true); // the outer scope did not return it
  });

  it("a returned tensor keeps its graph: backward after the scope works and matches", () => {
    const w = randn([3, 3], { seed: 4, requiresGrad: true });
    const x = randn([2, 3], { seed: 5 });
    const loss = tidy(() => sum(gelu(matmul(x, w))));
    loss.backward();
    const viaScope = w.grad!.toArray();
    zeroGrad([w]);
    sum(gelu(matmul(x, w))).backward();
    expect(w.grad!.toArray()).toEqual(viaScope);
  });

  it("a returned reshape keeps its values even though the tensor it views was released", () => {
    const flat = tidy(() => reshape(mul(randn([2, 3], { seed: 6 }), 1), [6]));
    const expected = Array.from(noGrad(() => mul(randn([2, 3], { seed: 6 }), 1)).data);
    for (let i = 0; i < 20; i++) tidy(() => mul(randn([2, 3], { seed: 9 }), 5)); // reuse whatever was freed
    expect(Array.from(flat.data)).toEqual(expected);
  });

  it("keep(t) survives every enclosing scope", () => {
    let kept!: Tensor;
    tidy(() => {
      tidy(() => {
        kept = keep(softmax(tensor([[1, 2, 3]])));
      });
    });
    for (let i = 0; i < 10; i++) tidy(() => softmax(randn([1, 3], { seed: i })));
    expect(kept.released).toBe(false);
    expect(allClose(kept, noGrad(() => softmax(tensor([[1, 2, 3]]))))).toBe(true);
  });

  it("an exception inside the scope releases its tensors and passes through; an async fn is refused", () => {
    let made!: Tensor;
    expect(() =>
      tidy(() => {
        made = mul(ones([2]), 2);
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(made.released).toBe(true);
    expect(() => tidy(async () => ones([1]))).toThrow(/synchronous/);
  });

  it("detach inside a training step keeps its values after the step and after further work; keep too", async () => {
    const config = { imageSize: 8, channels: 3, patchSize: 4, dim: 12, depth: 1, heads: 2, mlpDim: 24, classes: 3 };
    const model = new ViT(config, { seed: 3 });
    const images = randn([4, 3, 8, 8], { seed: 1 });
    const labels = [0, 1, 2, 0];
    let detached!: Tensor;
    let kept!: Tensor;
    let logits!: Tensor;
    let atStep: number[] = [];
    await train({
      params: model.params, optimizer: new AdamW(model.params, { lr: 1e-2 }), steps: 1,
      step: () => {
        logits = model.forward(images).logits;
        detached = detach(logits);
        kept = keep(mul(logits, 1));
        atStep = Array.from(logits.data);
        return crossEntropy(logits, labels);
      },
    });
    for (let i = 0; i < 5; i++) tidy(() => noGrad(() => model.forward(images).logits)); // reuse the freed memory
    expect(() => argmax(logits)).toThrow(RELEASED);
    expect(Array.from(detached.data)).toEqual(atStep);
    expect(Array.from(kept.data)).toEqual(atStep);
    expect(detached.requiresGrad).toBe(false);
  });
});

describe("memory stays flat", () => {
  const config = { imageSize: 8, channels: 3, patchSize: 4, dim: 12, depth: 2, heads: 2, mlpDim: 24, classes: 3 };
  const small = { imageSize: 4, channels: 3, patchSize: 2, dim: 8, depth: 1, heads: 2, mlpDim: 16, classes: 3 };

  it("over 1,000 training steps no new buffer is made once the first steps are done", async () => {
    const model = new ViT(small, { seed: 3 });
    const images = randn([4, 3, 4, 4], { seed: 1 });
    const labels = [0, 1, 2, 0];
    const optimizer = new AdamW(model.params, { lr: 1e-3 });
    const step = () => crossEntropy(model.forward(images, { training: true }).logits, labels);
    await train({ params: model.params, optimizer, steps: 3, step, clip: 1 });
    const warm = poolStats().created;
    await train({ params: model.params, optimizer, steps: 1000, step, clip: 1, yieldEvery: 1000 });
    expect(poolStats().created - warm).toBe(0);
  }, 180_000);

  it("over 1,000 noGrad forward passes inside scopes no new buffer is made", () => {
    const model = new ViT(small, { seed: 3 });
    const images = randn([4, 3, 4, 4], { seed: 1 });
    const forward = () => tidy(() => noGrad(() => argmax(model.forward(images).logits)));
    forward();
    const warm = poolStats().created;
    for (let i = 0; i < 1000; i++) forward();
    expect(poolStats().created - warm).toBe(0);
  }, 180_000);

  it("reusing memory changes no number: same losses and weights as a loop that never reuses", async () => {
    const images = randn([6, 3, 8, 8], { seed: 1 });
    const labels = [0, 1, 2, 0, 1, 2];
    const stepLoss = (model: ViT) => crossEntropy(model.forward(images, { training: true }).logits, labels);

    const reusing = new ViT(config, { seed: 3 });
    const { losses } = await train({ params: reusing.params, optimizer: new AdamW(reusing.params, { lr: 1e-2 }), steps: 8, step: () => stepLoss(reusing) });

    const plain = new ViT(config, { seed: 3 });
    const optimizer = new AdamW(plain.params, { lr: 1e-2 });
    const plainLosses: number[] = [];
    for (let i = 0; i < 8; i++) { // no scope: every tensor is left to the garbage collector
      const loss = stepLoss(plain);
      loss.backward();
      optimizer.step();
      plainLosses.push(loss.item());
      for (const p of Object.values(plain.params)) p.grad = null;
    }
    expect(losses).toEqual(plainLosses);
    for (const name of Object.keys(plain.params)) expect(reusing.params[name].data).toEqual(plain.params[name].data);
  });
});
