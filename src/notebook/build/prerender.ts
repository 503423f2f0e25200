/**
 * Pre-renders a chapter at build time: each cell's output comes from the
 * cache when its key is unchanged (cache.ts); the cells that changed, the
 * cells downstream of them and the cells they share names with (to rebuild
 * the scope) run in a worker from the pool (pool.ts), with limits in CPU time
 * (cpu-clock.ts). A cell that throws, or runs past its limit, fails the build
 * with `chapter X, cell Y, line L: message`, L being the line in the MDX file.
 */
import { fileURLToPath } from "node:url";
import type { CellDefinition } from "../compile/cells.ts";
import { CellGraph } from "../engine/graph.ts";
import { runCellsInNode, type CellResult } from "../host/node-runner.ts";
import type { Output } from "../protocol.ts";
import { renderOutputsToHtml } from "../render/html.ts";
import { transpileCell } from "../compile/transpile.ts";
import { cellKey } from "./cache.ts";
import { inBuildThread } from "./build-thread.ts";
import type { BuildContext } from "./context.ts";

/** Outputs to HTML on the build thread: Plot and linkedom are the costly part of a chapter after its cells. */
const renderOnBuildThread = inBuildThread("renderOutputsToHtml", renderOutputsToHtml);

/** The library entry of build workers: the library, plus the thread id the CPU clock needs. */
export const WORKER_LIBRARY = fileURLToPath(new URL("./worker-library.ts", import.meta.url));

export interface ChapterOptions {
  chapter: string;
  publicDir: string;
  /** The site's base path, for `asset(path)` (default "/"). */
  assetBase?: string;
}

/** The build error for a cell. */
export function cellFailure(cell: CellDefinition, message: string, lineInCell?: number): Error {
  const line = cell.line + (lineInCell ?? 1);
  return new Error(`chapter ${cell.chapter}, cell ${cell.id}, line ${line}: ${message}`);
}

/** Runs (or takes from the cache) a chapter's cells; resolves with each runnable cell's output HTML by id. */
export async function prerenderChapter(cells: CellDefinition[], options: ChapterOptions, context: BuildContext): Promise<Map<string, string>> {
  const assetBase = options.assetBase ?? "/";
  const runnable = cells.filter((cell) => cell.kind === "cell");
  const shared = sharedContexts(runnable);
  const runtime = context.runtime();
  const keys = new Map(runnable.map((cell) => [cell.id, cellKey(cell, shared.get(cell.id)!, runtime, assetBase)]));

  const html = new Map<string, string>();
  const toRun = new Set<string>();
  for (const cell of runnable) {
    if (cell.options.norun) continue;
    const hit = context.cache.get(keys.get(cell.id)!);
    if (hit) html.set(cell.id, hit.html);
    else for (const id of [cell.id, ...shared.get(cell.id)!.map((c) => c.id)]) toRun.add(id);
  }
  for (const cell of runnable) if (cell.options.norun) toRun.delete(cell.id);

  const scope = [...toRun].filter((id) => html.has(id)).length;
  const { stats } = context;
  stats.chapters++;
  stats.run += toRun.size;
  stats.scope += scope;
  stats.cached += html.size - scope;

  if (toRun.size > 0) {
    // Cells outside the plan stay in the engine (their names keep the graph whole) but do not run.
    const plan = runnable.map((cell) => (toRun.has(cell.id) ? cell : { ...cell, options: { ...cell.options, norun: true } }));
    const worker = await context.worker();
    const results = await context.pool.run(() =>
      stats.timeRunning(() =>
        runCellsInNode(plan, {
          chapter: options.chapter,
          publicDir: options.publicDir,
          assetBase,
          clock: context.clock,
          workerEntry: worker.entry,
          libraryEntry: worker.libraryEntry,
        }),
      ),
    );
    const byId = new Map(runnable.map((cell) => [cell.id, cell]));
    for (const result of results) {
      if (!toRun.has(result.id)) continue;
      const cell = byId.get(result.id)!;
      checkResult(cell, result);
      const entry = { result, html: await renderOnBuildThread(outputsOf(result)) };
      context.cache.set(keys.get(cell.id)!, entry);
      html.set(cell.id, entry.html);
    }
  }
  for (const cell of runnable) if (!html.has(cell.id)) html.set(cell.id, renderOutputsToHtml([]));
  return html;
}

