/**
 * The training batches of the ViT recipe: drawn in a helper worker (a Node
 * worker thread here) or in this thread, they must be the same numbers, bit
 * for bit, as drawing them in order from one `Random`, whatever happens to
 * the helper.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Random, backgroundContrast, shapeBatch, trainVit } from "transformer";
import { contrastToBackground, drawShapeBatch } from "../../../src/lib/data/shapeBatches";
import { ShapeBatchStream } from "../../../src/lib/data/shapeBatchStream";
import { SHAPE_BATCH_WORKER_SOURCE } from "../../../src/lib/data/shapeBatchWorkerSource";
import { buildShapeWorkerSource } from "../../../scripts/build-shape-worker";

const SEED = 0x5eed;
const BATCH = 8;

/** The first `count` batches as this thread draws them: one `Random`, in order, through `contrastToBackground`. */
function reference(count: number, { seed = SEED, contrast = true } = {}) {
  const rng = new Random(seed);
  return Array.from({ length: count }, () => {
    const { images, labels } = drawShapeBatch(rng, BATCH);
    return { images: contrast ? contrastToBackground(images, 32 * 32) : images, labels };
  });
}

/** The first `count` batches of `stream`. */
async function take(stream: ShapeBatchStream, count: number) {
  const batches = [];
  for (let i = 0; i < count; i++) batches.push(await stream.next());
  return batches;
}

/** Same labels and the same float32 bytes. */
function expectSameBatches(got: { images: Float32Array; labels: number[] }[], want: { images: Float32Array; labels: number[] }[]) {
  expect(got.map((b) => b.labels)).toEqual(want.map((b) => b.labels));
  got.forEach((batch, i) => expect(Buffer.from(batch.images.buffer, batch.images.byteOffset, batch.images.byteLength))
    .toEqual(Buffer.from(want[i].images.buffer, want[i].images.byteOffset, want[i].images.byteLength)));
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("drawShapeBatch and contrastToBackground", () => {
  it("are what shapeBatch and backgroundContrast compute", () => {
    const { images, labels } = shapeBatch(new Random(4), BATCH);
    const values = drawShapeBatch(new Random(4), BATCH);
    expect(values.labels).toEqual(labels);
    expect(values.images).toEqual(images.data);
    expect(contrastToBackground(values.images, 32 * 32)).toEqual(backgroundContrast(images).data);
  });

  it("contrast in place gives the same values as into a new array", () => {
    const { images } = drawShapeBatch(new Random(5), 2);
    const fresh = contrastToBackground(images, 32 * 32);
    expect(contrastToBackground(images, 32 * 32, images)).toEqual(fresh);
  });

  it("reject an array of the wrong length with a message that says so", () => {
    expect(() => drawShapeBatch(new Random(0), 2, 32, new Float32Array(10))).toThrow(/need an array of 6144, got 10/);
  });
});

describe("ShapeBatchStream", () => {
  it("draws in a worker thread the same batches, bit for bit, as one Random in order", async () => {
    const stream = new ShapeBatchStream({ seed: SEED, batchSize: BATCH, contrast: true });
    try {
      expect(stream.usesHelper).toBe(true);
      expectSameBatches(await take(stream, 6), reference(6));
      expect(stream.failure).toBeNull();
    } finally {
      stream.close();
    }
  });

  it("hands out the raw pictures without `contrast`", async () => {
    const stream = new ShapeBatchStream({ seed: 3, batchSize: BATCH });
    try {
      expectSameBatches(await take(stream, 2), reference(2, { seed: 3, contrast: false }));
    } finally {
      stream.close();
    }
  });

  it("draws them itself, the same, with `helper: false`", async () => {
    const stream = new ShapeBatchStream({ seed: SEED, batchSize: BATCH, contrast: true, helper: false });
    expect(stream.usesHelper).toBe(false);
    expect(stream.next()).not.toBeInstanceOf(Promise); // nothing to wait for
    expectSameBatches([stream.next() as never, ...(await take(stream, 2))], reference(4).slice(1));
  });

  it("draws them itself where no worker can start (no Worker, no worker_threads)", async () => {
    vi.stubGlobal("process", { ...process, getBuiltinModule: undefined });
    const stream = new ShapeBatchStream({ seed: SEED, batchSize: BATCH, contrast: true });
    expect(stream.usesHelper).toBe(false);
    expectSameBatches(await take(stream, 3), reference(3));
  });

  it("goes on with the same stream when the helper fails midway", async () => {
    const stream = new ShapeBatchStream({ seed: SEED, batchSize: BATCH, contrast: true, ahead: 2 });
    try {
      const first = await take(stream, 3);
      // What the worker's `error` event does: as if the helper's thread had crashed now.
      (stream as unknown as { fallBack(reason: string): void }).fallBack("simulated crash");
      expect(stream.usesHelper).toBe(false);
      expect(stream.failure).toBe("simulated crash");
      expectSameBatches([...first, ...(await take(stream, 4))], reference(7));
    } finally {
      stream.close();
    }
  });

  it("says so when asked for a batch after close()", () => {
    const stream = new ShapeBatchStream({ seed: 0, batchSize: 2, helper: false });
    stream.close();
    expect(() => stream.next()).toThrow(/next\(\) after close\(\)/);
  });

  it("rejects a batch size that is not a whole number", () => {
    expect(() => new ShapeBatchStream({ seed: 0, batchSize: 0 })).toThrow(/batch size 0 is not a whole number >= 1/);
  });
});

describe("trainVit with the helper", () => {
  it("gives the same losses as drawing the batches in the training thread", async () => {
    const withHelper = await trainVit({ seed: 4, steps: 3 });
    vi.stubGlobal("process", { ...process, getBuiltinModule: undefined }); // no worker threads: drawn here
    const withoutHelper = await trainVit({ seed: 4, steps: 3 });
    expect(withHelper.result.losses).toEqual(withoutHelper.result.losses);
  });
});

describe("the helper's committed script", () => {
  it("is what `npm run build:worker` builds from the current sources", async () => {
    const file = await import("node:fs").then((fs) => fs.readFileSync(new URL("../../../src/lib/data/shapeBatchWorkerSource.ts", import.meta.url), "utf8"));
    expect(file, "src/lib/data/shapeBatchWorkerSource.ts is stale: run `npm run build:worker`").toBe(await buildShapeWorkerSource());
    expect(SHAPE_BATCH_WORKER_SOURCE).toContain("drawSceneInto");
  });
});
