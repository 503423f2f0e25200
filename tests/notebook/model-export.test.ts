/**
 * Saving and loading a model from a cell: `download` offers bytes as a file,
 * `openFile` waits for a file the reader picks. The messages are checked like
 * every other (validate.ts), the supervisor pauses the cell's clock while the
 * reader chooses, and Stop still ends the wait.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Engine } from "../../src/notebook/engine/engine";
import { WorkerHost, NO_READER, type WorkerLike, type WorkerPort } from "../../src/notebook/host/supervisor";
import { parseWorkerMessage, RunTracker } from "../../src/notebook/host/validate";
import type { Output, PageToWorker, WorkerToPage } from "../../src/notebook/protocol";
import * as library from "../../src/lib/index";

function notebook(cells: { id: string; code: string }[]) {
  const messages: WorkerToPage[] = [];
  const nb = new Engine({ modules: { transformer: library }, send: (m) => messages.push(m), assetBase: "/" });
  nb.setCells(cells);
  const outputs = (cellId: string): Output[] => messages.flatMap((m) => (m.type === "output" && m.cellId === cellId ? [m.output] : []));
  const error = (cellId: string) => messages.find((m) => m.type === "cellError" && m.cellId === cellId);
  const request = () => messages.find((m) => m.type === "fileRequest") as Extract<WorkerToPage, { type: "fileRequest" }> | undefined;
  return { nb, messages, outputs, error, request };
}

/** Resolves once the engine has posted a file request (the cell awaits it). */
async function requested(t: ReturnType<typeof notebook>) {
  await vi.waitFor(() => expect(t.request()).toBeDefined());
  return t.request()!;
}

/** The parameters of a linear layer [inDim, outDim], as a model holds them. */
const layer = (inDim: number, outDim: number, seed: number) => library.initLinear(new library.Random(seed), inDim, outDim);

const SAVE = `import { initLinear, Random, saveState } from "transformer";
import { download } from "notebook";
const layer = initLinear(new Random(7), 3, 2);
download(saveState(layer), "layer.weights", "a linear layer");`;

describe("download: a cell offers bytes as a file", () => {
  it("emits a download output with the library's weights format, which passes the page's checks", async () => {
    const t = notebook([{ id: "save", code: SAVE }]);
    await t.nb.runAll(1);
    expect(t.error("save")).toBeUndefined();
    const output = t.outputs("save").find((o) => o.kind === "download");
    expect(output).toMatchObject({ kind: "download", name: "layer.weights", description: "a linear layer" });
    const bytes = (output as Extract<Output, { kind: "download" }>).bytes;
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("TFW1");
    const params = library.loadState(bytes);
    expect(Object.keys(params).sort()).toEqual(["b", "w"]);
    expect(Array.from(params.w.data)).toEqual(Array.from(layer(3, 2, 7).w.data));
    const message = t.messages.find((m) => m.type === "output" && m.output.kind === "download");
    expect(parseWorkerMessage(message).ok).toBe(true);
  });

  it("refuses a folder in the name, a model instead of bytes, and data of the wrong type, with messages that say what to pass", async () => {
    const t = notebook([
      { id: "path", code: 'import { download } from "notebook";\ndownload(new Uint8Array(3), "../evil.html")' },
      { id: "model", code: 'import { download } from "notebook";\ndownload({ params: {} } as any, "m.weights")' },
      { id: "number", code: 'import { download } from "notebook";\ndownload(42 as any, "n.bin")' },
    ]);
    await t.nb.runAll(1);
    expect(t.error("path")).toMatchObject({ error: { name: "TypeError", message: expect.stringContaining("plain file name") } });
    expect(t.error("model")).toMatchObject({ error: { message: expect.stringContaining("saveState(model.params)") } });
    expect(t.error("number")).toMatchObject({ error: { message: expect.stringContaining("not a number") } });
  });

  it("the page drops a download whose name or bytes a cell forged", () => {
    const base = { type: "output", runId: 1, cellId: "a", outputId: "x" };
    const forged = [
      { kind: "download", name: "../../etc/passwd", bytes: new Uint8Array(1) },
      { kind: "download", name: ".bashrc", bytes: new Uint8Array(1) },
      { kind: "download", name: "ok.bin", bytes: [1, 2, 3] },
      { kind: "download", name: "a\nb.bin", bytes: new Uint8Array(1) },
      { kind: "download", name: "ok.bin", bytes: new Uint8Array(1), description: 5 },
    ];
    for (const output of forged) expect(parseWorkerMessage({ ...base, output }).ok, JSON.stringify(output)).toBe(false);
    expect(parseWorkerMessage({ ...base, output: { kind: "download", name: "vit.weights", bytes: new Uint8Array(8) } }).ok).toBe(true);
  });
});

