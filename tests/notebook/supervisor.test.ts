import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { WorkerHost, type WorkerHostEvents, type WorkerLike, type WorkerPort } from "../../src/notebook/host/supervisor";
import type { PageToWorker, WorkerToPage } from "../../src/notebook/protocol";

/** The private channel of a fake worker: what the page sends, and the test speaking for the runtime. */
class FakePort implements WorkerPort {
  received: PageToWorker[] = [];
  closed = false;
  onmessage: ((data: unknown) => void) | null = null;
  postMessage(message: PageToWorker) {
    if (this.closed) throw new Error("posted to a closed port");
    this.received.push(message);
  }
  close() {
    this.closed = true;
  }
}

/** A worker that hands over its port on `connect()`; `say` speaks on the private channel, `post` on the worker's own (as a cell could). */
class FakeWorker implements WorkerLike {
  readonly port = new FakePort();
  terminated = false;
  onmessage: ((data: unknown) => void) | null = null;
  onerror: ((reason: string) => void) | null = null;
  terminate() {
    this.terminated = true;
  }
  openPort(port: unknown) {
    return port instanceof FakePort ? port : undefined;
  }
  connect() {
    this.onmessage?.({ type: "connect", port: this.port });
  }
  say(message: unknown) {
    this.port.onmessage?.(message);
  }
  post(message: unknown) {
    this.onmessage?.(message);
  }
  get received() {
    return this.port.received;
  }
}

const CELLS = ["a", "b", "loop"];

function setup(limits: Record<string, number> = {}) {
  const workers: FakeWorker[] = [];
  const log: string[] = [];
  const dropped: string[] = [];
  const events: WorkerHostEvents = {
    message: (m) => log.push(`message ${m.type}${"cellId" in m ? ` ${m.cellId}` : ""}`),
    timeout: (cellId, ms) => log.push(`timeout ${cellId} ${ms}`),
    crash: (reason, cellId) => log.push(`crash ${reason}${cellId ? ` in ${cellId}` : ""}`),
    dropped: (reason) => dropped.push(reason),
  };
  const host = new WorkerHost(
    () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
    events,
    { limitFor: (cellId) => limits[cellId] ?? 10_000, isCell: (cellId) => CELLS.includes(cellId) },
  );
  /** Starts a worker, connects it, says ready and opens run 1 (a `runAll`). */
  const running = () => {
    host.send(init);
    host.send({ type: "runAll", runId: 1 });
    workers[0].connect();
    workers[0].say({ type: "ready" });
    return workers[0];
  };
  return { host, workers, log, dropped, running };
}

const init: PageToWorker = { type: "init", chapter: "c", cells: [{ id: "a", code: "1" }], assetBase: "/" };

describe("WorkerHost: channel and buffering", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("holds messages until the worker is ready, then delivers them in order on the private channel", () => {
    const { host, workers } = setup();
    host.send(init);
    host.send({ type: "run", runId: 1, cellIds: ["a"] });
    expect(workers).toHaveLength(1);
    workers[0].connect();
    expect(workers[0].received).toEqual([]);
    workers[0].say({ type: "ready" });
    expect(workers[0].received.map((m) => m.type)).toEqual(["init", "run"]);
    host.send({ type: "runAll", runId: 2 });
    expect(workers[0].received.map((m) => m.type)).toEqual(["init", "run", "runAll"]);
  });

  it("believes nothing on the worker's own channel after the port: a cell's postMessage is dropped", () => {
    const { log, dropped, running } = setup();
    const worker = running();
    worker.post({ type: "cellStart", runId: 1, cellId: "a" });
    worker.post({ type: "connect", port: new FakePort() });
    expect(log).toEqual(["message ready"]);
    expect(dropped).toHaveLength(2);
  });

  it("reports a worker that fails to load as a crash and terminates it", () => {
    const { host, workers, log } = setup();
    host.send(init);
    workers[0].onerror?.("SyntaxError in worker.js");
    expect(workers[0].terminated).toBe(true);
    expect(log).toEqual(["crash SyntaxError in worker.js"]);
  });
});

