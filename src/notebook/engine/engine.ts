/**
 * The engine: owns a chapter's cells, their shared scope and the dependency
 * graph, runs cells and reports everything as `WorkerToPage` messages through
 * `send`. It knows nothing of Web Workers, Node or the DOM; `browser-worker.ts` and
 * `node-worker.ts` wire it to their message channels.
 *
 * Runs are queued: a run request that arrives while a cell is awaiting waits
 * for the current run to finish, so two runs never interleave in the scope.
 */
import type { CellSource, Output, PageToWorker, PickedFile, WorkerToPage } from "../protocol";
import { transpileCell, wrapCell, CellSyntaxError, type TranspiledCell } from "../compile/transpile";
import { CellGraph } from "./graph";
import { bindNotebook, outputFor, setActiveContext, type NotebookContext } from "./notebook-module";
import { taggedOutput } from "./displayable";
import { formatLogArgument } from "./values";
import { runtimeCellError, syntaxCellError, withImportHint } from "./errors";
import type { CellError } from "../protocol";
import { CellOutputBudget, joinClipped, OUTPUT_LIMITS } from "./limits";
import type { CellTimers, TimerOwner } from "./timers";

export interface EngineOptions {
  /** Importable modules other than "notebook", e.g. `{ transformer: library }`. */
  modules: Record<string, object>;
  send(message: WorkerToPage): void;
  /** The site's base URL for assets, e.g. "/course/" (ends with "/"). */
  assetBase: string;
  /** Reads an asset's bytes; defaults to `fetch(asset(path))`. */
  loadBytes?(path: string): Promise<Uint8Array>;
  /** The worker's timer registry (see timers.ts): a cell's timers are cleared when it ends. */
  timers?: CellTimers;
}

/** Names a cell can use without importing them. */
const BUILTINS = ["display"] as const;

type Status = "stale" | "fresh" | "failed";

interface CellState {
  source: CellSource;
  compiled?: TranspiledCell;
  compileError?: CellSyntaxError;
  /** The last compilation that succeeded: keeps the graph whole while a cell has a typo. */
  lastGood?: TranspiledCell;
  status: Status;
  /** Names this cell put in the scope at its last successful run. */
  defined: string[];
}

const LOG_LEVELS = ["log", "info", "warn", "error", "debug"] as const;

/** A file request the page has not answered yet. */
interface PendingFile {
  runId: number;
  settle(answer: Extract<PageToWorker, { type: "file" }>): void;
}

export class Engine {
  private cells: CellState[] = [];
  private readonly scope = new Map<string, unknown>();
  private queue: Promise<void> = Promise.resolve();
  private controller = new AbortController();
  private currentRunId = -1;
  private interruptedUpTo = -1;
  private readonly functionCache = new Map<string, (runtime: object) => Promise<void>>();
  private assetBase: string;
  /** The context of the cell running now (or of the timer callback running now). */
  private active: NotebookContext | null = null;
  private readonly console: Console = cellConsole(() => this.active);
  private nextRequestId = 1;
  private readonly pendingFiles = new Map<number, PendingFile>();

  constructor(private readonly options: EngineOptions) {
    this.assetBase = options.assetBase;
  }

  /** Dispatches one page message (what the worker entries call). */
  handle(message: PageToWorker): Promise<void> | void {
    switch (message.type) {
      case "init":
        this.assetBase = message.assetBase;
        return this.setCells(message.cells);
      case "update":
        return this.update(message.cell);
      case "run":
        return this.run(message.cellIds, message.runId);
      case "runAll":
        return this.runAll(message.runId, message.upTo);
      case "interrupt":
        return this.interrupt(message.runId);
      case "file":
        return this.answerFile(message);
    }
  }

  /** The page's answer to a file request; an answer nobody waits for (the cell was stopped) is ignored. */
  answerFile(message: Extract<PageToWorker, { type: "file" }>): void {
    const pending = this.pendingFiles.get(message.requestId);
    if (!pending) return;
    this.pendingFiles.delete(message.requestId);
    pending.settle(message);
  }

  /** Replaces the chapter's cells (page order) and forgets the scope. */
  setCells(cells: CellSource[]): void {
    this.cells = cells.map((source) => this.compile({ source, status: "stale", defined: [] }));
    this.scope.clear();
  }

  /** The reader changed a cell's code; it runs when asked to. */
  update(source: CellSource): void {
    const state = this.state(source.id);
    if (state.source.code === source.code && state.source.norun === source.norun) return;
    state.source = source;
    state.status = "stale";
    this.compile(state);
  }