const LOAD = `import { initLinear, Random, loadState, copyState } from "transformer";
import { openFile } from "notebook";
const file = await openFile({ accept: ".weights", label: "Choose weights" });
const loaded = initLinear(new Random(0), 3, 2);
copyState(loaded, loadState(file.bytes));
console.log(file.name);
Array.from(loaded.w.data)`;

describe("openFile: a cell waits for the reader's file", () => {
  it("asks the page, then loads the weights it gets back: the same numbers as the saved layer", async () => {
    const t = notebook([{ id: "load", code: LOAD }]);
    const run = t.nb.runAll(1);
    const request = await requested(t);
    expect(request).toMatchObject({ cellId: "load", accept: ".weights", label: "Choose weights" });
    expect(parseWorkerMessage(request).ok).toBe(true);
    const saved = layer(3, 2, 7);
    t.nb.handle({ type: "file", requestId: request.requestId, file: { name: "layer.weights", bytes: library.saveState(saved) } });
    await run;
    expect(t.error("load")).toBeUndefined();
    const value = t.outputs("load").find((o) => o.kind === "value");
    expect(value?.kind === "value" && value.value.type === "array" ? value.value.items.map((i) => (i.type === "number" ? i.value : NaN)) : []).toEqual(Array.from(saved.w.data));
  });

  it("a file that is not weights, or weights of another shape, fails with the library's message", async () => {
    for (const [bytes, message] of [
      [new TextEncoder().encode("hello, not weights"), "not a weights file"],
      [library.saveState(layer(4, 2, 1)), 'copyState: "w" has shape [4,2] in the source but [3,2] in the model'],
    ] as const) {
      const t = notebook([{ id: "load", code: LOAD }]);
      const run = t.nb.runAll(1);
      const request = await requested(t);
      t.nb.handle({ type: "file", requestId: request.requestId, file: { name: "x.bin", bytes } });
      await run;
      expect(t.error("load")?.type === "cellError" && t.error("load")).toMatchObject({ error: { message: expect.stringContaining(message) } });
    }
  });

  it("Cancel, a refusal (no reader at build time) and Stop each end the wait with a message", async () => {
    for (const answer of ["cancel", "refuse", "stop"] as const) {
      const t = notebook([{ id: "load", code: LOAD }]);
      const run = t.nb.runAll(1);
      const request = await requested(t);
      if (answer === "stop") t.nb.handle({ type: "interrupt", runId: 1 });
      else t.nb.handle({ type: "file", requestId: request.requestId, ...(answer === "refuse" ? { refused: NO_READER } : {}) });
      await run;
      const expected = { cancel: "no file was chosen", refuse: "no reader can pick a file", stop: "stopped while waiting" }[answer];
      expect(t.error("load")).toMatchObject({ error: { message: expect.stringContaining(expected) } });
    }
  });

  it("an answer to a request nobody awaits is ignored", async () => {
    const t = notebook([{ id: "load", code: LOAD }]);
    const run = t.nb.runAll(1);
    const request = await requested(t);
    t.nb.handle({ type: "file", requestId: request.requestId + 100, file: { name: "x", bytes: new Uint8Array() } });
    t.nb.handle({ type: "interrupt", runId: 1 });
    await run;
    expect(t.error("load")).toMatchObject({ error: { message: expect.stringContaining("stopped") } });
  });
});

