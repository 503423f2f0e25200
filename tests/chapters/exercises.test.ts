/**
 * Exercises that diagnose: for every exercise, the solution passes its check,
 * and every likely wrong answer in the table below fails it with its own
 * message (one that names the mistake, not a distance). Each case runs the
 * chapter's cells up to the exercise's check once, then swaps in each answer
 * and reruns the exercise (its check reruns with it).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { CellDefinition } from "../../src/notebook/compile/cells";
import { readChapterCells } from "./read-chapter";
import { Engine } from "../../src/notebook/engine/engine";
import type { WorkerToPage } from "../../src/notebook/protocol";
import * as library from "../../src/lib/index";

const root = fileURLToPath(new URL("../../", import.meta.url));
const publicDir = join(root, "public");
const docsDir = join(root, "src/content/docs");
/** Every chapter's cells, read the way the build reads them. */
const chapterCells = new Map<string, CellDefinition[]>(
  await Promise.all(
    readdirSync(docsDir)
      .filter((f) => f.endsWith(".mdx"))
      .map(async (f): Promise<[string, CellDefinition[]]> => [f, await readChapterCells(join(docsDir, f), readFileSync(join(docsDir, f), "utf8"), docsDir, publicDir)]),
  ),
);

interface WrongAnswer {
  /** What the reader wrote instead of the solution (the whole exercise cell). */
  code: string;
  /** What the check must say about it. */
  says: RegExp;
}

interface ExerciseCase {
  chapter: string;
  exercise: string;
  wrong: WrongAnswer[];
  /** Other correct answers (a reader's own way) that must pass too. */
  alsoRight?: string[];
}

const softmaxHead = `import { Tensor, exp, div, sum, sub, max, mean, log, add } from "transformer";\nfunction stableSoftmax(x: Tensor): Tensor {\n`;

const scoresHead = `import { Tensor, matmul, transpose, div, mul } from "transformer";\nfunction scaledScores(q: Tensor, k: Tensor): Tensor {\n`;

const shape = (dims: string) => `const crossWeightShape = [${dims}];`;

const headsHead = `import { Tensor, reshape, permute } from "transformer";\nfunction toHeads(t: Tensor, h: number): Tensor {\n  const [n, width] = t.shape;\n`;

const predicted = (tokens: number, numbersPerToken: number, scores: number) =>
  `const predicted = { tokens: ${tokens}, numbersPerToken: ${numbersPerToken}, scores: ${scores} };`;
const reach = (positions: string) => `const predictedReach = [${positions}];`;

const shift = (body: string) => `function decoderInput(target: number[], bosId: number): number[] {\n  return ${body};\n}`;

const causal = (rule: string) => `import { Tensor, tensor } from "transformer";
function myCausalMask(n: number): Tensor {
  return tensor(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (${rule} ? 1 : 0))));
}`;

const band = (body: string) => `import { zeros, Tensor } from "transformer";
function bandedConvMatrix(n: number, k: number[]): Tensor {
  const m = zeros([n, n]);
  for (let i = 0; i < n; i++) {
${body}
  }
  return m;
}`;

const entropy = (body: string) => `import { Tensor, logSoftmax } from "transformer";
function crossEntropyByHand(logits: Tensor, targets: number[]): number {
  const logProbs = logSoftmax(logits, -1);
  const classes = logits.shape[1];
  let total = 0;
${body}
}`;

const delta = (body: string) => `import { Tensor, tensor } from "transformer";
function deltaFor(i: number, weights: Tensor, values: Tensor): Tensor {
  const [n, d] = values.shape;
  const total = new Array(d).fill(0);
${body}
  return tensor(total);
}`;

const leaky = (step: string) => `import { add, concat, matmul, mul, slice, tanh, zeros, Tensor } from "transformer";
function leakyRnn(x: Tensor, W: Tensor, U: Tensor, alpha: number): Tensor {
  let h = zeros([1, U.shape[0]]);
  const states: Tensor[] = [];
  for (let t = 0; t < x.shape[0]; t++) {
    const xt = slice(x, 0, t, t + 1);
${step}
    states.push(h);
  }
  return concat(states, 0);
}`;
const shapes = (patches: string, tokens: string, headQuery: string, weights: string, mlpHidden: string) =>
  `const predicted = { patches: [${patches}], tokens: [${tokens}], headQuery: [${headQuery}], weights: [${weights}], mlpHidden: [${mlpHidden}] };`;