  /** Runs `cellIds`, the cells downstream of them, and any stale cells they need, in page order. */
  run(cellIds: string[], runId: number): Promise<void> {
    return this.enqueue(runId, () => {
      const graph = this.graph();
      // Cells that read a name the target used to declare must rerun too, even if it no longer declares it.
      const oldNames = new Set(cellIds.flatMap((id) => this.state(id).defined));
      const readers = this.cells.filter((c) => this.namesOf(c).references.some((n) => oldNames.has(n))).map((c) => c.source.id);
      const plan = new Set(graph.downstream([...cellIds, ...readers]));
      const addStaleUpstream = (id: string) => {
        for (const up of graph.upstreamOf(id)) {
          const state = this.state(up);
          if (!plan.has(up) && state.status !== "fresh" && !state.source.norun) {
            plan.add(up);
            addStaleUpstream(up);
          }
        }
      };
      for (const id of [...plan]) addStaleUpstream(id);
      return this.cells.map((c) => c.source.id).filter((id) => plan.has(id));
    }, new Set(cellIds));
  }

  /** Runs every cell in page order except `norun` ones; with `upTo`, only the cells above that cell. */
  runAll(runId: number, upTo?: string): Promise<void> {
    return this.enqueue(runId, () => {
      const end = upTo === undefined ? this.cells.length : this.indexOf(upTo);
      return this.cells
        .slice(0, end)
        .filter((c) => !c.source.norun)
        .map((c) => c.source.id);
    });
  }

  /** Aborts the `signal` of the run in progress (if its id is at most `runId`) and drops queued runs up to `runId`. */
  interrupt(runId: number): void {
    this.interruptedUpTo = Math.max(this.interruptedUpTo, runId);
    if (this.currentRunId <= runId) this.controller.abort();
  }

