/**
 * `npm run bench`: our library next to @tensorflow/tfjs-core (the library a
 * JavaScript reader would otherwise reach for) with two of its backends: CPU
 * (plain JavaScript) and WebAssembly (XNNPACK with SIMD, one thread). Same
 * shapes, same machine, our library in its own thread (bench-ours.ts), the
 * three taking turns. Prints one line per measurement with the speed ratio
 * ours/theirs for each backend (above 1 means we are faster); the last two
 * lines are the smallest ratio against each.
 *
 * Times are CPU time by default (`process.cpuUsage`, the whole process:
 * only one side runs at a time), so that other programs on a shared machine
 * slow the figures less: time spent waiting for the CPU does not count. Cache
 * and memory bandwidth shared with them still do. `BENCH_CLOCK=wall npm run
 * bench` times with the wall clock instead.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { BenchReply, BenchRequest } from "./bench-ours";

/** What the figures measure: CPU time (default) or wall-clock time. */
const CLOCK: "cpu" | "wall" = process.env.BENCH_CLOCK === "wall" ? "wall" : "cpu";

/** Milliseconds of CPU time (every thread of this process) used so far. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
/** The current reading of the clock the figures use, in milliseconds. */
const now = CLOCK === "cpu" ? cpuMs : () => performance.now();

/** Our library, in its own worker thread (see bench-ours.ts): one timed call per request. */
class OurSide {
  private readonly worker = new Worker(fileURLToPath(new URL("../src/notebook/engine/node-worker-boot.mjs", import.meta.url)), {
    workerData: { entry: fileURLToPath(new URL("./bench-ours.ts", import.meta.url)) },
  });

  private pending: { resolve: (times: number[]) => void; reject: (error: Error) => void } | null = null;
  /** The kernel set our side ran the last request on. */
  kernels = "";

  constructor() {
    this.worker.on("message", ({ times, cpuTimes, kernels }: BenchReply) => {
      this.kernels = kernels;
      this.pending?.resolve(CLOCK === "cpu" ? cpuTimes : times);
    });
    this.worker.on("error", (error) => this.pending?.reject(error));
  }

  /** Milliseconds (on {@link CLOCK}) of each of `calls` calls of case `name`, after calling it for `warmUpMs` of wall time. */
  time(request: BenchRequest): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(request);
    });
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

/** The tfjs backends we compare with, in the order of the columns. */
const BACKENDS = ["cpu", "wasm"] as const;
type Backend = (typeof BACKENDS)[number];

/**
 * Median milliseconds per call of ours (case `name`) and of tfjs on each
 * backend. `setup` builds tfjs's side of the case (its tensors and a function
 * that runs it once) under the current backend: each backend gets its own
 * tensors, so no data moves between backends while timing. The three run
 * alternately, one call each per round, for at least `budgetMs` and
 * `minRounds`: when other programs share the machine, all see the same
 * load. First each warms up for `warmUpMs`: V8 optimizes a hot kernel in
 * stages, and a matmul of 64×64 ran a third slower for its first thousand
 * calls than afterwards.
 */
