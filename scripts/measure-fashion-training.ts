/**
 * How long the real-pictures chapter's in-page training takes, measured the
 * way the chapter runs it: the library bundled with esbuild, the data fetched
 * from the committed files in `public/data/fashion/`, then `trainFashion`
 * with `FASHION_PAGE_CONFIG` and `FASHION_PAGE_TRAINING` on the committed
 * training slice in a Web Worker of a page in headless Chromium, scoring 200
 * test pictures every 50 steps as the chapter's chart does, then the accuracy
 * on all 10,000 test pictures (as the chapter scores: each picture with its
 * mirror image; and from the pictures alone).
 *
 *   npx tsx scripts/measure-fashion-training.ts [--seed 1] [--steps N] [--kernels typescript|wasm]
 *
 * Prints the time to fetch and decode the data, the training time, steps per
 * second, the test accuracy, the CPU
 * time Chromium used meanwhile, and the machine's load average: on a shared
 * machine the wall time grows with the load while the CPU time stays about
 * what an idle machine would need.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { loadLine, openMeasurementPage } from "./measure-page";
import { childrenCpuSeconds } from "./process-cpu";

/** The target of the in-page training: this test accuracy within {@link TARGET_SECONDS} of pressing Run (fetching, decoding and training). */
const TARGET_ACCURACY = 0.85;
const TARGET_SECONDS = 60;

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}
const seed = Number(option("seed") ?? 1); // the chapter's seed
const steps = option("steps") === undefined ? undefined : Number(option("steps")); // undefined: FASHION_PAGE_TRAINING's
/** A kernel set to force; by default the library picks (WebAssembly SIMD where the engine has it), as in the chapter. */
const kernels = option("kernels");

/** What the worker posts back when training and evaluation are done. */
interface WorkerResult {
  steps: number;
  trainMs: number;
  loadMs: number;
  /** Test accuracy looking at each picture and its mirror image, as the chapter scores. */
  accuracy: number;
  /** Test accuracy from the pictures alone. */
  singleView: number;
  kernels: string;
  /** Pictures in the training slice. */
  pictures: number;
}

// The worker: load the data and train exactly as the chapter's cell does, report progress, then score all 10,000 test pictures.
const workerSource = `
import { loadFashion, trainFashion, evaluateFashion, fashionSlice, ViT, FASHION_PAGE_CONFIG, FASHION_PAGE_TRAINING } from "./src/lib/index";
import { kernelName, setKernels } from "./src/lib/kernels/index";
const loadBytes = async (path) => {
  const response = await fetch("/" + path);
  if (!response.ok) throw new Error(path + ": HTTP " + response.status);
  return new Uint8Array(await response.arrayBuffer());
};
self.onmessage = async (event) => {
  const { seed, steps, kernels } = event.data;
  if (kernels) setKernels(kernels);
  const loadStart = performance.now();
  const train = await loadFashion(loadBytes, { split: "train" });
  const test = await loadFashion(loadBytes, { split: "test" });
  const loadMs = performance.now() - loadStart;
  const probe = fashionSlice(test, 9800, 10000);
  const model = new ViT(FASHION_PAGE_CONFIG, { seed });
  const { result } = await trainFashion(train, {
    model, seed, steps, schedule: FASHION_PAGE_TRAINING,
    onProgress: (p) => {
      if (p.step % 50 === 0) evaluateFashion(model, probe); // the chapter's chart scores these 200 pictures as it goes
      if (p.step % 100 === 0) self.postMessage({ type: "progress", step: p.step, loss: p.loss, stepsPerSecond: p.stepsPerSecond });
    },
  });
  self.postMessage({ type: "trained" });
  // As the chapter scores it: each picture and its mirror image; and from the pictures alone.
  const scores = evaluateFashion(model, test, { mirror: true });
  const accuracy = scores.accuracy, singleView = scores.singleView.accuracy;
  self.postMessage({ type: "done", steps: result.steps, trainMs: result.elapsedMs, loadMs, accuracy, singleView, kernels: kernelName(), pictures: train.labels.length });
};
`;