describe("RunTracker and the supervisor: file requests", () => {
  it("accepts a file request only from the running cell, one at a time", () => {
    const tracker = new RunTracker(() => true);
    tracker.accept({ type: "ready" });
    tracker.open(1);
    const ask = (cellId: string, requestId: number): WorkerToPage => ({ type: "fileRequest", runId: 1, cellId, requestId, accept: "", label: "x" });
    expect(tracker.accept(ask("a", 1))).toMatch(/not running/);
    tracker.accept({ type: "cellStart", runId: 1, cellId: "a" });
    expect(tracker.accept(ask("a", 1))).toBeUndefined();
    expect(tracker.accept(ask("a", 2))).toMatch(/already awaits/);
    expect(tracker.answer(2)).toBe(false);
    expect(tracker.answer(1)).toBe(true);
    expect(tracker.waitingFor).toBeUndefined();
  });

  it("drops a request whose label or accept list is not short text", () => {
    const base = { type: "fileRequest", runId: 1, cellId: "a", requestId: 1 };
    expect(parseWorkerMessage({ ...base, accept: "", label: "x".repeat(500) }).ok).toBe(false);
    expect(parseWorkerMessage({ ...base, accept: 3, label: "x" }).ok).toBe(false);
    expect(parseWorkerMessage({ ...base, requestId: -1, accept: "", label: "x" }).ok).toBe(false);
  });
});

/** The private channel of a fake worker. */
class FakePort implements WorkerPort {
  received: PageToWorker[] = [];
  onmessage: ((data: unknown) => void) | null = null;
  postMessage(message: PageToWorker) {
    this.received.push(message);
  }
  close() {}
}

function fakeHost(askReader: boolean) {
  const port = new FakePort();
  const worker: WorkerLike = { onmessage: null, onerror: null, terminate: () => {}, openPort: (p) => (p === port ? port : undefined) };
  const log: string[] = [];
  const host = new WorkerHost(() => worker, {
    message: (m) => log.push(m.type),
    timeout: (cellId) => log.push(`timeout ${cellId}`),
    crash: (reason) => log.push(`crash ${reason}`),
  }, { limitFor: () => 1000, isCell: () => true, askReader });
  host.send({ type: "runAll", runId: 1 });
  worker.onmessage!({ type: "connect", port });
  const say = (message: WorkerToPage) => port.onmessage!(message);
  say({ type: "ready" });
  say({ type: "cellStart", runId: 1, cellId: "load" });
  return { host, port, log, say };
}

describe("WorkerHost: the clock of a cell that waits for the reader", () => {
  afterEach(() => vi.useRealTimers());

  it("stands still while the reader chooses, and runs on with the time left after the answer", () => {
    vi.useFakeTimers();
    const { host, port, log, say } = fakeHost(true);
    vi.advanceTimersByTime(600);
    say({ type: "fileRequest", runId: 1, cellId: "load", requestId: 1, accept: "", label: "Choose" });
    vi.advanceTimersByTime(60_000);
    expect(log).not.toContain("timeout load");
    host.send({ type: "file", requestId: 1, file: { name: "w", bytes: new Uint8Array(1) } });
    expect(port.received.at(-1)).toMatchObject({ type: "file", requestId: 1 });
    vi.advanceTimersByTime(399);
    expect(log).not.toContain("timeout load");
    vi.advanceTimersByTime(2);
    expect(log).toContain("timeout load");
  });

  it("forwards only the answer to the request the cell awaits", () => {
    vi.useFakeTimers();
    const { host, port, say } = fakeHost(true);
    say({ type: "fileRequest", runId: 1, cellId: "load", requestId: 4, accept: "", label: "Choose" });
    host.send({ type: "file", requestId: 3, refused: "x" });
    expect(port.received.some((m) => m.type === "file")).toBe(false);
  });

  it("without a reader (the build), refuses the request at once and keeps the clock running", () => {
    vi.useFakeTimers();
    const { port, log, say } = fakeHost(false);
    say({ type: "fileRequest", runId: 1, cellId: "load", requestId: 1, accept: "", label: "Choose" });
    expect(port.received.at(-1)).toEqual({ type: "file", requestId: 1, refused: NO_READER });
    expect(log).not.toContain("fileRequest");
    vi.advanceTimersByTime(1001);
    expect(log).toContain("timeout load");
  });
});