async function compareMs(ours: OurSide, name: string, setup: () => () => void, budgetMs = 1200, minRounds = 7, warmUpMs = 400): Promise<[number, number, number]> {
  await ours.time({ name, calls: 0, warmUpMs });
  const theirs = {} as Record<Backend, () => void>;
  for (const backend of BACKENDS) {
    await tf.setBackend(backend);
    theirs[backend] = setup();
    const warmUpStart = performance.now();
    for (let calls = 0; calls < 4 || performance.now() - warmUpStart < warmUpMs; calls++) theirs[backend]();
  }
  const times: [number[], number[], number[]] = [[], [], []];
  const start = performance.now();
  while (times[0].length < minRounds || performance.now() - start < budgetMs) {
    times[0].push(...(await ours.time({ name })));
    for (const [i, backend] of BACKENDS.entries()) {
      await tf.setBackend(backend);
      const t0 = now();
      theirs[backend]();
      times[i + 1].push(now() - t0);
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return [median(times[0]), median(times[1]), median(times[2])];
}

interface Row { name: string; unit: "GFLOP/s" | "ms"; ratios: [number, number] }
const rows: Row[] = [];
function report(name: string, unit: Row["unit"], [ours, cpu, wasm]: [number, number, number]): void {
  const ratio = (theirs: number) => (unit === "ms" ? theirs / ours : ours / theirs); // speed ratio either way
  rows.push({ name, unit, ratios: [ratio(cpu), ratio(wasm)] });
  const f = (v: number) => v.toFixed(2).padStart(9);
  const r = (v: number) => `${v.toFixed(2).padStart(6)}x`;
  console.log(`${name.padEnd(50)} ${f(ours)} ${f(cpu)} ${r(ratio(cpu))} ${f(wasm)} ${r(ratio(wasm))}  ${unit}`);
}

// ---- tfjs equivalents, written with core ops only (no tf.layers) ------------------------------

/** x [..., in] @ w [in, out] + b, through a 2-D matMul as tf.layers.dense does. */
function tfDense(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const lead = x.shape.slice(0, -1);
  const y = tf.add(tf.matMul(tf.reshape(x, [-1, w.shape[0]!]) as tf.Tensor2D, w as tf.Tensor2D), b);
  return tf.reshape(y, [...lead, w.shape[1]!]);
}
function tfLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
}
const tfGelu = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
/** q, k, v [G, n, d] -> [G, n, d] */
function tfAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
  const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(q.shape[2]));
  return tf.matMul(tf.softmax(scores), v);
}
type TfBlock = Record<string, tf.Variable>;
function tfInitBlock(d: number, hidden: number): TfBlock {
  const w = (i: number, o: number) => tf.variable(tf.randomNormal([i, o], 0, Math.sqrt(2 / (i + o))));
  const z = (n: number) => tf.variable(tf.zeros([n]));
  return {
    g1: tf.variable(tf.ones([d])), b1: z(d), g2: tf.variable(tf.ones([d])), b2: z(d),
    wq: w(d, d), bq: z(d), wk: w(d, d), bk: z(d), wv: w(d, d), bv: z(d), wo: w(d, d), bo: z(d),
    w1: w(d, hidden), c1: z(hidden), w2: w(hidden, d), c2: z(d),
  };
}
/** Pre-norm ViT block on x [B, n, d]. */
function tfBlock(x: tf.Tensor3D, p: TfBlock, heads: number): tf.Tensor3D {
  const [B, n, d] = x.shape;
  const split = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [B, n, heads, d / heads]), [0, 2, 1, 3]), [B * heads, n, d / heads]) as tf.Tensor3D;
  const h = tfLayerNorm(x, p.g1, p.b1);
  const a = tfAttention(split(tfDense(h, p.wq, p.bq)), split(tfDense(h, p.wk, p.bk)), split(tfDense(h, p.wv, p.bv)));
  const merged = tf.reshape(tf.transpose(tf.reshape(a, [B, heads, n, d / heads]), [0, 2, 1, 3]), [B, n, d]);
  const x1 = tf.add(x, tfDense(merged, p.wo, p.bo));
  const m = tfDense(tfGelu(tfDense(tfLayerNorm(x1, p.g2, p.b2), p.w1, p.c1)), p.w2, p.c2);
  return tf.add(x1, m) as tf.Tensor3D;
}

/**
 * tfjs-core registers gradients separately (tf.layers would pull them in), and its
 * register_all_gradients module does not load under Node's ESM resolver, so we
 * register the gradients of the kernels our training step uses, one file each.
 */
async function registerGradients(): Promise<void> {
  const kernels = [
    "Add", "Sub", "Multiply", "RealDiv", "Reshape", "Transpose", "BatchMatMul", "Sqrt", "Mean", "Erf", "Softmax",
    "Tile", "Concat", "Slice", "Exp", "Log", "Sum", "Max", "Neg", "SquaredDifference", "Square", "Cast", "Identity",
  ];
  for (const kernel of kernels) {
    const module = await import(`@tensorflow/tfjs-core/dist/gradients/${kernel}_grad.js`);
    for (const config of Object.values(module)) tf.registerGradient(config as tf.GradConfig);
  }
}

