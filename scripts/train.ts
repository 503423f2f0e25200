/**
 * `npm run train`: trains the course models with fixed seeds, writes their
 * weights to `public/models/{vit,char-lm,seq2seq,fashion}.bin` (float32 state
 * files, see `saveState`) and prints the final metrics on held-out data.
 * Deterministic: the same code produces the same bytes on every run.
 *
 *   npm run train                 all four
 *   npm run train -- vit seq2seq  only these (vit, char-lm, seq2seq, fashion)
 *   npm run train -- --kernels=wasm  on the WebAssembly kernels (faster; other weights)
 *
 * `fashion` trains on training pictures 0 to 54,999 of Debian's
 * dataset-fashion-mnist package (`/usr/share/datasets/fashion-mnist`, or
 * `--fashion-from DIR`) and holds out the last 5,000; it is much longer than
 * the others (FASHION_TRAINING in the recipe, with the time it took) and
 * reports the accuracy on the held-out pictures every 1,000 steps. The test
 * set is scored once, at the end.
 *
 * The shipped weights were trained on the TypeScript kernels, except the
 * Fashion-MNIST ViT's, trained on the WebAssembly ones (FASHION_KERNELS);
 * this script uses the same sets unless told otherwise, whatever the library
 * would pick: the WebAssembly kernels sum in float32 (and fuse
 * multiply-adds where relaxed SIMD has them), so their numbers differ in the
 * last bits, training follows a slightly different path and the files would
 * not come out byte for byte. Node 20 has no relaxed SIMD, so the Fashion-MNIST
 * run uses the plain SIMD module (no fused multiply-add) and repeats byte for
 * byte on any machine with Node 20; a Node whose engine has relaxed SIMD
 * would pick the fused module and write a slightly different file.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { ViT, type TrainProgress, fashionFromIdx, fashionSlice, loadFashion, saveState } from "../src/lib/index";
import { kernelName, setKernels } from "../src/lib/kernels/index";
import {
  FASHION_CONFIG, evaluateCharLM, evaluateFashion, evaluateSeq2Seq, evaluateVit, knownWordShare, sampleText, trainCharLM,
  trainFashion, trainSeq2Seq, trainVit, translate,
} from "../src/lib/recipes/index";
import { DEBIAN_DIR, readOriginal } from "./data-fashion";

/** The seed every shipped model is trained with. */
const TRAIN_SEED = 0;
/** Held-out data for the printed metrics (any seed works; `npm run eval -- --seed N` tries others). */
const EVAL_SEED = 1;

/** The kernel set the shipped weights were trained with (all but Fashion-MNIST's). */
const SHIPPED_KERNELS = "typescript";
/**
 * The kernel set of the shipped Fashion-MNIST weights: the WebAssembly
 * kernels, about twice as fast in Node, which is what made a run of many
 * passes through the 55,000 training pictures fit in an hour.
 */
const FASHION_KERNELS = "wasm";
/** Training pictures 0 to 54,999 train the Fashion-MNIST model; the last 5,000 are held out to watch it. */
const FASHION_TRAIN_COUNT = 55_000;
const kernelsAsked = process.argv.find((a) => a.startsWith("--kernels="))?.slice("--kernels=".length);
setKernels(kernelsAsked ?? SHIPPED_KERNELS);
console.log(`kernels: ${kernelName()}${kernelName() === SHIPPED_KERNELS ? " (as the shipped weights)" : ` (the shipped weights used ${SHIPPED_KERNELS}: these files will differ)`}`);

const modelsDir = fileURLToPath(new URL("../public/models/", import.meta.url));
const argv = process.argv.slice(2);
const fashionFromAt = argv.indexOf("--fashion-from");
const fashionDir = fashionFromAt === -1 ? DEBIAN_DIR : argv[fashionFromAt + 1];
const wanted = argv.filter((a, i) => !a.startsWith("-") && argv[i - 1] !== "--fashion-from");
const selected = (name: string) => wanted.length === 0 || wanted.includes(name);

/** Prints a progress line about every 10% of the run. */
function progressPrinter(name: string): (p: TrainProgress) => void {
  return (p) => {
    if (p.step % Math.max(1, Math.round(p.steps / 10)) !== 0 && p.step !== p.steps) return;
    const extra = Object.entries(p.metrics).map(([k, v]) => ` ${k} ${v.toFixed(3)}`).join("");
    console.log(`  ${name} step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)}${extra} (${p.stepsPerSecond.toFixed(1)} steps/s)`);
  };
}

