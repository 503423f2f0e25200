/**
 * Exercises that diagnose: for every exercise, the solution passes its check,
 * and every likely wrong answer in the table below fails it with its own
 * message (one that names the mistake, not a distance). Each case runs the
 * chapter's cells up to the exercise's check with the exercise's code replaced.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { extractCells, type CellDefinition } from "../../src/notebook/cells";
import { runCellsInNode } from "../../src/notebook/node-runner";

const root = fileURLToPath(new URL("../../", import.meta.url));
const publicDir = join(root, "public");

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
}

const exercises: ExerciseCase[] = [
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

/** The chapter's cells up to the exercise's check, with the exercise's code replaced by `code`. */
function cellsWith(cells: CellDefinition[], exercise: string, code: string): CellDefinition[] {
  const runnable = cells.filter((c) => c.kind === "cell");
  const end = runnable.findIndex((c) => c.id === `${exercise}-check`);
  if (end < 0) throw new Error(`no check cell "${exercise}-check"`);
  return runnable.slice(0, end + 1).map((c) => (c.id === exercise ? { ...c, code } : c));
}

async function verdicts(chapter: string, cells: CellDefinition[], exercise: string) {
  const results = await runCellsInNode(cells, { chapter, publicDir });
  const check = results.find((r) => r.id === `${exercise}-check`)!;
  const errors = results.filter((r) => r.error).map((r) => `${r.id}: ${r.error!.message}`);
  return { errors, checks: check.outputs.flatMap((o) => (o.kind === "check" ? [o] : [])) };
}

for (const { chapter, exercise, wrong } of exercises) {
  describe(`${chapter} ${exercise}`, () => {
    const cells = extractCells(readFileSync(join(root, "src/content/docs", chapter), "utf8"), chapter);
    const solution = cells.find((c) => c.kind === "solution" && c.options.solutionFor === exercise)!;

    it("the solution passes every check", async () => {
      const { errors, checks } = await verdicts(chapter, cellsWith(cells, exercise, solution.code), exercise);
      expect(errors).toEqual([]);
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.filter((c) => !c.passed)).toEqual([]);
    });

    it("each wrong answer fails with its own message", async () => {
      const messages: string[] = [];
      for (const { code, says } of wrong) {
        const { errors, checks } = await verdicts(chapter, cellsWith(cells, exercise, code), exercise);
        expect(errors, code).toEqual([]);
        const failed = checks.filter((c) => !c.passed).map((c) => c.message).join(" | ");
        expect(failed, `wrong answer:\n${code}`).toMatch(says);
        messages.push(failed);
      }
      expect(new Set(messages).size, "two wrong answers got the same message").toBe(messages.length);
    }, 120_000);
  });
}
