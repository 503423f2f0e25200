/**
 * The build thread runs a module's export on another thread and answers each
 * call, many at once; an error thrown there rejects the call with its
 * message; when the thread dies, the calls still waiting and all later ones
 * run on the calling thread instead.
 */
import { threadId } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { inBuildThread } from "../../../src/notebook/build/build-thread";
import { crashes, fails, whereAmI } from "./thread-fixture";

const fixture = new URL("./thread-fixture.ts", import.meta.url);
const whereAmIThere = inBuildThread(fixture, "whereAmI", whereAmI);

describe("the build thread", () => {
  it("runs the calls on one other thread and answers each with its own result", async () => {
    const answers = await Promise.all(["a", "b", "c", "d"].map((tag) => whereAmIThere(tag)));
    expect(answers.map((a) => a.tag)).toEqual(["a", "b", "c", "d"]);
    expect(new Set(answers.map((a) => a.threadId)).size).toBe(1);
    expect(answers[0].threadId).not.toBe(threadId);
  });

  it("rejects a call with the message of what the function threw", async () => {
    await expect(inBuildThread(fixture, "fails", fails)("no luck")).rejects.toThrow("no luck");
  });

  // Last: the thread is gone afterwards.
  it("runs a call here when the thread dies under it, and every call after", async () => {
    const ranHere: string[] = [];
    const crash = inBuildThread(fixture, "crashes", () => {
      ranHere.push("crash");
      return "ran here";
    });
    await expect(crash()).resolves.toBe("ran here");
    expect(ranHere).toEqual(["crash"]);
    expect((await whereAmIThere("after")).threadId).toBe(threadId);
  });
});