/** Throws the build error for a cell that failed, or that should have failed and did not. */
function checkResult(cell: CellDefinition, result: CellResult): void {
  if (result.error && !cell.options.expectError) {
    throw cellFailure(cell, `${result.error.name}: ${result.error.message}`, result.error.line);
  }
  if (!result.error && cell.options.expectError && !result.skipped) {
    throw cellFailure(cell, "the cell is marked expect-error but did not throw");
  }
}

/** What a pre-rendered check that fails says (the reader has not tried the exercise yet). */
export const NOT_ATTEMPTED = "Run this check after your attempt: it will say what is right and what to fix.";

/**
 * A result's outputs, with its error shown when the cell did not show it itself.
 * At build time an exercise holds its starting code, so a failing check's
 * diagnosis would only give the answer away: it is replaced by a neutral note.
 */
function outputsOf(result: CellResult): Output[] {
  const outputs: Output[] = result.outputs.map((o) => (o.kind === "check" && !o.passed ? { ...o, message: NOT_ATTEMPTED } : o));
  if (result.error && !outputs.some((output) => output.kind === "error")) outputs.push({ kind: "error", error: result.error });
  return outputs;
}

/** The chapter's dependency graph, as the engine builds it. */
function graphOf(runnable: CellDefinition[]): CellGraph {
  return new CellGraph(
    runnable.map((cell) => {
      try {
        const { declarations, references } = transpileCell(cell.code);
        return { id: cell.id, declarations, references };
      } catch {
        return { id: cell.id, declarations: [], references: [] }; // a syntax error: the run reports it
      }
    }),
  );
}

/** For each cell, the cells it reads names from, directly or through others, in page order. */
export function upstreamClosures(runnable: CellDefinition[]): Map<string, CellDefinition[]> {
  const graph = graphOf(runnable);
  const closures = new Map<string, CellDefinition[]>();
  for (const cell of runnable) {
    // Cells only read from cells above them, so the closures of those are already known.
    const ids = new Set<string>();
    for (const up of graph.upstreamOf(cell.id)) {
      ids.add(up);
      for (const further of closures.get(up)!) ids.add(further.id);
    }
    closures.set(cell.id, runnable.filter((c) => ids.has(c.id)));
  }
  return closures;
}

/**
 * For each cell, the cells above it that are connected to it through names,
 * in page order: the cells it reads from (directly or not) and, beyond the
 * engine's graph, the cells above that read the same names. A cell may change
 * an object in place (train a model, advance a random generator held in a
 * name), so a cell's output can depend on an earlier cell that only shares an
 * input with it. This is what a cell's cache key covers, and what runs again
 * to rebuild its scope.
 */
export function sharedContexts(runnable: CellDefinition[]): Map<string, CellDefinition[]> {
  const graph = graphOf(runnable);
  const neighbours = new Map(runnable.map((cell) => [cell.id, new Set<string>()]));
  const contexts = new Map<string, CellDefinition[]>();
  runnable.forEach((cell, index) => {
    for (const up of graph.upstreamOf(cell.id)) {
      neighbours.get(cell.id)!.add(up);
      neighbours.get(up)!.add(cell.id);
    }
    // Only cells up to this one count: every edge found so far joins two of them.
    const seen = new Set([cell.id]);
    const stack = [cell.id];
    while (stack.length > 0) {
      for (const next of neighbours.get(stack.pop()!)!) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    contexts.set(cell.id, runnable.slice(0, index).filter((c) => seen.has(c.id)));
  });
  return contexts;
}