const page = `<!doctype html><meta charset="utf-8"><title>measure Fashion-MNIST training</title>
<script>
  window.runTraining = (options) => new Promise((resolve, reject) => {
    const worker = new Worker("/worker.js");
    worker.onerror = (e) => reject(new Error(e.message));
    worker.onmessage = ({ data }) => {
      if (data.type === "progress") console.log("step " + data.step + " loss " + data.loss.toFixed(4) + " (" + data.stepsPerSecond.toFixed(1) + " steps/s)");
      else if (data.type === "trained") window.markTrained();
      else { worker.terminate(); resolve(data); }
    };
    worker.postMessage(options);
  });
</script>`;


const root = fileURLToPath(new URL("..", import.meta.url));
const publicDir = fileURLToPath(new URL("../public/", import.meta.url));
const bundle = await build({
  stdin: { contents: workerSource, resolveDir: root, loader: "ts", sourcefile: "measure-fashion-worker.ts" },
  bundle: true, format: "iife", platform: "browser", target: "es2022", minify: true, write: false,
});
const workerJs = bundle.outputFiles[0].text;

// The page, the worker, and the committed data files (only those: no path leaves public/data/fashion/).
const { url, context, close } = await openMeasurementPage("measure-fashion", page, workerJs, (path, response) => {
  const data = /^\/data\/fashion\/[\w.-]+$/.test(path) ? path.slice(1) : undefined;
  if (data === undefined) return false;
  try {
    const bytes = readFileSync(publicDir + data);
    response.writeHead(200, { "content-type": "application/octet-stream" });
    response.end(bytes);
  } catch {
    response.writeHead(404).end();
  }
  return true;
});
try {
  const tab = await context.newPage();
  tab.on("console", (message) => console.log(`  ${message.text()}`));
  // Chromium's CPU time when training ends, before the final scoring of 10,000 pictures.
  let cpuTrained = NaN;
  await tab.exposeFunction("markTrained", () => { cpuTrained = childrenCpuSeconds(); });
  await tab.goto(url);
  console.log(`trainFashion(the training slice, FASHION_PAGE_CONFIG, FASHION_PAGE_TRAINING, seed ${seed}${steps ? `, steps: ${steps}` : ""}) in a Web Worker, headless Chromium ${context.browser()?.version() ?? ""}`);
  console.log(`  ${loadLine("before")}`);
  const started = performance.now();
  const cpuBefore = childrenCpuSeconds();
  const result: WorkerResult = await tab.evaluate((options) => (window as unknown as { runTraining: (o: unknown) => Promise<WorkerResult> }).runTraining(options), { seed, steps, kernels });
  const totalS = (performance.now() - started) / 1000;
  const cpuS = childrenCpuSeconds() - cpuBefore;
  const trainS = result.trainMs / 1000;
  const loadS = result.loadMs / 1000;
  const runS = loadS + trainS; // what the reader waits from Run to a trained model
  console.log(`  ${loadLine("after")}`);
  console.log(`kernels: ${result.kernels}`);
  console.log(`fetching and decoding the training slice (${result.pictures} pictures) and the test set: ${loadS.toFixed(1)} s`);
  console.log(`training: ${result.steps} steps in ${trainS.toFixed(1)} s (${(result.steps / trainS).toFixed(2)} steps/s); fetching and training ${runS.toFixed(1)} s; with the final evaluation ${totalS.toFixed(1)} s`);
  console.log(`Chromium CPU time (all its processes): ${(cpuTrained - cpuBefore).toFixed(1)} s fetching and training, ${cpuS.toFixed(1)} s with the final evaluation`);
  console.log(`test accuracy ${result.accuracy.toFixed(4)} on all 10,000 test pictures, each with its mirror image (${result.singleView.toFixed(4)} from the pictures alone)`);
  const met = result.accuracy >= TARGET_ACCURACY && runS <= TARGET_SECONDS;
  console.log(met
    ? `reached ${TARGET_ACCURACY} test accuracy ${runS.toFixed(1)} s after Run (target: within ${TARGET_SECONDS} s)`
    : `did not reach ${TARGET_ACCURACY} test accuracy within ${TARGET_SECONDS} s of Run (${result.accuracy.toFixed(4)} after ${runS.toFixed(1)} s)`);
} finally {
  await close();
}
