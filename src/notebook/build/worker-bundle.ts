/**
 * The build workers' code as plain JavaScript, bundled once. A worker that
 * loads the TypeScript sources through a loader compiles the engine and the
 * library again each time it starts: about 1.3 s of CPU time per chapter,
 * where the cells of most chapters need a few tens of milliseconds. So the
 * build bundles the worker entry and the library entry with esbuild into one
 * folder (shared code in a common chunk, so both see the same `Tensor`
 * class), and every worker starts from there. The build thread
 * (`build-thread.ts`) starts from the same folder, without the loader
 * either: its entry is bundled with the packages left external, which Node
 * loads from node_modules as usual (Shiki finds its WebAssembly there).
 *
 * The folder is named by a fingerprint of what goes into it (`src/lib`,
 * `src/notebook`, `src/integrations`, the lockfile), under
 * `node_modules/.cache/notebook-worker/`, so a second build with the same
 * sources reuses it and a changed source gets a new bundle. A bundle is
 * written to a temporary folder and renamed into place, so a build killed
 * half-way never leaves a partial one.
 */
import { build } from "esbuild";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fingerprint } from "./cache.ts";

/** What the bundle is made of (paths relative to the project folder). */
export const WORKER_BUNDLE_INPUTS = ["src/lib", "src/notebook", "src/integrations", "package-lock.json"];
/** How many bundles are kept (the newest); older ones are deleted when a new one is written. */
const KEEP_BUNDLES = 3;

/** The files the build's workers start from. */
export interface WorkerFiles {
  /** The worker's entry (engine/node-worker.ts, bundled). */
  entry: string;
  /** The library entry it loads for cells (build/worker-library.ts, bundled). */
  libraryEntry: string;
  /** The build thread's entry (build/build-thread-worker.ts, bundled). */
  buildThread: string;
}

/** Bundles being written by this process, by folder: chapters that start together share one. */
const pending = new Map<string, Promise<WorkerFiles>>();

/**
 * Returns the bundled worker for the project at `root`, bundling it first if
 * no bundle of the current sources exists in `cacheDir`.
 */
export function workerBundle(root: string, cacheDir = join(root, "node_modules/.cache/notebook-worker")): Promise<WorkerFiles> {
  const dir = join(cacheDir, fingerprint(root, WORKER_BUNDLE_INPUTS).slice(0, 24));
  const files = { entry: join(dir, "engine/node-worker.mjs"), libraryEntry: join(dir, "build/worker-library.mjs"), buildThread: join(dir, "build/build-thread-worker.mjs") };
  if (Object.values(files).every((file) => existsSync(file))) return Promise.resolve(files);
  let bundling = pending.get(dir);
  if (!bundling) {
    bundling = writeBundle(root, cacheDir, dir, files).finally(() => pending.delete(dir));
    pending.set(dir, bundling);
  }
  return bundling;
}

async function writeBundle(root: string, cacheDir: string, dir: string, files: WorkerFiles): Promise<WorkerFiles> {
  const partial = `${dir}.${process.pid}.${Date.now()}.partial`;
  const common = {
    outbase: join(root, "src/notebook"),
    outdir: partial,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // Error messages and stack traces name the library's own functions.
    keepNames: true,
    logLevel: "silent",
  } as const;
  await Promise.all([
    build({ ...common, entryPoints: [join(root, "src/notebook/engine/node-worker.ts"), join(root, "src/notebook/build/worker-library.ts")], splitting: true }),
    // One file, no chunks shared with the workers' build: both write to the same folder.
    build({ ...common, entryPoints: [join(root, "src/notebook/build/build-thread-worker.ts")], packages: "external" }),
  ]);
  mkdirSync(cacheDir, { recursive: true });
  try {
    renameSync(partial, dir);
  } catch {
    // Another build wrote the same bundle first: use that one.
    rmSync(partial, { recursive: true, force: true });
    if (!Object.values(files).every((file) => existsSync(file))) throw new Error(`could not write the build worker's bundle to ${dir}`);
  }
  removeOldBundles(cacheDir, dir);
  return files;
}

/** Keeps the current bundle and the `KEEP_BUNDLES - 1` newest others (`astro dev` writes one per library edit). */
function removeOldBundles(cacheDir: string, current: string): void {
  const others = readdirSync(cacheDir)
    .map((name) => join(cacheDir, name))
    .filter((path) => path !== current && !path.endsWith(".partial"))
    .map((path) => ({ path, time: modified(path) }))
    .sort((a, b) => b.time - a.time);
  for (const { path } of others.slice(KEEP_BUNDLES - 1)) rmSync(path, { recursive: true, force: true });
}

function modified(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0; // another build removed it first
  }
}
