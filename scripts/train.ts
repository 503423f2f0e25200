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
 * `fashion` trains on all 60,000 Fashion-MNIST training pictures from Debian's
 * dataset-fashion-mnist package (`/usr/share/datasets/fashion-mnist`, or
 * `--fashion-from DIR`); it is much longer than the others (FASHION_TRAINING
 * in the recipe, with the time it took) and reports the accuracy on the first
 * 1,000 test pictures every 1,000 steps.
 *
 * The shipped weights were trained on the TypeScript kernels, and this script
 * uses them unless told otherwise, whatever the library would pick: the
 * WebAssembly kernels sum in float32 (and fuse multiply-adds where relaxed
 * SIMD has them), so their numbers differ in the last bits, training follows
 * a slightly different path and the files would not come out byte for byte.
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

/** The kernel set the shipped weights were trained with. */
const SHIPPED_KERNELS = "typescript";
setKernels(process.argv.find((a) => a.startsWith("--kernels="))?.slice("--kernels=".length) ?? SHIPPED_KERNELS);
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
  console.log("ViT on Fashion-MNIST (all 60,000 training pictures)");
  const data = fashionFromIdx(readOriginal(fashionDir, "train-images-idx3-ubyte.gz"), readOriginal(fashionDir, "train-labels-idx1-ubyte.gz"));
  // The committed test set, read from public/ as the site reads it.
  const publicDir = fileURLToPath(new URL("../public/", import.meta.url));
  const test = await loadFashion(async (path) => new Uint8Array(readFileSync(publicDir + path)), { split: "test" });
  const probe = fashionSlice(test, 0, 1000);
  const model = new ViT(FASHION_CONFIG, { seed: TRAIN_SEED });
  const checkpoint = `${tmpdir()}/fashion-checkpoint.bin`;
  const printer = (p: TrainProgress) => {
    if (p.step % 50 === 0) console.log(`  fashion step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} batch accuracy ${p.metrics.accuracy.toFixed(3)} (${p.stepsPerSecond.toFixed(2)} steps/s)`);
  };
  const { result } = await trainFashion(data, {
    seed: TRAIN_SEED,
    model,
    onProgress: (p) => {
      printer(p);
      if (p.step % 1000 !== 0) return;
      writeFileSync(checkpoint, saveState(model.params));
      const probeAccuracy = evaluateFashion(model, probe).accuracy;
      console.log(`  fashion step ${p.step}: accuracy ${probeAccuracy.toFixed(4)} on test pictures 0-999, ${seconds(p.elapsedMs)} so far (checkpoint ${checkpoint})`);
    },
  });
  write("fashion.bin", saveState(model.params));
  const { accuracy } = evaluateFashion(model, test);
  console.log(`  trained in ${seconds(result.elapsedMs)}; test accuracy ${accuracy.toFixed(4)} on all 10,000 test pictures`);
  summary.fashion = { accuracy };
}

console.log(JSON.stringify(summary));
