/**
 * The chapters are tested by running them: every chapter is read through the
 * build's own remark step and run once on one engine in a build worker; only
 * `expect-error` cells may (and must) throw; every exercise fails its check
 * with the starting code, and substituting the solutions one after another
 * (rerunning only each exercise cell and the cells downstream of it) fixes
 * more checks each time until all pass; and every chapter (not the splash home
 * page) has enough library cells and plots to be a chapter of this course.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { CellResult } from "../../src/notebook/host/node-runner";
import type { PlotSpec } from "../../src/notebook/protocol";
import { upstreamClosures } from "../../src/notebook/build/prerender";
import { readChapterCells } from "./read-chapter";
import { EngineSession } from "./engine-session";

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

const checks = (results: Iterable<CellResult>) => [...results].flatMap((r) => r.outputs.flatMap((o) => (o.kind === "check" ? [o] : [])));
const failedChecks = (results: Iterable<CellResult>) => checks(results).filter((c) => !c.passed);

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

  describe(`chapter ${name}`, async () => {
    const cells = await readChapterCells(file, source, docsDir, publicDir);
    const runnable = cells.filter((c) => c.kind === "cell");
    const exercises = runnable.filter((c) => c.options.exercise);
    let session: EngineSession | undefined;
    /** The latest result of every cell: the first full run, then updated by each rerun. */
    let latest: Promise<Map<string, CellResult>> | undefined;
    const runOnce = () =>
      (latest ??= (async () => {
        session = new EngineSession(cells, { chapter: name, publicDir });
        return new Map(await session.runAll());
      })());
    afterAll(() => session?.close());

    it("runs every cell; only expect-error cells throw, and they do", async () => {
      const results = await runOnce();
      for (const cell of runnable) {
        const result = results.get(cell.id);
        const where = `${name}:${cell.line} (cell ${cell.id})`;
        if (cell.options.norun) continue;
        expect(result, `${where} did not run`).toBeDefined();
        if (cell.options.expectError) {
          expect(result!.error, `${where} is marked expect-error but did not throw`).toBeDefined();
        } else {
          expect(result!.error, `${where} threw: ${result!.error?.name}: ${result!.error?.message} (line ${result!.error?.line})`).toBeUndefined();
          expect(result!.skipped, `${where} was skipped`).toBeFalsy();
        }
      }
    });

    if (!isHomePage) {
      it("has at least 3 cells that use the library and at least 2 plots", async () => {
        const libraryCells = runnable.filter((c) => /from\s+["']transformer["']/.test(c.code));
        expect(libraryCells.length, "cells importing from \"transformer\"").toBeGreaterThanOrEqual(3);
        // A row of charts counts as each of its charts.
        const charts = (plot: PlotSpec): number => (plot.mark === "row" ? plot.plots.reduce((n, p) => n + charts(p), 0) : 1);
        const plots = [...(await runOnce()).values()].flatMap((r) => r.outputs.flatMap((o) => (o.kind === "plot" ? [charts(o.plot)] : [])));
        expect(plots.reduce((a, b) => a + b, 0), "charts drawn").toBeGreaterThanOrEqual(2);
      });
    }

    if (exercises.length > 0) {
      it("each exercise has a solution; the starting code fails a check, and each solution substituted fixes more until all pass", async () => {
        const solutions = new Map(cells.filter((c) => c.kind === "solution").map((c) => [c.options.solutionFor!, c.code]));
        for (const exercise of exercises) expect(solutions.has(exercise.id), `exercise ${exercise.id} has no solution fence`).toBe(true);
        // Runs after the tests above, which read the starting run: the reruns below change `latest`.
        const results = await runOnce();
        let failing = failedChecks(results.values()).length;
        expect(failing, "with the starting code, some check should fail").toBeGreaterThan(0);
        const upstream = upstreamClosures(runnable);
        for (const exercise of exercises) {
          session!.update(exercise.id, solutions.get(exercise.id)!);
          const rerun = await session!.run([exercise.id]);
          // Only the exercise and the cells that read its names, directly or not, run again.
          const downstream = runnable.filter((c) => c.id === exercise.id || upstream.get(c.id)!.some((u) => u.id === exercise.id)).map((c) => c.id);
          expect([...rerun.keys()].filter((id) => !downstream.includes(id)), `cells rerun for ${exercise.id} that do not depend on it`).toEqual([]);
          for (const [id, result] of rerun) results.set(id, result);
          const now = failedChecks(results.values()).length;
          expect(now, `substituting the solution of ${exercise.id} should fix at least one check`).toBeLessThan(failing);
          failing = now;
        }
        const errors = [...results.values()].filter((r) => r.error && !runnable.find((c) => c.id === r.id)?.options.expectError);
        expect(errors.map((r) => `${r.id}: ${r.error!.message}`)).toEqual([]);
        expect(checks(results.values()).length).toBeGreaterThan(0);
        expect(failedChecks(results.values()), "with the solutions substituted, every check should pass").toEqual([]);
      });
    }
  });
}