describe("WorkerHost: the page's clock", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("terminates the worker when a cell runs past its own limit and names the cell", () => {
    const { host, log, running } = setup({ loop: 300 });
    const worker = running();
    worker.say({ type: "cellStart", runId: 1, cellId: "loop" });
    vi.advanceTimersByTime(299);
    expect(worker.terminated).toBe(false);
    vi.advanceTimersByTime(1);
    expect(worker.terminated).toBe(true);
    expect(log).toContain("timeout loop 300");
    expect(host.started).toBe(false);
    expect(host.runningCell).toBeUndefined();
  });

  it("gives a cell no extra time for its outputs", () => {
    const { log, running } = setup({ loop: 300 });
    const worker = running();
    worker.say({ type: "cellStart", runId: 1, cellId: "loop" });
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(50);
      worker.say({ type: "output", runId: 1, cellId: "loop", outputId: `o${i}`, output: { kind: "log", level: "log", text: "x" } });
    }
    expect(log).toContain("timeout loop 300");
  });

  it("lets a cell that finishes in time run on, and times each cell separately", () => {
    const { log, running } = setup();
    const worker = running();
    worker.say({ type: "cellStart", runId: 1, cellId: "a" });
    vi.advanceTimersByTime(9_000);
    worker.say({ type: "cellDone", runId: 1, cellId: "a", ms: 9_000 });
    worker.say({ type: "cellStart", runId: 1, cellId: "b" });
    vi.advanceTimersByTime(9_000);
    worker.say({ type: "cellError", runId: 1, cellId: "b", error: { name: "Error", message: "x" } });
    worker.say({ type: "runDone", runId: 1 });
    vi.advanceTimersByTime(60_000);
    expect(worker.terminated).toBe(false);
    expect(log.filter((l) => l.startsWith("timeout") || l.startsWith("crash"))).toEqual([]);
  });

  it("stops a worker that falls silent during a run, whatever it said before", () => {
    const { log, running } = setup();
    const worker = running();
    // A forged end of the run on the worker's own channel, then silence (a cell in `while (true) {}`).
    worker.post({ type: "runDone", runId: 1 });
    vi.advanceTimersByTime(10_000);
    expect(worker.terminated).toBe(true);
    expect(log.at(-1)).toMatch(/^crash the notebook stopped answering/);
  });

  it("starts a fresh worker after a timeout and ignores the old one's late messages", () => {
    const { host, workers, log } = setup({ loop: 100 });
    host.send(init);
    host.send({ type: "runAll", runId: 1 });
    workers[0].connect();
    workers[0].say({ type: "ready" });
    workers[0].say({ type: "cellStart", runId: 1, cellId: "loop" });
    vi.advanceTimersByTime(100);
    host.send(init);
    expect(workers).toHaveLength(2);
    const before = log.length;
    workers[0].say({ type: "cellDone", runId: 1, cellId: "loop", ms: 1 });
    expect(log).toHaveLength(before);
    workers[1].connect();
    workers[1].say({ type: "ready" });
    expect(workers[1].received).toEqual([init]);
  });
});

describe("WorkerHost: message validation", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("drops forged messages: unknown types, wrong shapes, unknown cells and runs never sent", () => {
    const { log, dropped, running } = setup();
    const worker = running();
    worker.say({ type: "cellStart", runId: 1, cellId: "a" });
    const forged: unknown[] = [
      null,
      "cellDone",
      { type: "evil" },
      { type: "output", runId: 1, cellId: "a", outputId: "x", output: { kind: "check", passed: "yes", title: "t", message: "" } },
      { type: "output", runId: 1, cellId: "a", outputId: "x", output: { kind: "html", html: "<img onerror=alert(1)>" } },
      { type: "output", runId: 1, cellId: "a", outputId: 7, output: { kind: "log", level: "log", text: "x" } },
      { type: "output", runId: 99, cellId: "a", outputId: "x", output: { kind: "log", level: "log", text: "x" } },
      { type: "output", runId: 1, cellId: "nope", outputId: "x", output: { kind: "log", level: "log", text: "x" } },
      { type: "cellDone", runId: 1, cellId: "a", ms: "fast" },
      { type: "cellError", runId: 1, cellId: "a", error: "boom" },
    ];
    for (const message of forged) worker.say(message);
    expect(dropped).toHaveLength(forged.length);
    expect(log).toEqual(["message ready", "message cellStart a"]);
  });

  it("drops messages out of order: output before cellStart, a second cell while one runs, a later run before the earlier", () => {
    const { host, log, dropped, running } = setup();
    const worker = running();
    host.send({ type: "run", runId: 2, cellIds: ["b"] });
    const log1 = { kind: "log", level: "log", text: "x" } as const;
    worker.say({ type: "output", runId: 1, cellId: "a", outputId: "o", output: log1 });
    worker.say({ type: "cellStart", runId: 2, cellId: "b" });
    worker.say({ type: "cellStart", runId: 1, cellId: "a" });
    worker.say({ type: "cellStart", runId: 1, cellId: "b" });
    worker.say({ type: "cellSkipped", runId: 1, cellId: "b", because: "x" });
    worker.say({ type: "output", runId: 1, cellId: "b", outputId: "o", output: log1 });
    expect(log).toEqual(["message ready", "message cellStart a"]);
    expect(dropped).toEqual([
      'output: cell "a" is not running',
      "cellStart: run 2 before run 1 is done",
      'cellStart: cell "a" has not ended',
      'cellSkipped: cell "a" has not ended',
      'output: cell "b" is not running',
    ]);
  });

  it("drops duplicates: a second ready, a cell done twice, a cell run twice, anything after runDone", () => {
    const { dropped, log, running } = setup();
    const worker = running();
    worker.say({ type: "ready" });
    worker.say({ type: "cellStart", runId: 1, cellId: "a" });
    worker.say({ type: "cellDone", runId: 1, cellId: "a", ms: 1 });
    worker.say({ type: "cellDone", runId: 1, cellId: "a", ms: 1 });
    worker.say({ type: "cellStart", runId: 1, cellId: "a" });
    worker.say({ type: "runDone", runId: 1 });
    worker.say({ type: "runDone", runId: 1 });
    worker.say({ type: "output", runId: 1, cellId: "a", outputId: "o", output: { kind: "log", level: "log", text: "late" } });
    expect(log).toEqual(["message ready", "message cellStart a", "message cellDone a", "message runDone"]);
    expect(dropped).toEqual([
      "ready: sent twice",
      'cellDone: cell "a" is not running',
      'cellStart: cell "a" already ran in run 1',
      "runDone: run 1 is not running (never sent, or already done)",
      "output: run 1 is not running (never sent, or already done)",
    ]);
  });

  it("reports a cell still open at runDone as failed, so it never stays running", () => {
    const { log, running } = setup();
    const worker = running();
    worker.say({ type: "cellStart", runId: 1, cellId: "a" });
    worker.say({ type: "runDone", runId: 1 });
    expect(log).toEqual(["message ready", "message cellStart a", "message cellError a", "message runDone"]);
  });
});
