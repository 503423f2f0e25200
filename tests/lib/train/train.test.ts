import { describe, expect, it } from "vitest";
import { AdamW, SGD, clipGradNorm, mul, nextMacrotask, sub, sum, tensor, train, type TrainProgress } from "transformer";

describe("clipGradNorm", () => {
  it("scales all gradients together to the max norm and returns the norm before clipping", () => {
    const [a, b] = [tensor([0, 0], undefined, { requiresGrad: true }), tensor([0], undefined, { requiresGrad: true })];
    a.grad = tensor([3, 0]);
    b.grad = tensor([4]); // global norm 5
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(5, 6);
    expect(Array.from(a.grad.data)).toEqual([Math.fround(0.6), 0].map((v) => expect.closeTo(v, 6)));
    expect(b.grad.data[0]).toBeCloseTo(0.8, 6);
    expect(clipGradNorm([a, b], 10)).toBeCloseTo(1, 5); // below the limit: unchanged
    expect(b.grad.data[0]).toBeCloseTo(0.8, 6);
  });
});

describe("train", () => {
  /** Least squares towards a target: the loss is sum((w - target)²), minimum 0 at w = target. */
  const problem = () => {
    const w = tensor([5, -3, 2], undefined, { requiresGrad: true });
    const target = tensor([1, 2, 3]);
    const step = () => {
      const diff = sub(w, target);
      return sum(mul(diff, diff));
    };
    return { w, step };
  };

  it("reports every step with loss and speed, and converges with SGD and AdamW", async () => {
    for (const make of [(w: any) => new SGD([w], { lr: 0.1 }), (w: any) => new AdamW([w], { lr: 0.3, weightDecay: 0 })]) {
      const { w, step } = problem();
      const seen: TrainProgress[] = [];
      const result = await train({ params: [w], step, optimizer: make(w), steps: 60, onProgress: (p) => seen.push(p) });
      expect(seen.map((p) => p.step)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(seen.every((p) => p.steps === 60 && p.stepsPerSecond > 0 && Number.isFinite(p.loss))).toBe(true);
      expect(result).toMatchObject({ steps: 60, stopped: false });
      expect(result.losses.at(-1)!).toBeLessThan(1e-2 * result.losses[0]);
    }
  });

  it("passes metrics through and stops when the signal is aborted from another task", async () => {
    const { w, step } = problem();
    const signal = { aborted: false };
    // Abort from a separate macrotask, as a worker's "stop" message would.
    setTimeout(() => (signal.aborted = true), 0);
    const seen: TrainProgress[] = [];
    const result = await train({
      params: [w], optimizer: new SGD([w], { lr: 1e-4 }), steps: 100_000, signal, yieldEvery: 3,
      step: (i) => ({ loss: step(), metrics: { i } }), onProgress: (p) => seen.push(p),
    });
    expect(result.stopped).toBe(true);
    expect(result.steps).toBeLessThan(100_000);
    expect(result.steps % 3).toBe(0); // it stops at a yield point
    expect(seen.at(-1)!.metrics.i).toBe(result.steps - 1);
  });

  it("clips before updating when asked", async () => {
    const w = tensor([100], undefined, { requiresGrad: true });
    await train({ params: [w], optimizer: new SGD([w], { lr: 1 }), steps: 1, clip: 0.5, step: () => sum(mul(w, w)) });
    expect(w.data[0]).toBeCloseTo(99.5, 4); // gradient 200 clipped to 0.5
  });

  it("nextMacrotask lets a message that arrived earlier (a Stop) run first", async () => {
    const order: string[] = [];
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      order.push("message");
      channel.port1.close();
    };
    channel.port2.postMessage("stop");
    await nextMacrotask();
    order.push("after");
    expect(order).toEqual(["message", "after"]);
  });

  it("a loop that yields only with nextMacrotask still lets timers run (the notebook paces its chart updates with one)", async () => {
    let fired = false;
    setTimeout(() => (fired = true), 2);
    const started = performance.now();
    while (!fired && performance.now() - started < 10_000) await nextMacrotask();
    expect(fired).toBe(true);
  });
});
