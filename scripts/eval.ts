/**
 * `npm run eval -- --seed N`: loads the shipped weights from `public/models`,
 * draws a fresh held-out set from seed N, evaluates all three models and
 * prints, as its last line, one JSON object:
 * `{"vit":{"accuracy":A,"objectAttentionRatio":R},"charLM":{"valLoss":L,"unigramLoss":U},"seq2seq":{"exactMatch":E,"alignment":G},"fashion":{"accuracy":F,"singleView":S}}`.
 * The Fashion-MNIST ViT is scored on all 10,000 pictures of the committed
 * test set (`public/data/fashion`), whatever the seed: F as the chapter
 * classifies, each picture with its mirror image (`evaluateFashion(..., { mirror: true })`),
 * S from the pictures alone.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadFashion } from "../src/lib/data/fashion";
import {
  evaluateCharLM, evaluateFashion, evaluateSeq2Seq, evaluateVit, loadCharLM, loadFashionVit, loadSeq2Seq, loadVit,
} from "../src/lib/recipes/index";

const args = process.argv.slice(2);
const seedAt = args.indexOf("--seed");
const seed = seedAt === -1 ? 1 : Number(args[seedAt + 1]);
if (!Number.isInteger(seed)) {
  console.error(`eval: --seed needs a whole number, got "${args[seedAt + 1]}"`);
  process.exit(1);
}

const fromPublic = (path: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../public/${path}`, import.meta.url))));
const load = (file: string) => fromPublic(`models/${file}`);
const start = performance.now();
const vit = evaluateVit(loadVit(load("vit.bin")), { seed });
const charLM = evaluateCharLM(loadCharLM(load("char-lm.bin")), { seed });
const seq2seq = evaluateSeq2Seq(loadSeq2Seq(load("seq2seq.bin")), { seed });
const test = await loadFashion(async (path) => fromPublic(path), { split: "test" });
const fashionVit = loadFashionVit(load("fashion.bin"));
// The chapter's classifier looks at each picture and its mirror image; `singleView` is the pictures alone.
const fashionScores = evaluateFashion(fashionVit, test, { mirror: true });
const fashion = { accuracy: fashionScores.accuracy, singleView: fashionScores.singleView!.accuracy };
console.log(`held-out seed ${seed}, evaluated in ${((performance.now() - start) / 1000).toFixed(1)} s`);
console.log(JSON.stringify({ vit, charLM, seq2seq, fashion }));
