/**
 * The site build's cache: a copy of `dist/` kept under a key that hashes
 * every input of the build, so that `npm run build` with nothing changed
 * restores `dist/` instead of running Astro again (Astro and Vite spend some
 * 35 s of CPU time on an unchanged site, most of it bundling and compiling
 * what they compiled last time).
 *
 * The key (`siteBuildKey`) covers every file of the project except the
 * folders the build never reads (`BUILD_IGNORES`: tests, docs, CI, version
 * control, outputs and caches), the installed packages through the lockfiles,
 * the environment variables a build reads (`BASE_PATH`, `SITE_URL`,
 * `NODE_ENV`, those Vite reads, every `PUBLIC_*`, `VITE_*` and `ASTRO_*`), and Node's version and
 * platform. Anything not sure to be irrelevant is in the key: a miss costs a
 * build, a wrong hit ships a stale site.
 *
 * Entries live in `node_modules/.cache/site-build/<key>/` (git-ignored), are
 * written to a temporary folder and renamed into place, and only the newest
 * `KEEP_ENTRIES` are kept. `--fresh`, `NOTEBOOK_FRESH=1` and `CI=true` bypass
 * the cache (see `freshBuildRequested`).
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { freshBuildRequested } from "../src/notebook/build/cache.ts";

/** Bump when what an entry holds or what the key means changes. */
const FORMAT = 1;
/** How many builds (keys) are kept; older ones are deleted when a new one is stored. */
export const KEEP_ENTRIES = 3;

/**
 * Paths (relative to the project, `/`-separated) that no build reads. A
 * folder's name matches the folder and everything in it. `node_modules` is
 * represented in the key by the lockfiles instead.
 */
export const BUILD_IGNORES = [".git", "node_modules", "dist", ".astro", "tests", "docs", ".ci", "coverage", "test-results", "README.md", "CHANGELOG.md", "vitest.config.ts", "vitest.e2e.config.ts"];

/** The lockfiles that stand for the installed packages: the one committed and the one `npm ci` writes into node_modules. */
export const LOCKFILES = ["package-lock.json", "node_modules/.package-lock.json"];

/**
 * Environment variables the build reads by name: ours, and those Vite reads
 * back into `import.meta.env` when they are set (a test runner sets some).
 * `PUBLIC_*`, `VITE_*` and `ASTRO_*` ones are added by prefix.
 */
export const BUILD_ENV = ["BASE_PATH", "SITE_URL", "NODE_ENV", "BASE_URL", "MODE", "DEV", "PROD", "SSR", "SITE"];
const BUILD_ENV_PREFIXES = ["PUBLIC_", "VITE_", "ASTRO_"];

/** What a build's key is made from, besides the project's files. */
export interface BuildKeyEnvironment {
  env: NodeJS.ProcessEnv;
  /** `process.version`. */
  node: string;
  /** `${process.platform}-${process.arch}`. */
  platform: string;
}

/** The environment variables in a key, sorted by name. */
export function buildEnvironment(env: NodeJS.ProcessEnv): [string, string][] {
  return Object.keys(env)
    .filter((name) => BUILD_ENV.includes(name) || BUILD_ENV_PREFIXES.some((prefix) => name.startsWith(prefix)))
    .sort()
    .map((name) => [name, env[name] ?? ""]);
}

/** The files of the project that go into the key, sorted, as `/`-separated relative paths. */
export function buildInputs(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path).split(sep).join("/");
      if (BUILD_IGNORES.includes(rel) || name.endsWith(".log")) continue;
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) files.push(rel);
    }
  };
  walk(root);
  for (const lockfile of LOCKFILES) if (existsSync(join(root, lockfile))) files.push(lockfile);
  return files;
}

/** The key of a build of the project at `root` in `environment` (see the module comment). */
export function siteBuildKey(root: string, environment: BuildKeyEnvironment): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ format: FORMAT, node: environment.node, platform: environment.platform, env: buildEnvironment(environment.env) }));
  for (const file of buildInputs(root)) hash.update(`\0${file}\0`).update(readFileSync(join(root, file)));
  return hash.digest("hex");
}

/** Whether this build may use the cache, and if not, why. */
export function cachePolicy(args: readonly string[], env: NodeJS.ProcessEnv): { use: boolean; reason?: string } {
  if (args.includes("--fresh")) return { use: false, reason: "--fresh" };
  if (freshBuildRequested(env)) return { use: false, reason: env.CI && env.CI !== "0" && env.CI !== "false" ? "CI" : "NOTEBOOK_FRESH" };
  return { use: true };
}

/** What is stored next to a kept `dist/`. */
export interface EntryInfo {
  /** When the build that made it finished (ISO time). */
  builtAt: string;
  /** Its wall-clock seconds. */
  seconds: number;
}

/** The kept builds, one folder per key, each holding `dist/` and `info.json`. */
export class SiteBuildCache {
  constructor(readonly dir: string) {}

  /** Copies the kept `dist/` of `key` to `distDir` (replacing it); returns its info, or undefined when there is none. */
  restore(key: string, distDir: string): EntryInfo | undefined {
    const entry = join(this.dir, key);
    let info: EntryInfo;
    try {
      info = JSON.parse(readFileSync(join(entry, "info.json"), "utf8")) as EntryInfo;
    } catch {
      return undefined;
    }
    const partial = `${distDir}.${process.pid}.partial`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(join(entry, "dist"), partial, { recursive: true });
    rmSync(distDir, { recursive: true, force: true });
    renameSync(partial, distDir);
    // Marks the entry as used, for `KEEP_ENTRIES`.
    const now = new Date();
    writeFileSync(join(entry, "used"), now.toISOString());
    return info;
  }

  /** Keeps a copy of `distDir` under `key`, then deletes all but the newest `KEEP_ENTRIES` entries. */
  store(key: string, distDir: string, info: EntryInfo): void {
    mkdirSync(this.dir, { recursive: true });
    const entry = join(this.dir, key);
    const partial = `${entry}.${process.pid}.partial`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(distDir, join(partial, "dist"), { recursive: true });
    // info.json is written last: an entry without it is never restored.
    writeFileSync(join(partial, "info.json"), JSON.stringify(info));
    writeFileSync(join(partial, "used"), new Date().toISOString());
    rmSync(entry, { recursive: true, force: true });
    renameSync(partial, entry);
    this.prune();
  }

  private prune(now = Date.now()): void {
    const names = readdirSync(this.dir);
    for (const name of names.filter((n) => n.endsWith(".partial"))) {
      // Left by a build that was killed while storing (a live one finishes within minutes).
      if (now - statSync(join(this.dir, name)).mtimeMs > 3_600_000) rmSync(join(this.dir, name), { recursive: true, force: true });
    }
    const entries = names
      .filter((name) => !name.endsWith(".partial"))
      .map((name) => ({ name, used: this.lastUsed(name) }))
      .sort((a, b) => b.used - a.used);
    for (const { name } of entries.slice(KEEP_ENTRIES)) rmSync(join(this.dir, name), { recursive: true, force: true });
  }

  private lastUsed(name: string): number {
    try {
      return statSync(join(this.dir, name, "used")).mtimeMs;
    } catch {
      return 0;
    }
  }
}
