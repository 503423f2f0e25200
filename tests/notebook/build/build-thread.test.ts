/**
 * The build thread starts from plain JavaScript (its entry bundled, no
 * TypeScript loader), runs the functions its entry lists on another thread
 * and answers each call, many at once; an error thrown there rejects the call
 * with its message; when the thread dies, or never starts, the calls still
 * waiting and all later ones run on the calling thread instead.
 */
import { build } from "esbuild";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { threadId } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { highlightHere } from "../../../src/integrations/highlight";
import { BuildThread, inBuildThread } from "../../../src/notebook/build/build-thread";
import { workerBundle } from "../../../src/notebook/build/worker-bundle";
import type { Output } from "../../../src/notebook/protocol";
import { renderOutputsToHtml } from "../../../src/notebook/render/html";
import { fails, whereAmI } from "./thread-fixture";

// Inside the project, as the build's own bundle is: the bundle's packages (esbuild among them) load from node_modules.
const cacheDir = join(import.meta.dirname, "../../../node_modules/.cache");
mkdirSync(cacheDir, { recursive: true });
const work = mkdtempSync(join(cacheDir, "build-thread-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The fixture's entry bundled as the build bundles the thread's own. */
async function fixtureEntry(): Promise<string> {
  const outfile = join(work, "thread-fixture-entry.mjs");
  await build({ entryPoints: [join(import.meta.dirname, "thread-fixture-entry.ts")], outfile, bundle: true, format: "esm", platform: "node", packages: "external", logLevel: "silent" });
  return outfile;
}

const thread = new BuildThread(fixtureEntry());
const onThread = () => thread;
const whereAmIThere = inBuildThread("whereAmI", whereAmI, onThread);

describe("the build thread", () => {
  it("runs the calls on one other thread and answers each with its own result", async () => {
    const answers = await Promise.all(["a", "b", "c", "d"].map((tag) => whereAmIThere(tag)));
    expect(answers.map((a) => a.tag)).toEqual(["a", "b", "c", "d"]);
    expect(new Set(answers.map((a) => a.threadId)).size).toBe(1);
    expect(answers[0].threadId).not.toBe(threadId);
  });

  it("rejects a call with the message of what the function threw, or of a name it does not know", async () => {
    await expect(inBuildThread("fails", fails, onThread)("no luck")).rejects.toThrow("no luck");
    await expect(inBuildThread("missing", () => "ran here", onThread)()).rejects.toThrow('the build thread has no function "missing"');
  });

  it("runs the calls here when its entry cannot be built", async () => {
    const broken = new BuildThread(Promise.reject(new Error("no bundle")));
    const answers = await Promise.all(["a", "b"].map((tag) => inBuildThread("whereAmI", whereAmI, () => broken)(tag)));
    expect(answers).toEqual([
      { tag: "a", threadId },
      { tag: "b", threadId },
    ]);
  });

  it("the build's own thread, bundled, highlights (Shiki finds its WebAssembly) and renders outputs as this thread does", async () => {
    const root = join(import.meta.dirname, "../../..");
    const own = new BuildThread(workerBundle(root).then((files) => files.buildThread));
    const notHere = (..._args: unknown[]): never => {
      throw new Error("ran on the calling thread: the build thread did not start");
    };
    const code = 'const x = softmax(tensor([[1, 2, 3]])); // [1, 3]\nx.shape;';
    const outputs: Output[] = [
      { kind: "log", level: "info", text: "three <numbers>" },
      { kind: "plot", plot: { mark: "heatmap", rows: 2, cols: 2, values: [0, 1, 1, 0], title: "swap [2, 2]" } },
      { kind: "table", columns: ["a", "b"], rows: [[1, "x"]] },
    ];
    const [highlighted, rendered] = await Promise.all([inBuildThread("highlightHere", notHere, () => own)(code), inBuildThread("renderOutputsToHtml", notHere, () => own)(outputs)]);
    expect(highlighted).toBe(await highlightHere(code));
    expect(rendered).toBe(renderOutputsToHtml(outputs));
  }, 180_000);

  // Last: the thread is gone afterwards.
  it("runs a call here when the thread dies under it, and every call after", async () => {
    const ranHere: string[] = [];
    const crash = inBuildThread(
      "crashes",
      () => {
        ranHere.push("crash");
        return "ran here";
      },
      onThread,
    );
    await expect(crash()).resolves.toBe("ran here");
    expect(ranHere).toEqual(["crash"]);
    expect((await whereAmIThere("after")).threadId).toBe(threadId);
  });
});
