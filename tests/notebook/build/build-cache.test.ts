/**
 * The caches that make a second build fast: the whole-site build cache
 * (scripts/build-cache.ts), the documentation index's cache
 * (scripts/docs-index.ts) and the build workers' bundle
 * (src/notebook/build/worker-bundle.ts). A key must change with every input,
 * and fresh builds (`--fresh`, `NOTEBOOK_FRESH=1`, `CI=true`) must bypass the
 * site's cache.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUILD_IGNORES, buildInputs, cachePolicy, KEEP_ENTRIES, SiteBuildCache, siteBuildKey, type BuildKeyEnvironment } from "../../../scripts/build-cache";
import { cachedDocsIndex, docsIndexKey } from "../../../scripts/docs-index";
import { runCellsInNode } from "../../../src/notebook/host/node-runner";
import { workerBundle } from "../../../src/notebook/build/worker-bundle";
import { cellsFromFences } from "../../../src/notebook/compile/cells";

const work = mkdtempSync(join(tmpdir(), "nb-build-cache-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function write(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

/** A small project with a file in each kind of place the build reads, and some it does not. */
function project(name: string): string {
  const root = join(work, name);
  const files: Record<string, string> = {
    "src/content/docs/softmax.mdx": "# Softmax\n",
    "src/lib/tensor.ts": "export const one = 1;\n",
    "public/models/vit.bin": "weights",
    "astro.config.mjs": "export default {};\n",
    "tsconfig.json": "{}\n",
    "package.json": "{}\n",
    "package-lock.json": "{}\n",
    "node_modules/.package-lock.json": "{}\n",
    "node_modules/astro/index.js": "installed package\n",
    "scripts/docs-index.ts": "export {};\n",
    "tests/a.test.ts": "test\n",
    "docs/architecture.md": "docs\n",
    "README.md": "readme\n",
    "dist/index.html": "<p>old output</p>\n",
    ".astro/data-store.json": "{}\n",
  };
  for (const [rel, text] of Object.entries(files)) write(root, rel, text);
  return root;
}

const quiet: BuildKeyEnvironment = { env: {}, node: "v20.20.2", platform: "linux-x64" };

describe("the site build cache's key", () => {
  it("hashes every input file, the lockfiles, and nothing the build does not read", () => {
    const inputs = buildInputs(project("inputs"));
    expect(inputs).toEqual(
      expect.arrayContaining([
        "src/content/docs/softmax.mdx",
        "src/lib/tensor.ts",
        "public/models/vit.bin",
        "astro.config.mjs",
        "tsconfig.json",
        "package.json",
        "package-lock.json",
        "node_modules/.package-lock.json",
        "scripts/docs-index.ts",
      ]),
    );
    for (const file of inputs) expect(BUILD_IGNORES.some((ignored) => file === ignored || file.startsWith(`${ignored}/`)) && file !== "node_modules/.package-lock.json").toBe(false);
    expect(inputs).not.toContain("node_modules/astro/index.js");
  });

  it("changes when any input file changes, or a file is added", () => {
    const root = project("files");
    const before = siteBuildKey(root, quiet);
    expect(siteBuildKey(root, quiet), "the same inputs give the same key").toBe(before);
    for (const rel of ["src/content/docs/softmax.mdx", "src/lib/tensor.ts", "public/models/vit.bin", "astro.config.mjs", "package-lock.json", "node_modules/.package-lock.json", "tsconfig.json"]) {
      const text = readFileSync(join(root, rel), "utf8");
      write(root, rel, text + " ");
      expect(siteBuildKey(root, quiet), `after editing ${rel}`).not.toBe(before);
      write(root, rel, text);
      expect(siteBuildKey(root, quiet), `after restoring ${rel}`).toBe(before);
    }
    write(root, "src/components/New.astro", "<p/>");
    expect(siteBuildKey(root, quiet), "after adding a component").not.toBe(before);
    rmSync(join(root, "src/components"), { recursive: true });
    write(root, ".env.production", "PUBLIC_X=1\n");
    expect(siteBuildKey(root, quiet), "after adding a .env file").not.toBe(before);
  });

  it("does not change when only tests, docs, outputs or caches change", () => {
    const root = project("ignored");
    const before = siteBuildKey(root, quiet);
    for (const rel of ["tests/a.test.ts", "docs/architecture.md", "README.md", "dist/index.html", ".astro/data-store.json", "node_modules/astro/index.js", "build.log"]) {
      write(root, rel, "changed\n");
    }
    expect(siteBuildKey(root, quiet)).toBe(before);
  });

  it("changes with the environment the build reads and with Node's version", () => {
    const root = project("environment");
    const before = siteBuildKey(root, quiet);
    const variants: BuildKeyEnvironment[] = [
      { ...quiet, env: { BASE_PATH: "/ml-course/transformers/" } },
      { ...quiet, env: { SITE_URL: "https://example.github.io" } },
      { ...quiet, env: { NODE_ENV: "development" } },
      { ...quiet, env: { BASE_URL: "/" } },
      { ...quiet, env: { PUBLIC_ANALYTICS: "off" } },
      { ...quiet, node: "v22.0.0" },
      { ...quiet, platform: "darwin-arm64" },
    ];
    const keys = variants.map((variant) => siteBuildKey(root, variant));
    for (const key of keys) expect(key).not.toBe(before);
    expect(new Set(keys).size).toBe(keys.length);
    expect(siteBuildKey(root, { ...quiet, env: { HOME: "/root", NOTEBOOK_WORKERS: "1" } }), "variables the output does not depend on").toBe(before);
  });
});

