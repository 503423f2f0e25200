/**
 * Our side of `npm run bench`, in its own worker thread. Loading tfjs-core
 * into a V8 isolate made our kernels about 20% slower there (so does
 * detaching any ArrayBuffer: V8 then checks every typed-array access for a
 * detached buffer), so each library runs in an isolate of its own, as it
 * would in an application that uses only one of them. bench.ts asks for one
 * timed call at a time and alternates with tfjs on the main thread.
 */
import { parentPort } from "node:worker_threads";
import { kernelName, setKernels } from "../src/lib/kernels/index";
import {
  AdamW, Random, ViT, attention, crossEntropy, initBlock, matmul, noGrad, randn, tidy, transformerBlock,
} from "../src/lib/index";

/** What the main thread sends: time `calls` calls of a case, or keep calling it for `warmUpMs`. */
export type BenchRequest = { name: string; calls?: number; warmUpMs?: number };
/**
 * What this side answers: wall-clock and CPU milliseconds of each call, and
 * the kernel set they ran on. The CPU time is the process's (every thread):
 * the main thread waits for this answer meanwhile, so it is this call's own,
 * V8's compiler and garbage-collector threads included.
 */
export type BenchReply = { times: number[]; cpuTimes: number[]; kernels: string };

// `BENCH_KERNELS=typescript npm run bench` measures the TypeScript kernels; by default
// the library picks its kernels itself (WebAssembly SIMD where the engine has it).
if (process.env.BENCH_KERNELS) setKernels(process.env.BENCH_KERNELS);

/** The benchmark cases by name, each set up on first use. */
const setups: Record<string, () => () => void> = {
  matmul64: () => matmulCase(64, 64, 64),
  matmul197: () => matmulCase(197, 64, 197),
  matmul256: () => matmulCase(256, 256, 256),
  matmul512: () => matmulCase(512, 512, 512),
  attention: () => {
    const [q, k, v] = [1, 2, 3].map((seed) => randn([197, 64], { seed }));
    return () => tidy(() => void noGrad(() => attention(q, k, v))); // as tf.tidy on the other side
  },
  block: () => {
    const x = randn([1, 65, 64], { seed: 4 });
    const params = initBlock(new Random(5), 64, 256);
    return () => tidy(() => void noGrad(() => transformerBlock(x, params, { heads: 4 })));
  },
  trainingStep: () => {
    const config = { imageSize: 32, channels: 3, patchSize: 4, dim: 64, depth: 2, heads: 4, mlpDim: 256, classes: 4 };
    const vit = new ViT(config, { seed: 6 });
    const optimizer = new AdamW(vit.params, { lr: 1e-3 });
    const images = randn([32, 3, 32, 32], { seed: 7 });
    const labels = Array.from({ length: 32 }, (_, i) => i % 4);
    return () => {
      // As train() does: one scope per step, gradients cleared, so the next step reuses this one's memory.
      optimizer.zeroGrad();
      tidy(() => {
        crossEntropy(vit.forward(images).logits, labels).backward();
        optimizer.step();
      });
    };
  },
};

function matmulCase(n: number, k: number, m: number): () => void {
  const [a, b] = [randn([n, k], { seed: 1 }), randn([k, m], { seed: 2 })];
  return () => tidy(() => void noGrad(() => matmul(a, b)));
}

const cases = new Map<string, () => void>();
parentPort!.on("message", ({ name, calls = 1, warmUpMs = 0 }: BenchRequest) => {
  if (!cases.has(name)) cases.set(name, setups[name]());
  const run = cases.get(name)!;
  const warmUpStart = performance.now();
  while (performance.now() - warmUpStart < warmUpMs) run();
  const times: number[] = [], cpuTimes: number[] = [];
  for (let i = 0; i < calls; i++) {
    const cpu0 = process.cpuUsage(), t0 = performance.now();
    run();
    times.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  parentPort!.postMessage({ times, cpuTimes, kernels: kernelName() } satisfies BenchReply);
});
