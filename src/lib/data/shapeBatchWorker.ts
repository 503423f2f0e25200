/**
 * The program of the helper worker that draws training batches of shape
 * pictures while the training thread computes a step (`shapeBatchStream.ts`
 * starts it and explains why). It draws from its own `Random(seed)`, so the
 * batches are exactly those the training thread would have drawn itself.
 *
 * A worker needs a script of its own, and the library is bundled differently
 * in the site, in scripts and in tests; so `npm run build:worker` bundles
 * this file with esbuild into `shapeBatchWorkerSource.ts`, a string that
 * starts as a Web Worker (from a Blob URL) in a page or in a worker, and as a
 * `worker_threads` Worker in Node. It must import only plain-number code: no
 * tensors, no kernels.
 */
import { Random } from "../random";
import { contrastToBackground, drawShapeBatch } from "./shapeBatches";
import type { ToHelper, FromHelper } from "./shapeBatchStream";

/** The two ways a worker talks to the thread that started it. */
interface Parent {
  /** Posts `message`, handing `transfer`'s buffers over instead of copying them. */
  post(message: FromHelper, transfer?: ArrayBuffer[]): void;
  listen(handler: (message: ToHelper) => void): void;
}

function parent(): Parent {
  const scope = globalThis as unknown as {
    postMessage?: (message: unknown, transfer?: ArrayBuffer[]) => void;
    addEventListener?: (type: "message", handler: (event: { data: ToHelper }) => void) => void;
    process?: { getBuiltinModule?: (name: string) => unknown };
  };
  if (typeof scope.postMessage === "function" && typeof scope.addEventListener === "function") {
    const post = scope.postMessage.bind(scope) as (message: unknown, transfer?: ArrayBuffer[]) => void;
    const on = scope.addEventListener.bind(scope);
    return { post, listen: (handler) => on("message", (event) => handler(event.data)) }; // a Web Worker
  }
  type Port = { postMessage(message: unknown, transfer?: ArrayBuffer[]): void; on(type: "message", handler: (message: ToHelper) => void): void };
  const threads = scope.process?.getBuiltinModule?.("node:worker_threads") as { parentPort: Port | null } | undefined;
  const port = threads?.parentPort;
  if (!port) throw new Error("shape batch worker: started neither as a Web Worker nor as a Node worker thread");
  return { post: (message, transfer) => port.postMessage(message, transfer), listen: (handler) => port.on("message", handler) };
}

const connection = parent();
let drawBatches: ((count: number) => void) | null = null;

connection.listen((message) => {
  try {
    if (message.type === "start") {
      const { seed, batchSize, size, contrast } = message;
      const rng = new Random(seed);
      const pictures = new Float32Array(batchSize * 3 * size * size); // reused for every batch
      drawBatches = (count) => {
        for (let i = 0; i < count; i++) {
          const { labels } = drawShapeBatch(rng, batchSize, size, pictures);
          const images = contrast ? contrastToBackground(pictures, size * size) : pictures.slice();
          // Transferred, not copied: the training thread takes the memory as it is, with no
          // allocation and no copy. The transfer detaches `images` here, which makes V8
          // check typed-array accesses for detachment in this worker only; its work
          // is not what the trainer waits for.
          connection.post({ type: "batch", images, labels }, [images.buffer as ArrayBuffer]);
        }
      };
      drawBatches(message.ahead);
    } else if (message.type === "draw") {
      if (!drawBatches) throw new Error("shape batch worker: asked to draw before it was started");
      drawBatches(message.count);
    }
  } catch (error) {
    connection.post({ type: "error", message: error instanceof Error ? error.message : String(error) });
  }
});