describe("fresh builds bypass the site build cache", () => {
  it("is used by default, and ignored for --fresh, NOTEBOOK_FRESH=1 and CI=true", () => {
    expect(cachePolicy([], {})).toEqual({ use: true });
    expect(cachePolicy([], { NOTEBOOK_FRESH: "0", CI: "false" })).toEqual({ use: true });
    expect(cachePolicy(["--fresh"], {})).toEqual({ use: false, reason: "--fresh" });
    expect(cachePolicy([], { NOTEBOOK_FRESH: "1" })).toEqual({ use: false, reason: "NOTEBOOK_FRESH" });
    expect(cachePolicy([], { CI: "true" })).toEqual({ use: false, reason: "CI" });
  });
});

describe("SiteBuildCache", () => {
  it("restores the dist/ it kept, and nothing for an unknown key", () => {
    const root = project("store");
    const cache = new SiteBuildCache(join(root, "node_modules/.cache/site-build"));
    const dist = join(root, "dist");
    write(root, "dist/softmax/index.html", "<p>softmax</p>\n");
    cache.store("k1", dist, { builtAt: "2026-12-02T00:30:00.000Z", seconds: 42 });

    rmSync(dist, { recursive: true });
    write(root, "dist/stale.html", "left from another build");
    expect(cache.restore("unknown", dist)).toBeUndefined();
    expect(cache.restore("k1", dist)).toEqual({ builtAt: "2026-12-02T00:30:00.000Z", seconds: 42 });
    expect(readFileSync(join(dist, "softmax/index.html"), "utf8")).toBe("<p>softmax</p>\n");
    expect(() => readFileSync(join(dist, "stale.html")), "restoring replaces dist/ as a whole").toThrow();
  });

  it(`keeps only the ${KEEP_ENTRIES} most recently used builds`, () => {
    const root = project("prune");
    const dir = join(root, "node_modules/.cache/site-build");
    const cache = new SiteBuildCache(dir);
    const dist = join(root, "dist");
    for (let i = 0; i <= KEEP_ENTRIES; i++) cache.store(`k${i}`, dist, { builtAt: new Date().toISOString(), seconds: i });
    const kept = [0, 1, 2, 3].filter((i) => cache.restore(`k${i}`, dist) !== undefined);
    expect(kept.length).toBe(KEEP_ENTRIES);
    expect(kept).toContain(KEEP_ENTRIES);
  });
});

describe("the documentation index's cache", () => {
  it("compiles once, then serves the same index until an input changes", () => {
    const file = join(work, "docs-index/index.json");
    const first = cachedDocsIndex(file);
    expect(first.fromCache).toBe(false);
    const second = cachedDocsIndex(file);
    expect(second.fromCache).toBe(true);
    expect(second.index).toEqual(first.index);

    // A stale key (as if a library file had changed since): compiled again.
    const stored = JSON.parse(readFileSync(file, "utf8"));
    writeFileSync(file, JSON.stringify({ ...stored, key: "stale" }));
    expect(cachedDocsIndex(file).fromCache).toBe(false);
  }, 300_000);

  it("keys on the content of every file the compiler read", () => {
    const a = join(work, "key-a.ts");
    write(work, "key-a.ts", "export const a = 1;\n");
    const before = docsIndexKey([a]);
    write(work, "key-a.ts", "export const a = 2;\n");
    expect(docsIndexKey([a])).not.toBe(before);
    expect(docsIndexKey([join(work, "missing.ts")]), "a file that is gone forces a compile").toBeUndefined();
  });
});

describe("the build workers' bundle", () => {
  it("runs cells like the TypeScript sources do, on the WebAssembly kernels, and is reused while the sources are unchanged", async () => {
    const cacheDir = join(work, "worker-bundle");
    const root = join(import.meta.dirname, "../../..");
    const files = await workerBundle(root, cacheDir);
    expect(await workerBundle(root, cacheDir)).toEqual(files);
    const cells = cellsFromFences(
      [
        { lang: "ts", meta: "cell id=a", value: 'import { tensor, softmax } from "transformer";\nconst t = softmax(tensor([[1, 2, 3]]));\nt.shape', line: 1 },
        { lang: "ts", meta: "cell id=b", value: "Array.from(t.data, (x) => x.toFixed(3)).join(' ')", line: 6 },
        { lang: "ts", meta: "cell id=c", value: 'import { heatmap } from "notebook";\nheatmap(t, { title: "t {shape}" })', line: 9 },
        // Build-time cells run on the WebAssembly kernels, as in the page.
        { lang: "ts", meta: "cell id=d", value: 'import { kernelName } from "transformer";\nif (kernelName() !== "wasm") throw new Error(`kernels: ${kernelName()}`);', line: 13 },
      ],
      "x",
    );
    const run = (extra: { workerEntry?: string; libraryEntry?: string }) =>
      runCellsInNode(cells, { chapter: "x", publicDir: tmpdir(), ...extra }).then((results) => results.map(({ id, outputs, error }) => ({ id, outputs, error })));
    const bundled = await run({ workerEntry: files.entry, libraryEntry: files.libraryEntry });
    expect(bundled.map((r) => r.error)).toEqual([undefined, undefined, undefined, undefined]);
    expect(bundled).toEqual(await run({}));
  }, 180_000);
});
