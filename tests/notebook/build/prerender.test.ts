/**
 * The build's pre-rendering, through the same remark step the site build
 * runs, on small fixture chapters in a temporary folder: failures name the
 * chapter, cell and MDX line; the output cache reruns exactly what changed;
 * and a correct chapter passes while two CPU-bound processes compete for the
 * cores (build limits are in CPU time).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkMdx from "remark-mdx";
import { VFile } from "vfile";
import { remarkCells } from "../../../src/integrations/remark-cells";
import { createBuildContext, type BuildContext } from "../../../src/notebook/build/context";
import { fingerprint } from "../../../src/notebook/build/cache";

const work = mkdtempSync(join(tmpdir(), "nb-prerender-"));
const docsDir = join(work, "docs");
const publicDir = join(work, "public");
afterAll(() => rmSync(work, { recursive: true, force: true }));

const fence = (meta: string, ...lines: string[]) => ["```ts cell " + meta, ...lines, "```", ""].join("\n");

/** Runs the build's remark step on a chapter; resolves with the cells' output HTML by id. */
async function build(chapter: string, mdx: string, context: BuildContext): Promise<Map<string, string>> {
  const file = new VFile({ path: join(docsDir, `${chapter}.mdx`), value: mdx });
  const processor = unified().use(remarkParse).use(remarkMdx).use(remarkCells, { docsDir, publicDir, build: context });
  const tree = await processor.run(processor.parse(file), file);
  const html = new Map<string, string>();
  JSON.stringify(tree, (key, value) => {
    if (value?.type === "mdxJsxFlowElement" && value.name === "Cell") {
      const attribute = (name: string) => value.attributes.find((a: { name: string }) => a.name === name)?.value;
      html.set(attribute("id"), attribute("outputHtml"));
    }
    return value;
  });
  return html;
}

describe("build failures name the chapter, cell and MDX line", () => {
  const context = createBuildContext({ root: work, cacheDir: join(work, "cache-failures"), fresh: true, workers: 2 });

  it("stops an infinite loop by its CPU time and fails the build", async () => {
    const mdx = ["# Loops", "", fence("id=fine", "const n = 1;"), fence("id=forever timeout=1000", "let spins = 0;", "while (true) spins++;")].join("\n");
    const started = Date.now();
    // No line of a looping cell is known, so the message names its first line.
    await expect(build("loops", mdx, context)).rejects.toThrow(
      /^chapter loops, cell forever, line 8: TimeoutError: Stopped: the cell used more than 1 s of CPU time/,
    );
    expect(Date.now() - started, "an infinite loop fails the build within a minute").toBeLessThan(60_000);
  });

  it("fails on a throwing cell with the line of the throw", async () => {
    const mdx = ["# Throws", "", fence("id=bad", "const xs: number[] = [];", "", "xs[0].toFixed(2);")].join("\n");
    await expect(build("throws", mdx, context)).rejects.toThrow(/^chapter throws, cell bad, line 6: TypeError: /);
  });

  it("fails on an expect-error cell that does not throw", async () => {
    const mdx = fence("id=calm expect-error", "1 + 1");
    await expect(build("calm", mdx, context)).rejects.toThrow(/^chapter calm, cell calm, line 2: the cell is marked expect-error but did not throw/);
  });
});

