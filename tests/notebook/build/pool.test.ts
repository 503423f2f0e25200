import { readlinkSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { WorkerPool, defaultPoolSize } from "../../../src/notebook/build/pool";
import { createCpuClock, threadCpuMs } from "../../../src/notebook/build/cpu-clock";

describe("WorkerPool", () => {
  it("runs at most `size` jobs at once, in the order they were given, and passes results and errors through", async () => {
    const pool = new WorkerPool(2);
    let active = 0;
    let most = 0;
    const started: number[] = [];
    const job = (n: number) => async () => {
      started.push(n);
      most = Math.max(most, ++active);
      await new Promise((resolve) => setTimeout(resolve, 20));
      active--;
      if (n === 3) throw new Error("job 3 failed");
      return n * 10;
    };
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => pool.run(job(n))));
    expect(most).toBe(2);
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([10, 20, "job 3 failed", 40, 50]);
  });

  it("is sized by NOTEBOOK_WORKERS, else by the cores", () => {
    expect(defaultPoolSize({ NOTEBOOK_WORKERS: "3" })).toBe(3);
    expect(defaultPoolSize({})).toBeGreaterThanOrEqual(1);
    expect(() => new WorkerPool(0)).toThrow(/at least one worker/);
  });
});

const BOOT = fileURLToPath(new URL("../../../src/notebook/engine/node-worker-boot.mjs", import.meta.url));
const ENTRY = fileURLToPath(new URL("./clock-worker.ts", import.meta.url));

/** A worker that has loaded the build workers' library entry (as a build worker has before its first cell), then spins or idles. */
async function startWorker(spin: boolean): Promise<Worker> {
  const worker = new Worker(BOOT, { workerData: { entry: ENTRY, spin }, stdout: false, stderr: false });
  await new Promise((resolve) => worker.once("message", resolve));
  await new Promise((resolve) => setTimeout(resolve, 100)); // the thread's announcement travels on its own channel
  return worker;
}

describe.skipIf(process.platform !== "linux")("CPU clock", () => {
  it("reads the CPU time of a thread of this process", () => {
    const tid = Number(/task\/(\d+)/.exec(readlinkSync("/proc/thread-self"))?.[1]);
    expect(threadCpuMs(tid)).toBeGreaterThan(0);
  });

  it("stops a spinning worker once it has used its limit in CPU time, saying so", async () => {
    const clock = createCpuClock();
    const worker = await startWorker(true);
    try {
      const message = await new Promise<string>((resolve) => clock.start(worker, 500, resolve));
      expect(message).toMatch(/used more than 0\.5 s of CPU time/);
    } finally {
      clock.close();
      await worker.terminate();
    }
  });

  it("stops a worker that waits without using the CPU by a wall-clock backstop, saying so", async () => {
    const clock = createCpuClock({ minimumBackstopMs: 1000 });
    const worker = await startWorker(false);
    try {
      const message = await new Promise<string>((resolve) => clock.start(worker, 100, resolve));
      expect(message).toMatch(/of wall-clock time while using only 0(\.\d)? s of CPU time/);
    } finally {
      clock.close();
      await worker.terminate();
    }
  });
});
