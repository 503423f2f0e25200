import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { WorkerHost, type WorkerHostEvents, type WorkerLike } from "../../src/notebook/client/worker-host";
import type { PageToWorker, WorkerToPage } from "../../src/notebook/protocol";

/** A worker that records what it is sent and lets the test speak for it. */
class FakeWorker implements WorkerLike {
  received: PageToWorker[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<WorkerToPage>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  postMessage(message: PageToWorker) {
    if (this.terminated) throw new Error("posted to a terminated worker");
    this.received.push(message);
  }
  terminate() {
    this.terminated = true;
  }
  say(message: WorkerToPage) {
    this.onmessage?.({ data: message } as MessageEvent<WorkerToPage>);
  }
}

function setup(limits: Record<string, number> = {}) {
  const workers: FakeWorker[] = [];
  const log: string[] = [];
  const events: WorkerHostEvents = {
    message: (m) => log.push(`message ${m.type}`),
    timeout: (cellId, ms) => log.push(`timeout ${cellId} ${ms}`),
    crash: (reason) => log.push(`crash ${reason}`),
  };
  const host = new WorkerHost(
    () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
    events,
    (cellId) => limits[cellId] ?? 10_000,
  );
  return { host, workers, log };
}

const init: PageToWorker = { type: "init", chapter: "c", cells: [{ id: "a", code: "1" }], assetBase: "/" };

describe("WorkerHost", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("holds messages until the worker is ready, then delivers them in order", () => {
    const { host, workers } = setup();
    host.send(init);
    host.send({ type: "run", runId: 1, cellIds: ["a"] });
    expect(workers).toHaveLength(1);
    expect(workers[0].received).toEqual([]);
    workers[0].say({ type: "ready" });
    expect(workers[0].received.map((m) => m.type)).toEqual(["init", "run"]);
    host.send({ type: "runAll", runId: 2 });
    expect(workers[0].received.map((m) => m.type)).toEqual(["init", "run", "runAll"]);
  });

  it("terminates the worker when a cell runs past its own limit and names the cell", () => {
    const { host, workers, log } = setup({ loop: 300 });
    host.send(init);
    workers[0].say({ type: "ready" });
    workers[0].say({ type: "cellStart", runId: 1, cellId: "loop" });
    vi.advanceTimersByTime(299);
    expect(workers[0].terminated).toBe(false);
    vi.advanceTimersByTime(1);
    expect(workers[0].terminated).toBe(true);
    expect(log).toContain("timeout loop 300");
    expect(host.started).toBe(false);
    expect(host.runningCell).toBeUndefined();
  });

  it("lets a cell that finishes in time run on, and times each cell separately", () => {
    const { host, workers, log } = setup();
    host.send(init);
    workers[0].say({ type: "ready" });
    workers[0].say({ type: "cellStart", runId: 1, cellId: "a" });
    vi.advanceTimersByTime(9_000);
    workers[0].say({ type: "cellDone", runId: 1, cellId: "a", ms: 9_000 });
    workers[0].say({ type: "cellStart", runId: 1, cellId: "b" });
    vi.advanceTimersByTime(9_000);
    workers[0].say({ type: "cellError", runId: 1, cellId: "b", error: { name: "Error", message: "x" } });
    workers[0].say({ type: "runDone", runId: 1 });
    vi.advanceTimersByTime(60_000);
    expect(workers[0].terminated).toBe(false);
    expect(log.filter((l) => l.startsWith("timeout"))).toEqual([]);
  });

  it("starts a fresh worker after a timeout and ignores the old one's late messages", () => {
    const { host, workers, log } = setup({ loop: 100 });
    host.send(init);
    workers[0].say({ type: "ready" });
    workers[0].say({ type: "cellStart", runId: 1, cellId: "loop" });
    vi.advanceTimersByTime(100);
    host.send(init);
    expect(workers).toHaveLength(2);
    const before = log.length;
    workers[0].say({ type: "cellDone", runId: 1, cellId: "loop", ms: 1 });
    expect(log).toHaveLength(before);
    workers[1].say({ type: "ready" });
    expect(workers[1].received).toEqual([init]);
  });

  it("reports a worker that fails to load as a crash and terminates it", () => {
    const { host, workers, log } = setup();
    host.send(init);
    workers[0].onerror?.({ message: "SyntaxError in worker.js", preventDefault() {} } as ErrorEvent);
    expect(workers[0].terminated).toBe(true);
    expect(log).toEqual(["crash SyntaxError in worker.js"]);
  });
});