describe("the output cache", () => {
  const cacheDir = join(work, "cache");
  const chapter = (a: string, b: string) =>
    [
      fence("id=a", `const a = ${a};`, "a"),
      fence("id=b", `const b = a * ${b};`, "b"),
      fence("id=c", "const c = 5;", "c"),
      fence("id=d", "b + c"),
      fence("id=e", 'import { tensor } from "transformer";', "tensor([1, 2]).shape"),
    ].join("\n");
  /** A new build (as a new `astro build` process would make) over the same cache folder. */
  const context = (runtime = "library v1", fresh = false) => ({ ...createBuildContext({ root: work, cacheDir, fresh, workers: 2 }), runtime: () => runtime });

  it("reruns nothing when nothing changed, and gives the same output", async () => {
    const first = context();
    const html = await build("cached", chapter("2", "3"), first);
    expect(first.stats.counts()).toEqual({ chapters: 1, run: 5, scope: 0, cached: 0 });
    expect(html.get("d")).toContain("11");
    const second = context();
    expect(await build("cached", chapter("2", "3"), second)).toEqual(html);
    expect(second.stats.counts()).toEqual({ chapters: 1, run: 0, scope: 0, cached: 5 });
  });

  it("reruns a changed cell and the cells that depend on it, and no other", async () => {
    const changedFirst = context();
    const html = await build("cached", chapter("4", "3"), changedFirst);
    // a changed: a, b (reads a) and d (reads b) rerun; c runs only because d reads it; e comes from the cache.
    expect(changedFirst.stats.counts()).toEqual({ chapters: 1, run: 4, scope: 1, cached: 1 });
    expect(html.get("d")).toContain("17");
    const changedMiddle = context();
    await build("cached", chapter("4", "10"), changedMiddle);
    // b changed: b and d rerun; a and c run only to rebuild their scope; e comes from the cache.
    expect(changedMiddle.stats.counts()).toEqual({ chapters: 1, run: 4, scope: 2, cached: 1 });
  });

  it("reruns a later cell that shares an input with a changed cell, which may have changed it in place", async () => {
    const mutating = (step: number) => [fence("id=box", "const box = { n: 0 };"), fence("id=bump", `box.n += ${step};`), fence("id=read", "box.n")].join("\n");
    expect((await build("in-place", mutating(1), context())).get("read")).toContain(">1<");
    const changed = context();
    expect((await build("in-place", mutating(2), changed)).get("read")).toContain(">2<");
    expect(changed.stats.counts()).toEqual({ chapters: 1, run: 3, scope: 1, cached: 0 });
  });

  it("reruns everything when the library or runtime changes, or when asked for a fresh build", async () => {
    const newLibrary = context("library v2");
    await build("cached", chapter("4", "10"), newLibrary);
    expect(newLibrary.stats.counts()).toEqual({ chapters: 1, run: 5, scope: 0, cached: 0 });
    const fresh = context("library v2", true);
    await build("cached", chapter("4", "10"), fresh);
    expect(fresh.stats.counts()).toEqual({ chapters: 1, run: 5, scope: 0, cached: 0 });
  });

  it("keys on the shipped weights and data: changing a file in public/models changes the fingerprint", () => {
    const root = mkdtempSync(join(work, "root-"));
    const models = join(root, "public", "models");
    mkdirSync(models, { recursive: true });
    writeFileSync(join(models, "m.bin"), Uint8Array.from([1, 2, 3]));
    const before = fingerprint(root);
    expect(fingerprint(root)).toBe(before);
    writeFileSync(join(models, "m.bin"), Uint8Array.from([1, 2, 4]));
    expect(fingerprint(root)).not.toBe(before);
  });
});

describe("load does not fail a correct build", () => {
  const hogs: ChildProcess[] = [];
  const stopHogs = () => {
    for (const hog of hogs.splice(0)) if (hog.pid !== undefined && hog.exitCode === null) process.kill(hog.pid, "SIGKILL");
  };
  afterAll(stopHogs);

  it("passes while two CPU-bound processes run beside it", async () => {
    for (let i = 0; i < 2; i++) hogs.push(spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" }));
    try {
      await buildUnderLoad();
      for (const hog of hogs) expect(hog.exitCode, "the competing processes were still running").toBeNull();
    } finally {
      stopHogs();
    }
  });

  async function buildUnderLoad() {
    // About half a second of arithmetic per cell, under a 2 s limit: several times over it in wall-clock time on a loaded 2-core machine.
    const busy = (id: string) => fence(`id=${id} timeout=2000`, "{", "  let s = 0;", "  for (let i = 0; i < 6e7; i++) s += Math.sqrt(i);", "  display(s > 0);", "}");
    const context = createBuildContext({ root: work, cacheDir: join(work, "cache-load"), fresh: true, workers: 2 });
    const chapters = ["one", "two", "three"].map((name) => build(`load-${name}`, [busy("x"), busy("y")].join("\n"), context));
    const outputs = await Promise.all(chapters);
    for (const html of outputs) expect(html.get("y")).toContain("true");
    expect(context.stats.counts()).toMatchObject({ chapters: 3, run: 6 });
  }
});