function write(file: string, bytes: Uint8Array): void {
  mkdirSync(modelsDir, { recursive: true });
  writeFileSync(modelsDir + file, bytes);
  console.log(`  wrote public/models/${file} (${(bytes.length / 1024).toFixed(1)} KB)`);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const summary: Record<string, unknown> = {};

if (selected("vit")) {
  console.log("ViT on generated shapes");
  const { model, result } = await trainVit({ seed: TRAIN_SEED, onProgress: progressPrinter("vit") });
  write("vit.bin", saveState(model.params));
  const metrics = evaluateVit(model, { seed: EVAL_SEED });
  console.log(`  trained in ${seconds(result.elapsedMs)}; test accuracy ${metrics.accuracy.toFixed(4)}, object attention ratio ${metrics.objectAttentionRatio.toFixed(3)}`);
  summary.vit = metrics;
}

if (selected("char-lm")) {
  console.log("Character language model on the generated corpus");
  const { model, result } = await trainCharLM({ seed: TRAIN_SEED, onProgress: progressPrinter("char-lm") });
  write("char-lm.bin", saveState(model.params));
  const metrics = evaluateCharLM(model, { seed: EVAL_SEED });
  const sample = sampleText(model, { prompt: "the ", length: 300, seed: EVAL_SEED });
  console.log(`  trained in ${seconds(result.elapsedMs)}; validation loss ${metrics.valLoss.toFixed(4)} vs unigram ${metrics.unigramLoss.toFixed(4)} nats/char`);
  console.log(`  sample (temperature 0.7), ${(100 * knownWordShare(sample)).toFixed(1)}% corpus words:\n    ${sample.replace(/\n/g, "\n    ")}`);
  summary.charLM = metrics;
}

if (selected("seq2seq")) {
  console.log("Encoder-decoder: digits to number words");
  const { model, result } = await trainSeq2Seq({ seed: TRAIN_SEED, onProgress: progressPrinter("seq2seq") });
  write("seq2seq.bin", saveState(model.params));
  const metrics = evaluateSeq2Seq(model, { seed: EVAL_SEED });
  const examples = ["7", "13", "40", "115", "347", "909"];
  console.log(`  trained in ${seconds(result.elapsedMs)}; held-out exact match ${metrics.exactMatch.toFixed(4)}, alignment ${metrics.alignment.toFixed(4)}`);
  translate(model, examples).forEach((words, i) => console.log(`    ${examples[i]} -> ${words}`));
  summary.seq2seq = metrics;
}

if (selected("fashion")) {
  // Pinned separately from the other models: their weights stay byte for byte what they were.
  setKernels(kernelsAsked ?? FASHION_KERNELS);
  console.log(`ViT on Fashion-MNIST (training pictures 0-${FASHION_TRAIN_COUNT - 1}; ${FASHION_TRAIN_COUNT}-59999 held out) on the ${kernelName()} kernels`);
  const all = fashionFromIdx(readOriginal(fashionDir, "train-images-idx3-ubyte.gz"), readOriginal(fashionDir, "train-labels-idx1-ubyte.gz"));
  const data = fashionSlice(all, 0, FASHION_TRAIN_COUNT);
  // Progress is judged on training pictures the model never sees, never on the test set.
  const heldOut = fashionSlice(all, FASHION_TRAIN_COUNT, all.labels.length);
  // The committed test set, read from public/ as the site reads it; scored once, at the end.
  const publicDir = fileURLToPath(new URL("../public/", import.meta.url));
  const test = await loadFashion(async (path) => new Uint8Array(readFileSync(publicDir + path)), { split: "test" });
  const model = new ViT(FASHION_CONFIG, { seed: TRAIN_SEED });
  const checkpoint = `${tmpdir()}/fashion-checkpoint.bin`;
  const printer = (p: TrainProgress) => {
    if (p.step % 100 === 0) console.log(`  fashion step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} batch accuracy ${p.metrics.accuracy.toFixed(3)} (${p.stepsPerSecond.toFixed(2)} steps/s)`);
  };
  const { result, averaged } = await trainFashion(data, {
    seed: TRAIN_SEED,
    model,
    onProgress: (p) => {
      printer(p);
      if (p.step % 1000 !== 0) return;
      writeFileSync(checkpoint, saveState(model.params));
      const heldOutAccuracy = evaluateFashion(model, heldOut).accuracy;
      console.log(`  fashion step ${p.step}: accuracy ${heldOutAccuracy.toFixed(4)} on the ${heldOut.labels.length} held-out training pictures, ${seconds(p.elapsedMs)} so far (checkpoint ${checkpoint})`);
    },
  });
  // The shipped weights are the running average of the last stretch of training (FASHION_TRAINING.average).
  const shipped = averaged ?? model;
  write("fashion.bin", saveState(shipped.params));
  if (averaged) console.log(`  held-out accuracy of the averaged weights ${evaluateFashion(averaged, heldOut).accuracy.toFixed(4)}, of the last step's ${evaluateFashion(model, heldOut).accuracy.toFixed(4)}`);
  const scores = evaluateFashion(shipped, test, { mirror: true });
  const accuracy = scores.accuracy, singleView = scores.singleView!.accuracy;
  console.log(`  trained in ${seconds(result.elapsedMs)}; test accuracy ${accuracy.toFixed(4)} on all 10,000 test pictures, each with its mirror image (${singleView.toFixed(4)} from the pictures alone)`);
  summary.fashion = { accuracy, singleView };
}

console.log(JSON.stringify(summary));