  /** `requested`: the cells the reader asked for; a `norun` cell outside it is never started by a change above it. */
  private enqueue(runId: number, plan: () => string[], requested: ReadonlySet<string> = new Set()): Promise<void> {
    const next = this.queue.then(async () => {
      if (runId <= this.interruptedUpTo) {
        this.options.send({ type: "runDone", runId });
        return;
      }
      this.currentRunId = runId;
      this.controller = new AbortController();
      try {
        await this.execute(plan(), runId, requested);
      } finally {
        this.options.send({ type: "runDone", runId });
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async execute(cellIds: string[], runId: number, requested: ReadonlySet<string>): Promise<void> {
    const graph = this.graph();
    const blocked = new Map<string, string>();
    const planned = new Set(cellIds);
    for (const cellId of cellIds) {
      const state = this.state(cellId);
      const send = this.options.send;
      // A norun cell (long training) starts only from its own Run button, never because a cell above it changed.
      const changedAbove = state.source.norun && !requested.has(cellId) ? graph.upstreamOf(cellId).find((up) => planned.has(up)) : undefined;
      if (changedAbove !== undefined) {
        this.forget(state);
        state.status = "stale";
        blocked.set(cellId, this.notRunReason(cellId));
        send({ type: "cellSkipped", runId, cellId, because: `it depends on cell "${changedAbove}", which changed — press Run to run it again` });
        continue;
      }
      const reason = this.controller.signal.aborted
        ? "the run was stopped"
        : graph
            .upstreamOf(cellId)
            .map((up) => blocked.get(up) ?? (this.state(up).status !== "fresh" ? this.notRunReason(up) : undefined))
            .find(Boolean);
      this.forget(state);
      if (reason) {
        state.status = "failed";
        blocked.set(cellId, `it depends on cell "${cellId}", which was skipped`);
        send({ type: "cellSkipped", runId, cellId, because: reason });
        continue;
      }
      const problem = state.compileError ? syntaxCellError(state.compileError) : graphError(graph, cellId);
      // Every run of a cell starts with `cellStart`, so the page clears the old output even when the cell cannot run.
      if (problem) send({ type: "cellStart", runId, cellId });
      const error = problem ?? (await this.runCell(state, graph.inputsOf(cellId), runId));
      if (error) {
        state.status = "failed";
        blocked.set(cellId, `it depends on cell "${cellId}", which failed`);
        send({ type: "cellError", runId, cellId, error });
      }
    }
  }

  private notRunReason(cellId: string): string {
    const state = this.state(cellId);
    return state.source.norun
      ? `it depends on cell "${cellId}", which only runs when you press its Run button`
      : `it depends on cell "${cellId}", which has not run`;
  }

  /** Runs one compiled cell; returns its error, or undefined after sending `cellDone`. */
  private async runCell(state: CellState, inputs: string[], runId: number): Promise<CellError | undefined> {
    const { send } = this.options;
    const cell = state.compiled!;
    const cellId = state.source.id;
    const signal = this.controller.signal;
    const { context, owner, close } = this.openRun(cellId, runId);
    const notebookModule = bindNotebook(context);
    const modules: Record<string, object> = { ...this.options.modules, notebook: notebookModule };
    let defined: Record<string, unknown> = {};
    const runtime = {
      scope: Object.fromEntries(inputs.map((name) => [name, this.scope.get(name)])),
      builtins: notebookModule,
      value: undefined as unknown,
      import(module: string, names: string[]) {
        const found = modules[module];
        if (!found) throw new Error(`the module "${module}" is not available in this notebook`);
        const missing = names.filter((name) => !(name in found));
        if (missing.length) throw new SyntaxError(`"${module}" has no export named ${missing.map((n) => `"${n}"`).join(", ")}`);
        return found;
      },
      define(values: Record<string, unknown>) {
        defined = values;
      },
    };
    const builtins = cell.references.filter((name) => !inputs.includes(name) && (BUILTINS as readonly string[]).includes(name));

    const started = performance.now();
    const leave = owner.enter();
    this.options.timers?.setOwner(owner);
    try {
      const fn = this.evaluate(wrapCell(cell, { inputs, builtins, cellId }));
      await fn(runtime);
      let value = runtime.value;
      if (isThenable(value)) value = await value;
      if (cell.hasValue && value !== undefined && taggedOutput(value) !== "hidden") context.emit(outputFor(value));
    } catch (thrown) {
      if (signal.aborted) context.emit({ kind: "stopped", message: "Stopped." } satisfies Output);
      close();
      return this.describe(thrown, cellId, modules);
    } finally {
      this.options.timers?.setOwner(null);
      leave();
    }
    close();
    for (const [name, value] of Object.entries(defined)) this.scope.set(name, value);
    state.defined = Object.keys(defined);
    state.status = "fresh";
    send({ type: "cellDone", runId, cellId, ms: Math.round((performance.now() - started) * 100) / 100 });
    return undefined;
  }

  /**
   * The context of one cell run: its outputs pass the run's budget (limits.ts)
   * and stop at `close`, which also clears the run's timers. `owner.enter()`
   * makes the run the active one (for `console` and the top-level helpers).
   */
  private openRun(cellId: string, runId: number): { context: NotebookContext; owner: TimerOwner; close(): void } {
    const { send } = this.options;
    const budget = new CellOutputBudget();
    let outputCount = 0;
    const post = (output: Output, outputId: string, replace: boolean) => {
      for (const admitted of budget.admit(output, outputId, replace)) {
        send({ type: "output", runId, cellId, outputId, output: admitted, ...(replace ? { replace } : {}) });
      }
    };
    const context: NotebookContext = {
      emit: (output, { outputId, replace } = {}) => {
        const id = outputId ?? `${cellId}:${runId}:${outputCount++}`;
        post(output, id, Boolean(replace));
        return id;
      },
      signal: this.controller.signal,
      requestFile: (accept, label) => this.requestFile(runId, cellId, accept, label),
      asset: (path) => resolveAsset(this.assetBase, path),
      loadBytes: (path) => (this.options.loadBytes ? this.options.loadBytes(path) : fetchBytes(resolveAsset(this.assetBase, path))),
    };
    const owner: TimerOwner = {
      enter: () => {
        const previous = this.active;
        const global = globalThis as { console: Console };
        const previousConsole = global.console;
        this.active = context;
        setActiveContext(context);
        // A cell may have replaced or deleted `console`: each run starts with the notebook's, and the one before comes back after.
        global.console = this.console;
        return () => {
          this.active = previous;
          setActiveContext(previous);
          global.console = previous ? this.console : previousConsole;
        };
      },
      fail: (error) => context.emit({ kind: "error", error: this.describe(error, cellId, this.options.modules) }),
    };
    send({ type: "cellStart", runId, cellId });
    const close = () => {
      if (budget.isClosed) return;
      // A request the cell did not await dies with the run: the page removes its picker when the cell ends.
      for (const [requestId, pending] of this.pendingFiles) if (pending.runId === runId) this.pendingFiles.delete(requestId);
      this.options.timers?.clearOwner(owner);
      const notes = budget.close();
      for (const note of notes) send({ type: "output", runId, cellId, outputId: `${cellId}:${runId}:${outputCount++}`, output: note });
    };
    return { context, owner, close };
  }

  /**
   * Asks the page for a file the reader picks; rejects when the reader
   * cancels, when nobody can pick one (the build) and when Stop is pressed.
   */
  private requestFile(runId: number, cellId: string, accept: string, label: string): Promise<PickedFile> {
    const signal = this.controller.signal;
    return new Promise<PickedFile>((resolve, reject) => {
      if (signal.aborted) return reject(new Error("openFile: the run was stopped"));
      if ([...this.pendingFiles.values()].some((pending) => pending.runId === runId)) {
        return reject(new Error("openFile: this cell already waits for a file; await the first openFile before asking for another"));
      }
      const requestId = this.nextRequestId++;
      const stopped = () => {
        this.pendingFiles.delete(requestId);
        reject(new Error("openFile: stopped while waiting for a file"));
      };
      signal.addEventListener("abort", stopped, { once: true });
      this.pendingFiles.set(requestId, {
        runId,
        settle: (answer) => {
          signal.removeEventListener("abort", stopped);
          const file = answer.file;
          if (file && typeof file.name === "string" && file.bytes instanceof Uint8Array) resolve({ name: file.name, bytes: file.bytes });
          else reject(new Error(`openFile: ${typeof answer.refused === "string" ? answer.refused : "no file was chosen"}`));
        },
      });
      this.options.send({ type: "fileRequest", runId, cellId, requestId, accept, label });
    });
  }

  /** Whatever a cell threw as a `CellError`; never throws, whatever the value (a proxy, a throwing getter). */
  private describe(thrown: unknown, cellId: string, modules: Record<string, object>): CellError {
    try {
      return withImportHint(
        runtimeCellError(thrown, cellId, (safeId) => this.lookup(safeId)),
        modules,
      );
    } catch {
      return { name: "Error", message: "the cell threw a value that cannot be read (its properties throw when accessed)" };
    }
  }

  private evaluate(code: string): (runtime: object) => Promise<void> {
    let fn = this.functionCache.get(code);
    if (!fn) {
      // Indirect eval: global scope, so cells never see this module's variables.
      fn = (0, eval)(code) as (runtime: object) => Promise<void>;
      if (this.functionCache.size > 500) this.functionCache.clear();
      this.functionCache.set(code, fn);
    }
    return fn;
  }

  private compile(state: CellState): CellState {
    try {
      state.compiled = transpileCell(state.source.code);
      state.lastGood = state.compiled;
      state.compileError = undefined;
    } catch (error) {
      if (!(error instanceof CellSyntaxError)) throw error;
      state.compiled = undefined;
      state.compileError = error;
    }
    return state;
  }

  private namesOf(state: CellState): { declarations: string[]; references: string[] } {
    return state.compiled ?? state.lastGood ?? { declarations: [], references: [] };
  }

  private graph(): CellGraph {
    return new CellGraph(this.cells.map((c) => ({ id: c.source.id, ...this.namesOf(c) })));
  }

  /** Removes the names a cell defined, so nothing downstream sees a stale value. */
  private forget(state: CellState): void {
    for (const name of state.defined) this.scope.delete(name);
    state.defined = [];
  }

  private lookup(safeId: string) {
    const state = this.cells.find((c) => c.source.id.replace(/[^\w-]/g, "_") === safeId);
    return state?.compiled ? { id: state.source.id, cell: state.compiled } : undefined;
  }

  private indexOf(cellId: string): number {
    const index = this.cells.findIndex((c) => c.source.id === cellId);
    if (index < 0) throw new Error(`no cell with id "${cellId}"`);
    return index;
  }

  private state(cellId: string): CellState {
    return this.cells[this.indexOf(cellId)];
  }
}

function graphError(graph: CellGraph, cellId: string): CellError | undefined {
  const problem = graph.problemOf(cellId);
  return problem && { name: "NameError", message: problem.message };
}

/**
 * The `console` cells see: its logging methods go to the running cell's
 * output; everything else is the real console. Put back in place before each
 * cell, so `console = null` in one cell breaks only that cell.
 */
function cellConsole(active: () => NotebookContext | null): Console {
  const real = console;
  const routed = Object.create(real) as Console;
  for (const level of LOG_LEVELS) {
    routed[level] = (...args: unknown[]) => {
      const context = active();
      if (!context) return real[level](...args);
      const text = joinClipped(args.map(safeFormat), OUTPUT_LIMITS.textPerOutput);
      context.emit({ kind: "log", level: level === "debug" ? "log" : level, text });
    };
  }
  return routed;
}

/** `formatLogArgument`, or a placeholder when the value resists (a throwing proxy). */
function safeFormat(value: unknown): string {
  try {
    return formatLogArgument(value);
  } catch {
    return "[a value that cannot be shown]";
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as PromiseLike<unknown>).then === "function";
}

/** `assetBase` + `path`, with exactly one slash between them. */
export function resolveAsset(assetBase: string, path: string): string {
  return `${assetBase.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}