async function main(): Promise<void> {
  await registerGradients();
  // The WebAssembly backend as a reader's page would get it in a browser without
  // cross-origin isolation: the SIMD build, one thread (the file ships inside the package).
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  tf.env().set("WASM_HAS_SIMD_SUPPORT", true);
  setThreadsCount(1);
  for (const backend of BACKENDS) {
    await tf.setBackend(backend);
    await tf.ready();
    tf.tidy(() => void tf.add(1, 1).dataSync()); // tfjs prints its "install tfjs-node" banner on the first op
  }
  const ourSide = new OurSide();
  await ourSide.time({ name: "matmul64", calls: 1 });
  console.log(`ours (${ourSide.kernels} kernels) vs @tensorflow/tfjs-core ${tf.version_core}, cpu backend and wasm backend (SIMD, 1 thread), Node ${process.version}, median of repeated runs, ${CLOCK === "cpu" ? "CPU time (BENCH_CLOCK=wall for wall-clock time)" : "wall-clock time"}`);
  console.log(`${"".padEnd(50)} ${"ours".padStart(9)} ${"tfjs-cpu".padStart(9)} ${"ratio".padStart(7)} ${"tfjs-wasm".padStart(9)} ${"ratio".padStart(7)}`);

  // Matmul: GFLOP/s = 2·n·k·m multiply-adds per second.
  for (const [n, k, m] of [[64, 64, 64], [197, 64, 197], [256, 256, 256], [512, 512, 512]]) {
    const times = await compareMs(ourSide, `matmul${n}`, () => {
      const [ta, tb] = [tf.randomNormal([n, k]) as tf.Tensor2D, tf.randomNormal([k, m]) as tf.Tensor2D];
      return () => tf.tidy(() => void tf.matMul(ta, tb).dataSync());
    });
    const gflops = (ms: number) => (2 * n * k * m) / (ms * 1e6);
    report(`matmul [${n}x${k}]·[${k}x${m}]`, "GFLOP/s", times.map(gflops) as [number, number, number]);
  }

  // Scaled dot-product attention, sequence 197, width 64.
  report("attention (n 197, d 64)", "ms", await compareMs(ourSide, "attention", () => {
    const [tq, tk, tv] = [0, 1, 2].map(() => tf.randomNormal([1, 197, 64]) as tf.Tensor3D);
    return () => tf.tidy(() => void tfAttention(tq, tk, tv).dataSync());
  }));

  // One pre-norm ViT block forward: sequence 65, width 64, 4 heads, MLP 256.
  report("ViT block forward (n 65, d 64, 4 heads, MLP 256)", "ms", await compareMs(ourSide, "block", () => {
    const tx = tf.randomNormal([1, 65, 64]) as tf.Tensor3D;
    const tp = tfInitBlock(64, 256);
    return () => tf.tidy(() => void tfBlock(tx, tp, 4).dataSync());
  }));

  // One training step (forward + backward + Adam) of a 2-block ViT, 32 images 3×32×32, patch 4 -> 65 tokens.
  report("ViT training step (2 blocks, batch 32, AdamW)", "ms", await compareMs(ourSide, "trainingStep", () => {
    const B = 32;
    const labels = Array.from({ length: B }, (_, i) => i % 4);
    const v = (shape: number[], std: number) => tf.variable(tf.randomNormal(shape, 0, std));
    const tp = {
      proj: v([48, 64], 0.1), projB: tf.variable(tf.zeros([64])), cls: v([1, 1, 64], 0.02), pos: v([65, 64], 0.02),
      blocks: [tfInitBlock(64, 256), tfInitBlock(64, 256)], g: tf.variable(tf.ones([64])), b: tf.variable(tf.zeros([64])),
      head: v([64, 4], 0.1), headB: tf.variable(tf.zeros([4])),
    };
    const tImages = tf.randomNormal([B, 3, 32, 32]);
    const tLabels = tf.oneHot(tf.tensor1d(labels, "int32"), 4);
    const adam = tf.train.adam(1e-3);
    const loss = () => {
      const patches = tf.reshape(tf.transpose(tf.reshape(tImages, [B, 3, 8, 4, 8, 4]), [0, 2, 4, 1, 3, 5]), [B, 64, 48]);
      let x = tf.concat([tf.tile(tp.cls, [B, 1, 1]), tfDense(patches, tp.proj, tp.projB)], 1);
      x = tf.add(x, tp.pos);
      for (const block of tp.blocks) x = tfBlock(x as tf.Tensor3D, block, 4);
      const cls = tf.reshape(tf.slice(x, [0, 0, 0], [B, 1, 64]), [B, 64]);
      const logits = tfDense(tfLayerNorm(cls, tp.g, tp.b), tp.head, tp.headB);
      return tf.losses.softmaxCrossEntropy(tLabels, logits) as tf.Scalar;
    };
    return () => tf.tidy(() => void adam.minimize(loss, true)!.dataSync());
  }, 0, 5));

  await ourSide.stop();
  for (const [i, backend] of BACKENDS.entries()) {
    console.log(`slowest ratio vs tfjs-${backend}: ${Math.min(...rows.map((r) => r.ratios[i])).toFixed(2)}`);
  }
}

/**
 * On Linux, runs this script again pinned to one CPU (with `taskset`) and
 * returns its exit code; null where that is not possible or already done.
 * The two threads take turns, never run at once, and on a shared virtual
 * machine one CPU can be a third slower than the other for seconds at a time:
 * pinned, both sides always run on the same one.
 */
function rerunOnOneCpu(): number | null {
  if (process.platform !== "linux" || process.env.BENCH_ON_ONE_CPU) return null;
  const run = spawnSync("taskset", ["-c", "0", process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, BENCH_ON_ONE_CPU: "1" },
  });
  return run.error ? null : (run.status ?? 1);
}

const pinnedExit = rerunOnOneCpu();
if (pinnedExit === null) main();
else process.exitCode = pinnedExit;
