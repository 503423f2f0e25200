/**
 * What one site build shares between its chapters: the worker pool, the
 * output cache, the CPU clock and the counters of the summary line printed at
 * the end of `astro build` (see astro.config.mjs).
 */
import { fileURLToPath } from "node:url";
import type { CellClock } from "../host/node-runner.ts";
import { FINGERPRINT_INPUTS, fingerprint, freshBuildRequested, OutputCache, statSignature } from "./cache.ts";
import { createCpuClock } from "./cpu-clock.ts";
import { WorkerPool } from "./pool.ts";
import { workerBundle, type WorkerFiles } from "./worker-bundle.ts";

export interface BuildContext {
  pool: WorkerPool;
  cache: OutputCache;
  /** True when the cache is ignored (`NOTEBOOK_FRESH`, `CI`). */
  fresh: boolean;
  /** `fingerprint()` of the library, runtime and assets (asked per chapter, so `astro dev` sees library edits; hashed again only when a file's size or time changed). */
  runtime(): string;
  /** The build workers' bundled code (worker-bundle.ts), for the current sources. */
  worker(): Promise<WorkerFiles>;
  clock: CellClock;
  stats: BuildStats;
}

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface BuildContextOptions {
  /** The project folder, whose library, runtime and assets make the fingerprint (default: this project). */
  root?: string;
  /** Where cache entries live (default `node_modules/.cache/notebook-outputs/` of `root`). */
  cacheDir?: string;
  /** Ignore the cache (default: `NOTEBOOK_FRESH` or `CI` set). */
  fresh?: boolean;
  /** Workers in the pool (default: `NOTEBOOK_WORKERS`, else one per core). */
  workers?: number;
}

/** A build's pool, cache, clock and counters. */
export function createBuildContext(options: BuildContextOptions = {}): BuildContext {
  const root = options.root ?? ROOT;
  const fresh = options.fresh ?? freshBuildRequested();
  return {
    pool: new WorkerPool(options.workers),
    cache: new OutputCache(options.cacheDir ?? `${root}/node_modules/.cache/notebook-outputs`, !fresh),
    fresh,
    runtime: memoizedFingerprint(root),
    worker: () => workerBundle(ROOT),
    clock: createCpuClock(),
    stats: new BuildStats(),
  };
}

/** `fingerprint(root)`, hashed again only when the size or modification time of one of its files changed. */
function memoizedFingerprint(root: string): () => string {
  let last: { signature: string; hash: string } | undefined;
  return () => {
    const signature = statSignature(root, FINGERPRINT_INPUTS);
    if (last?.signature !== signature) last = { signature, hash: fingerprint(root) };
    return last.hash;
  };
}

let site: BuildContext | undefined;

/** The context of the site build: one pool for every chapter the remark plugin sees (MDX and Markdown processors alike). */
export function siteBuildContext(): BuildContext {
  return (site ??= createBuildContext());
}

/** Counts for the build's summary line. */
export class BuildStats {
  chapters = 0;
  /** Cells run in a worker (including `scope`). */
  run = 0;
  /** Of `run`: cells whose output was cached, run again only to rebuild the scope of a changed cell below. */
  scope = 0;
  /** Cells whose output came from the cache. */
  cached = 0;
  /** Wall-clock ms during which at least one chapter was running. */
  runningMs = 0;
  private active = 0;
  private since = 0;

  /** Runs `job`, counting the time while any chapter runs (chapters overlap in the pool). */
  async timeRunning<T>(job: () => Promise<T>): Promise<T> {
    if (this.active++ === 0) this.since = performance.now();
    try {
      return await job();
    } finally {
      if (--this.active === 0) this.runningMs += performance.now() - this.since;
    }
  }

  /** The counts, for tests. */
  counts(): { chapters: number; run: number; scope: number; cached: number } {
    return { chapters: this.chapters, run: this.run, scope: this.scope, cached: this.cached };
  }
}

/** One line for the end of a build, e.g. `notebook: 14 chapters, 2 cells run in 6.1 s, 133 from the cache, 2 workers`. */
export function summaryLine(context: BuildContext): string {
  const { stats } = context;
  const seconds = (stats.runningMs / 1000).toFixed(1);
  const scope = stats.scope > 0 ? ` (${stats.scope} of them only to rebuild the scope of a changed cell)` : "";
  const cache = context.fresh ? "cache ignored (NOTEBOOK_FRESH or CI)" : `${stats.cached} from the cache`;
  return `notebook: ${stats.chapters} chapters, ${stats.run} cells run in ${seconds} s${scope}, ${cache}, ${context.pool.size} workers`;
}
