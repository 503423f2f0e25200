/**
 * The chapters are tested by running them: every cell of every chapter runs
 * with the build's runtime; only `expect-error` cells may (and must) throw;
 * every exercise fails its check with the starting code and passes with the
 * solution; and every chapter (not the splash home page) has enough library
 * cells and plots to be a chapter of this course (issue 4).
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { extractCells, type CellDefinition } from "../../src/notebook/cells";
import { runCellsInNode, type CellResult } from "../../src/notebook/node-runner";
import type { PlotSpec } from "../../src/notebook/protocol";

const root = fileURLToPath(new URL("../../", import.meta.url));
const docsDir = join(root, "src/content/docs");
const publicDir = join(root, "public");

function mdxFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? mdxFiles(path) : name.endsWith(".mdx") ? [path] : [];
  });
}

function frontmatter(source: string): string {
  return /^---\r?\n([\s\S]*?)\r?\n---/.exec(source)?.[1] ?? "";
}

const checks = (results: CellResult[]) => results.flatMap((r) => r.outputs.flatMap((o) => (o.kind === "check" ? [o] : [])));
const failedChecks = (results: CellResult[]) => checks(results).filter((c) => !c.passed);

/** The chapter's cells with the given exercises' code replaced by their solutions. */
function withSolutions(cells: CellDefinition[], exerciseIds: string[]): CellDefinition[] {
  const solutions = new Map(cells.filter((c) => c.kind === "solution").map((c) => [c.options.solutionFor!, c.code]));
  return cells.map((c) => (exerciseIds.includes(c.id) ? { ...c, code: solutions.get(c.id)! } : c));
}

const files = mdxFiles(docsDir).sort();

it("finds the chapters to test", () => {
  // No docs folder is allowed early in a project; an existing folder without chapters means a wrong path here.
  if (existsSync(docsDir)) expect(files.length).toBeGreaterThan(0);
  else expect(files).toEqual([]);
});

for (const file of files) {
  const name = relative(docsDir, file);
  const source = readFileSync(file, "utf8");
  const isHomePage = /^template:\s*splash\s*$/m.test(frontmatter(source));
  const cells = extractCells(source, name);
  const runnable = cells.filter((c) => c.kind === "cell");
  const exercises = runnable.filter((c) => c.options.exercise);

  describe(`chapter ${name}`, () => {
    let starting: Promise<CellResult[]> | undefined;
    const run = () => (starting ??= runCellsInNode(cells, { chapter: name, publicDir }));

    it("runs every cell; only expect-error cells throw, and they do", async () => {
      const results = await run();
      for (const [i, result] of results.entries()) {
        const cell = runnable[i];
        const where = `${name}:${cell.line} (cell ${cell.id})`;
        if (cell.options.norun) continue;
        if (cell.options.expectError) {
          expect(result.error, `${where} is marked expect-error but did not throw`).toBeDefined();
        } else {
          expect(result.error, `${where} threw: ${result.error?.name}: ${result.error?.message} (line ${result.error?.line})`).toBeUndefined();
          expect(result.skipped, `${where} was skipped`).toBeFalsy();
        }
      }
    });

    if (exercises.length > 0) {
      it("each exercise has a solution; the starting code fails a check and the solutions pass them all", async () => {
        for (const exercise of exercises) {
          expect(cells.some((c) => c.kind === "solution" && c.options.solutionFor === exercise.id), `exercise ${exercise.id} has no solution fence`).toBe(true);
        }
        const before = await run();
        expect(failedChecks(before).length, "with the starting code, some check should fail").toBeGreaterThan(0);
        const solved = await runCellsInNode(withSolutions(cells, exercises.map((e) => e.id)), { chapter: name, publicDir });
        expect(solved.filter((r) => r.error && !runnable.find((c) => c.id === r.id)?.options.expectError)).toEqual([]);
        expect(checks(solved).length).toBeGreaterThan(0);
        expect(failedChecks(solved), "with the solutions substituted, every check should pass").toEqual([]);
        if (exercises.length > 1) {
          for (const exercise of exercises) {
            const one = await runCellsInNode(withSolutions(cells, [exercise.id]), { chapter: name, publicDir });
            expect(failedChecks(one).length, `solving ${exercise.id} alone should fix at least one check`).toBeLessThan(failedChecks(before).length);
          }
        }
      });
    }

    if (!isHomePage) {
      it("has at least 3 cells that use the library and at least 2 plots", async () => {
        const libraryCells = runnable.filter((c) => /from\s+["']transformer["']/.test(c.code));
        expect(libraryCells.length, "cells importing from \"transformer\"").toBeGreaterThanOrEqual(3);
        // A row of charts counts as each of its charts.
        const charts = (plot: PlotSpec): number => (plot.mark === "row" ? plot.plots.reduce((n, p) => n + charts(p), 0) : 1);
        const plots = (await run()).flatMap((r) => r.outputs.flatMap((o) => (o.kind === "plot" ? [charts(o.plot)] : [])));
        expect(plots.reduce((a, b) => a + b, 0), "charts drawn").toBeGreaterThanOrEqual(2);
      });
    }
  });
}