const loops = (pixel: string, rowsFor: string) => `import { Tensor, tensor } from "transformer";
function patchifyGray(gray: Tensor, p: number): Tensor {
  const [h, w] = gray.shape;
  const rows: number[][] = [];
  for (let r = 0; r < ${rowsFor}; r++) {
    for (let c = 0; c < w / p; c++) {
      const patch = new Array<number>(p * p).fill(0);
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) patch[i * p + j] = ${pixel};
      rows.push(patch);
    }
  }
  return tensor(rows);
}`;

const exercises: ExerciseCase[] = [
  {
    chapter: "how-to-use.mdx",
    exercise: "row-sums",
    wrong: [
      { says: /column sums/, code: `import { Tensor } from "transformer";\nfunction rowSums(m: Tensor): number[] {\n  const rows = m.toArray() as number[][];\n  return rows[0].map((_, j) => rows.reduce((t, r) => t + r[j], 0));\n}` },
      { says: /expected .* but got \./, code: `import { Tensor } from "transformer";\nfunction rowSums(m: Tensor): number[] {\n  return [];\n}` },
    ],
  },
  {
    chapter: "patches.mdx",
    exercise: "ex-loops",
    wrong: [
      // pixels listed column by column
      { says: /values differ/, code: loops("gray.data[(r * p + j) * w + (c * p + i)]", "h / p") },
      { says: /one row per patch/, code: loops("gray.data[(r * p + i) * w + (c * p + j)]", "h / p / 2") },
    ],
  },
  {
    chapter: "parallelism.mdx",
    exercise: "ex-leaky-rnn",
    wrong: [
      { says: /is h updated inside the loop/, code: leaky("") },
      { says: /are swapped/, code: leaky("    const candidate = tanh(add(matmul(xt, W), matmul(h, U)));\n    h = add(mul(h, alpha), mul(candidate, 1 - alpha));") },
      { says: /blend looks wrong/, code: leaky("    const candidate = tanh(add(matmul(xt, W), matmul(h, U)));\n    h = add(mul(h, 1 - alpha), candidate);") },
    ],
  },
  {
    chapter: "summary.mdx",
    exercise: "ex-predict-shapes",
    wrong: [
      { says: /tokens is not \[64, 96\]/, code: shapes("64, 192", "64, 96", "65, 16", "6, 65, 65", "65, 384") },
      { says: /headQuery is not \[65, 96\]/, code: shapes("64, 192", "65, 96", "65, 96", "6, 65, 65", "65, 384") },
    ],
  },
  {
    chapter: "weighted-values.mdx",
    exercise: "ex-delta-row",
    wrong: [
      { says: /Every row is still 0/, code: delta("") },
      { says: /weights\[j, i\]/, code: delta("  for (let j = 0; j < n; j++) for (let c = 0; c < d; c++) total[c] += weights.data[j * n + i] * values.data[j * d + c];") },
      { says: /got weight 1/, code: delta("  for (let j = 0; j < n; j++) for (let c = 0; c < d; c++) total[c] += values.data[j * d + c];") },
    ],
  },
  {
    chapter: "class-token.mdx",
    exercise: "ex-cross-entropy",
    wrong: [
      { says: /Nothing is added up yet/, code: entropy("  return total / targets.length;") },
      { says: /sign is flipped/, code: entropy("  targets.forEach((y, i) => { total += logProbs.data[i * classes + y]; });\n  return total / targets.length;") },
      { says: /their mean/, code: entropy("  targets.forEach((y, i) => { total -= logProbs.data[i * classes + y]; });\n  return total;") },
      { says: /largest log-probability/, code: entropy("  targets.forEach((_, i) => { total -= Math.max(...logProbs.data.slice(i * classes, (i + 1) * classes)); });\n  return total / targets.length;") },
      { says: /every class of every row/, code: entropy("  for (const v of logProbs.data) total -= v;\n  return total / logProbs.data.length;") },
    ],
  },
  {
    chapter: "message-passing.mdx",
    exercise: "ex-conv-matrix",
    wrong: [
      { says: /mirrored/, code: band("    if (i > 0) m.data[i * n + i - 1] = k[2];\n    m.data[i * n + i] = k[1];\n    if (i < n - 1) m.data[i * n + i + 1] = k[0];") },
      { says: /columns i − 1, i, i \+ 1, and nothing past the ends/, code: band("    m.data[i * n + i] = k[1];") },
    ],
  },
  {
    chapter: "language-modelling.mdx",
    exercise: "ex-mask",
    wrong: [
      { says: /as in an\s+encoder/, code: causal("true") },
      { says: /not j < i/, code: causal("j < i") },
      { says: /keeps the future/, code: causal("j >= i") },
      { says: /opposite mask/, code: causal("j > i") },
    ],
  },
  {
    chapter: "encoder-decoder.mdx",
    exercise: "ex-shift",
    wrong: [
      { says: /the target itself/, code: shift("target.slice()") },
      { says: /One token too long/, code: shift("[bosId, ...target]") },
      { says: /<bos> is missing/, code: shift("target.slice(0, -1)") },
      { says: /not at the end/, code: shift("[...target.slice(0, -1), bosId]") },
      { says: /first word is dropped/, code: shift("[bosId, ...target.slice(1)]") },
    ],
  },
  {
    chapter: "patches.mdx",
    exercise: "ex-count",
    wrong: [
      { says: /one row of the grid/, code: predicted(8, 48, 4096) },
      { says: /grows four times, not two/, code: predicted(32, 48, 4096) },
      { says: /counts one channel/, code: predicted(64, 16, 4096) },
      { says: /quarters the pixels/, code: predicted(64, 96, 4096) },
      { says: /not one per token/, code: predicted(64, 48, 64) },
      { says: /sixteen times/, code: predicted(64, 48, 1024) },
    ],
  },
  {
    chapter: "context-window.mdx",
    exercise: "ex-local-mask",
    alsoRight: [reach("6, 5, 4, 3, 2, 1, 0")],
    wrong: [
      { says: /Write your prediction/, code: reach("") },
      { says: /after one layer/, code: reach("0, 1, 2") },
      { says: /after two layers/, code: reach("0, 1, 2, 3, 4") },
      { says: /2w \+ 1 = 5 new positions/, code: reach("0, 1, 2, 3, 4, 5, 6, 7, 8") },
      { says: /nothing to the left/, code: reach("-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6") },
    ],
  },
  {
    chapter: "multi-head.mdx",
    exercise: "ex-split-heads",
    wrong: [
      { says: /plain reshape/, code: `${headsHead}  return reshape(t, [h, n, width / h]);\n}` },
      { says: /every h-th column/, code: `${headsHead}  return permute(reshape(t, [n, width / h, h]), [2, 0, 1]);\n}` },
      { says: /still has to move to the front/, code: `${headsHead}  return reshape(t, [n, h, width / h]);\n}` },
      { says: /has shape \[4, 4, 16\]/, code: `${headsHead}  return permute(reshape(t, [n, h, width / h]), [1, 2, 0]);\n}` },
    ],
  },
  {
    chapter: "encoder-decoder.mdx",
    exercise: "ex-shape",
    wrong: [
      { says: /T and S are swapped/, code: shape("8, 4, 12, 9") },
      { says: /heads axis and T are swapped/, code: shape("8, 9, 4, 12") },
      { says: /B and heads are swapped/, code: shape("4, 8, 9, 12") },
      { says: /heads axis is missing/, code: shape("8, 9, 12") },
      { says: /decoder's self-attention/, code: shape("8, 4, 9, 9") },
      { says: /encoder's self-attention/, code: shape("8, 4, 12, 12") },
      { says: /four axes/, code: shape("8, 4, 9, 12, 1") },
    ],
  },
  {
    chapter: "query-key-value.mdx",
    exercise: "ex-scores",
    alsoRight: [`${scoresHead}  return matmul(div(q, Math.sqrt(q.shape[1])), transpose(k));\n}`],
    wrong: [
      { says: /raw dot products/, code: `${scoresHead}  return matmul(q, transpose(k));\n}` },
      { says: /divided by d_k = 16/, code: `${scoresHead}  return div(matmul(q, transpose(k)), k.shape[1]);\n}` },
      { says: /embedding width/, code: `${scoresHead}  return div(matmul(q, transpose(k)), Math.sqrt(32));\n}` },
      { says: /multiplied/, code: `${scoresHead}  return mul(matmul(q, transpose(k)), Math.sqrt(k.shape[1]));\n}` },
      { says: /K Qᵀ/, code: `${scoresHead}  return div(matmul(k, transpose(q)), 4);\n}` },
      { says: /Qᵀ K, which pairs up dimensions/, code: `${scoresHead}  return div(matmul(transpose(q), k), 4);\n}` },
    ],
  },
  {
    chapter: "softmax.mdx",
    exercise: "ex-softmax",
    alsoRight: [
      // log-sum-exp: exp(x − logΣexp x), exact only to float32's resolution near 1000
      `${softmaxHead}  const m = max(x, -1, true);\n  const lse = add(m, log(sum(exp(sub(x, m)), -1, true)));\n  return exp(sub(x, lse));\n}`,
    ],
    wrong: [
      { says: /Rows 1 and 2 are NaN/, code: `${softmaxHead}  const e = exp(x);\n  return div(e, sum(e, -1, true));\n}` },
      { says: /one maximum for the\s+whole matrix/, code: `${softmaxHead}  const e = exp(sub(x, max(x)));\n  return div(e, sum(e, -1, true));\n}` },
      { says: /Row 1 .* overflowed/, code: `${softmaxHead}  const e = exp(sub(x, mean(x, -1, true)));\n  return div(e, sum(e, -1, true));\n}` },
      { says: /not divided by their row's\s+sum/, code: `${softmaxHead}  return exp(sub(x, max(x, -1, true)));\n}` },
      { says: /sum of the whole matrix/, code: `${softmaxHead}  const e = exp(sub(x, max(x, -1, true)));\n  return div(e, sum(e));\n}` },
      { says: /columns add up to 1/, code: `${softmaxHead}  const e = exp(sub(x, max(x, 0, true)));\n  return div(e, sum(e, 0, true));\n}` },
    ],
  },
  {
    chapter: "vision-transformer.mdx",
    exercise: "ex-block",
    wrong: [
      {
        says: /post-norm/,
        code: `import { Tensor, multiHeadAttention, mlp, layerNorm, add } from "transformer";
function preNormBlock(x: Tensor, p: BlockParts, heads: number): Tensor {
  const h = layerNorm(add(x, multiHeadAttention(x, p.attn, { heads }).output), p.ln1.gamma, p.ln1.beta);
  return layerNorm(add(h, mlp(h, p.mlp)), p.ln2.gamma, p.ln2.beta);
}`,
      },
      {
        says: /Both LayerNorms and both residual additions are missing/,
        code: `import { Tensor, multiHeadAttention, mlp } from "transformer";
function preNormBlock(x: Tensor, p: BlockParts, heads: number): Tensor {
  return mlp(multiHeadAttention(x, p.attn, { heads }).output, p.mlp);
}`,
      },
      {
        says: /residual additions are missing/,
        code: `import { Tensor, multiHeadAttention, mlp, layerNorm } from "transformer";
function preNormBlock(x: Tensor, p: BlockParts, heads: number): Tensor {
  const h = multiHeadAttention(layerNorm(x, p.ln1.gamma, p.ln1.beta), p.attn, { heads }).output;
  return mlp(layerNorm(h, p.ln2.gamma, p.ln2.beta), p.mlp);
}`,
      },
      {
        says: /LayerNorms are missing/,
        code: `import { Tensor, multiHeadAttention, mlp, add } from "transformer";
function preNormBlock(x: Tensor, p: BlockParts, heads: number): Tensor {
  const h = add(x, multiHeadAttention(x, p.attn, { heads }).output);
  return add(h, mlp(h, p.mlp));
}`,
      },
      {
        says: /adds to x instead of h/,
        code: `import { Tensor, multiHeadAttention, mlp, layerNorm, add } from "transformer";
function preNormBlock(x: Tensor, p: BlockParts, heads: number): Tensor {
  const h = add(x, multiHeadAttention(layerNorm(x, p.ln1.gamma, p.ln1.beta), p.attn, { heads }).output);
  return add(x, mlp(layerNorm(h, p.ln2.gamma, p.ln2.beta), p.mlp));
}`,
      },
      {
        says: /reads LN\(x\) instead of LN\(h\)/,
        code: `import { Tensor, multiHeadAttention, mlp, layerNorm, add } from "transformer";
function preNormBlock(x: Tensor, p: BlockParts, heads: number): Tensor {
  const h = add(x, multiHeadAttention(layerNorm(x, p.ln1.gamma, p.ln1.beta), p.attn, { heads }).output);
  return add(h, mlp(layerNorm(x, p.ln2.gamma, p.ln2.beta), p.mlp));
}`,
      },
    ],
  },
];

it("every exercise of every chapter has a row in the table", () => {
  const listed = new Set(exercises.map((e) => `${e.chapter} ${e.exercise}`));
  const all = [...chapterCells].flatMap(([chapter, cells]) =>
    cells
      .filter((c) => c.kind === "cell" && c.options.exercise)
      .map((c) => `${chapter} ${c.id}`));
  expect(all.filter((e) => !listed.has(e))).toEqual([]);
});

/** A notebook over the chapter's cells up to the exercise's check, run once; `attempt` swaps the exercise's code. */
async function chapterUpTo(chapter: string, cells: CellDefinition[], exercise: string) {
  const runnable = cells.filter((c) => c.kind === "cell");
  const end = runnable.findIndex((c) => c.id === `${exercise}-check`);
  if (end < 0) throw new Error(`no check cell "${exercise}-check"`);
  const messages: WorkerToPage[] = [];
  const nb = new Engine({
    modules: { transformer: library },
    send: (m) => messages.push(m),
    assetBase: "/",
    loadBytes: async (path) => new Uint8Array(readFileSync(join(publicDir, path))),
  });
  nb.setCells(runnable.slice(0, end + 1).map((c) => ({ id: c.id, code: c.code, ...(c.options.norun ? { norun: true } : {}) })));
  let runId = 1;
  await nb.runAll(runId);
  const meantToThrow = new Set(runnable.filter((c) => c.options.expectError).map((c) => c.id));
  const errorsBefore = messages.filter((m) => m.type === "cellError" && !meantToThrow.has(m.cellId));
  if (errorsBefore.length) throw new Error(`${chapter}: ${JSON.stringify(errorsBefore)}`);
  return async (code: string) => {
    runId++;
    nb.update({ id: exercise, code });
    await nb.run([exercise], runId);
    const ofRun = messages.filter((m) => m.type !== "ready" && "runId" in m && m.runId === runId);
    const errors = ofRun.flatMap((m) => (m.type === "cellError" && !meantToThrow.has(m.cellId) ? [`${m.cellId}: ${m.error.message}`] : []));
    const checks = ofRun.flatMap((m) => (m.type === "output" && m.cellId === `${exercise}-check` && m.output.kind === "check" ? [m.output] : []));
    return { errors, checks };
  };
}

for (const { chapter, exercise, wrong, alsoRight } of exercises) {
  describe(`${chapter} ${exercise}`, () => {
    const cells = chapterCells.get(chapter)!;
    const solution = cells.find((c) => c.kind === "solution" && c.options.solutionFor === exercise)!;
    let attempt: Promise<(code: string) => Promise<{ errors: string[]; checks: { passed: boolean; message: string }[] }>> | undefined;
    const tryCode = async (code: string) => (await (attempt ??= chapterUpTo(chapter, cells, exercise)))(code);

    it("the solution passes every check", async () => {
      const { errors, checks } = await tryCode(solution.code);
      expect(errors).toEqual([]);
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.filter((c) => !c.passed)).toEqual([]);
    }, 120_000);

    for (const [i, code] of (alsoRight ?? []).entries()) {
      it(`another right answer (${i + 1}) passes too`, async () => {
        const { errors, checks } = await tryCode(code);
        expect(errors).toEqual([]);
        expect(checks.filter((c) => !c.passed)).toEqual([]);
      }, 120_000);
    }

    it("each wrong answer fails with its own message", async () => {
      const messages: string[] = [];
      for (const { code, says } of wrong) {
        const { errors, checks } = await tryCode(code);
        expect(errors, code).toEqual([]);
        const failed = checks.filter((c) => !c.passed).map((c) => c.message).join(" | ");
        expect(failed, `wrong answer:\n${code}`).toMatch(says);
        messages.push(failed);
      }
      expect(new Set(messages).size, "two wrong answers got the same message").toBe(messages.length);
    }, 120_000);
  });
}
