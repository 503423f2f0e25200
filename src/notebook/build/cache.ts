/**
 * The build's output cache: each cell's pre-rendered result, stored under a
 * key that changes whenever the output could change (see `cellKey`), in a
 * git-ignored folder (`node_modules/.cache/notebook-outputs/` by default).
 * An unchanged chapter is not rerun; a changed cell reruns with the cells that
 * depend on it.
 *
 * `NOTEBOOK_FRESH=1` ignores the cache (nothing is read, fresh results are
 * still written), and so does CI (`CI=true`), so that CI always runs every cell.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync, type Stats } from "node:fs";
import { join, relative, sep } from "node:path";
import type { CellDefinition } from "../compile/cells.ts";
import type { CellResult } from "../host/node-runner.ts";

/** Bump when the shape of a stored entry or the meaning of a key changes. */
const FORMAT = 1;
/** Entries nobody used for this long are deleted when a build starts. */
const KEEP_DAYS = 30;

/**
 * What a cell's output may depend on besides the chapter's cells: the
 * library, the notebook runtime and renderers, the shipped weights and data a
 * cell can load, and the installed packages (the lockfile).
 */
export const FINGERPRINT_INPUTS = ["src/lib", "src/notebook", "public/models", "public/data", "package-lock.json"];

/** What the cache keeps for one cell. */
export interface CachedCell {
  result: CellResult;
  /** The outputs rendered to static HTML. */
  html: string;
}

/** True when the environment asks for a build that ignores the cache. */
export function freshBuildRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const on = (value: string | undefined) => value !== undefined && value !== "" && value !== "0" && value !== "false";
  return on(env.NOTEBOOK_FRESH) || on(env.CI);
}

/**
 * One hash of every file under `inputs` (paths relative to `root`; missing
 * ones are skipped), by path and content. The page-only client code
 * (`src/notebook/page/`) cannot change a build output and is left out.
 */
export function fingerprint(root: string, inputs: readonly string[] = FINGERPRINT_INPUTS): string {
  const hash = createHash("sha256");
  walkInputs(root, inputs, (rel, path) => hash.update(`${rel}\0`).update(readFileSync(path)).update("\0"));
  return hash.digest("hex");
}

/**
 * The paths, sizes and modification times of the files `fingerprint` reads:
 * cheap to take, and the same as long as no file was written, so the
 * fingerprint of an unchanged tree need not be hashed again.
 */
export function statSignature(root: string, inputs: readonly string[] = FINGERPRINT_INPUTS): string {
  const parts: string[] = [];
  walkInputs(root, inputs, (rel, _path, stat) => parts.push(`${rel}:${stat.size}:${stat.mtimeMs}`));
  return parts.join("\n");
}

/** Calls `visit` for every file under `inputs`, in a fixed order, leaving out the page-only client. */
function walkInputs(root: string, inputs: readonly string[], visit: (rel: string, path: string, stat: Stats) => void): void {
  const walk = (path: string) => {
    if (!existsSync(path)) return;
    const rel = relative(root, path).split(sep).join("/");
    if (rel === "src/notebook/page") return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    } else {
      visit(rel, path, stat);
    }
  };
  for (const input of inputs) walk(join(root, input));
}

/**
 * A cell's key: its code and options, the code and options of the cells its
 * output can depend on (`context`, in page order: see `sharedContexts`), the
 * runtime fingerprint and the base path assets resolve against.
 */
export function cellKey(cell: CellDefinition, context: readonly CellDefinition[], runtime: string, assetBase: string): string {
  const part = (c: CellDefinition) => ({ id: c.id, code: c.code, options: c.options });
  const text = JSON.stringify({ format: FORMAT, runtime, assetBase, chapter: cell.chapter, cell: part(cell), context: context.map(part) });
  return createHash("sha256").update(text).digest("hex");
}

/** The folder of cache entries, one JSON file per key. */
export class OutputCache {
  constructor(
    readonly dir: string,
    /** False: `get` always misses (a fresh build); entries are still written. */
    readonly readable: boolean,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  get(key: string): CachedCell | undefined {
    if (!this.readable) return undefined;
    const file = this.file(key);
    try {
      const entry = JSON.parse(readFileSync(file, "utf8")) as CachedCell;
      const now = new Date();
      utimesSync(file, now, now);
      return entry;
    } catch {
      return undefined; // missing, or cut short by a build that was killed: run the cell
    }
  }

  set(key: string, entry: CachedCell): void {
    // Write then rename, so a build killed half-way never leaves a truncated entry under a real key.
    const file = this.file(key);
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(entry));
    renameSync(partial, file);
  }

  /** Deletes entries not used for `KEEP_DAYS` days. */
  prune(now = Date.now()): void {
    for (const name of readdirSync(this.dir)) {
      const file = join(this.dir, name);
      try {
        if (now - statSync(file).mtimeMs > KEEP_DAYS * 86_400_000) unlinkSync(file);
      } catch {
        // another build removed it first
      }
    }
  }

  private file(key: string): string {
    return join(this.dir, `${key}.json`);
  }
}
