/**
 * `<nb-notebook>`: the page-level controller of a chapter's cells.
 *
 * It starts the chapter's worker on the first run (never at page load), sends
 * the cells' code and run requests, routes the worker's reports to the cells,
 * and handles the two ways a run ends early: Stop (ask nicely, then terminate)
 * and a cell's time limit (terminate, restart, rebuild the scope above it).
 */
import type { CellError, CellSource, PageToWorker, WorkerToPage } from "../protocol";
import type { CellEventDetail, NotebookCell } from "./cell-element";
import { DEFAULT_TIMEOUT_MS, WorkerHost } from "../host/supervisor";
import { startBrowserWorker } from "../host/browser-worker-host";
import { watchShareLinks } from "./shared-code";

/** How long Stop waits for a cell to notice `signal` before terminating the worker. */
const STOP_GRACE_MS = 1500;

/** The custom element behind `src/components/NotebookBar.astro`. */
export class NotebookController extends HTMLElement {
  private host!: WorkerHost;
  private nextRunId = 1;
  /** Runs sent and not yet `runDone`, with the cell the reader asked to run (none for Run all). */
  private readonly activeRuns = new Map<number, string | undefined>();
  /** Cells that started in each active run: a queued cell that never started was dropped. */
  private readonly startedIn = new Map<number, Set<string>>();
  /** Code of each cell as the current worker knows it. */
  private readonly sent = new Map<string, string>();
  private stopTimer: ReturnType<typeof setTimeout> | undefined;

  get chapter(): string {
    return this.dataset.chapter!;
  }

  connectedCallback(): void {
    if (this.host) return;
    this.host = new WorkerHost(startBrowserWorker, {
      message: (message) => this.receive(message),
      timeout: (cellId, limit) => this.interrupted(cellId, `Stopped after ${formatSeconds(limit)}: the cell ran longer than its time limit. The cells above were run again to rebuild the scope.`),
      crash: (reason, cellId) => this.crashed(reason, cellId),
    }, {
      limitFor: (cellId) => this.cell(cellId)?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      isCell: (cellId) => this.cell(cellId) !== undefined,
      // The library is part of the page's own files: two minutes covers a very slow connection.
      loadLimitMs: 120_000,
      askReader: true,
    });
    document.addEventListener("nb-run", (event) => void this.runCell((event as CustomEvent<CellEventDetail>).detail.cellId));
    document.addEventListener("nb-stop", () => this.stop());
    document.addEventListener("click", (event) => this.useSolution(event));
    this.el(".nb-run-all").addEventListener("click", () => void this.runAll());
    this.el(".nb-stop-all").addEventListener("click", () => this.stop());
    // A share link in the fragment: its code goes into its cell (never run); notices go above this bar.
    void customElements.whenDefined("nb-cell").then(() => watchShareLinks(() => this.cells(), this));
  }

  /** Runs one cell and, through the worker's dependency graph, every cell that uses its names. */
  async runCell(cellId: string): Promise<void> {
    const cell = this.cell(cellId);
    if (!cell) return;
    await this.startWorkerIfNeeded();
    this.sendUpdate(cell);
    const busy = this.host.runningCell ?? [...this.activeRuns.values()].at(-1);
    if (this.activeRuns.size > 0) cell.queued(busy && busy !== cellId ? `cell ${busy}` : "the run before it");
    // The worker also runs any cell above that this one needs and that has not run yet (a fresh worker).
    this.send({ type: "run", runId: this.newRun(cellId), cellIds: [cellId] });
  }

  /** Runs every cell in page order (cells marked `norun` are left to the reader). */
  async runAll(): Promise<void> {
    await this.startWorkerIfNeeded();
    for (const cell of this.cells()) this.sendUpdate(cell);
    this.send({ type: "runAll", runId: this.newRun() });
  }

  /** Asks the running cell to stop (training loops watch `signal`); terminates the worker if it does not. */
  stop(): void {
    if (this.activeRuns.size === 0) return;
    for (const runId of this.activeRuns.keys()) this.host.send({ type: "interrupt", runId });
    clearTimeout(this.stopTimer);
    this.stopTimer = setTimeout(() => {
      const cellId = this.host.runningCell;
      if (this.activeRuns.size === 0) return;
      this.host.terminate();
      if (cellId) this.interrupted(cellId, "Stopped. The cells above were run again to rebuild the scope.");
      else this.resetWorkerState();
    }, STOP_GRACE_MS);
  }

  // --- Worker lifecycle ---

  private async startWorkerIfNeeded(): Promise<void> {
    await customElements.whenDefined("nb-cell");
    if (this.host.started) return;
    this.resetWorkerState();
    const cells: CellSource[] = this.cells().map(sourceOf);
    for (const { id, code } of cells) this.sent.set(id, code);
    this.host.send({ type: "init", chapter: this.chapter, cells, assetBase: import.meta.env.BASE_URL });
    this.status("Starting the notebook…");
  }

  /** A cell was stopped and the worker terminated: tell the cell, start afresh and rerun the cells above it. */
  private interrupted(cellId: string, message: string): void {
    this.cell(cellId)?.stopped(message);
    this.dropQueued("the run was stopped before it reached this cell");
    this.resetWorkerState();
    void this.startWorkerIfNeeded().then(() => {
      this.send({ type: "runAll", runId: this.newRun(), upTo: cellId });
      this.status(`Cell ${cellId} was stopped; rebuilding the scope from the cells above it.`);
    });
  }

  private crashed(reason: string, cellId: string | undefined): void {
    if (cellId) this.cell(cellId)?.stopped(`The notebook stopped unexpectedly: ${reason}`);
    this.dropQueued("the notebook stopped before it ran");
    this.resetWorkerState();
    this.status(`The notebook stopped unexpectedly (${reason}). Press Run to start it again.`);
  }

  /** Tells every cell still waiting in a run that ends now that it will not run. */
  private dropQueued(because: string): void {
    for (const [runId, cellId] of this.activeRuns) {
      if (cellId && !this.startedIn.get(runId)?.has(cellId)) this.cell(cellId)?.dropped(because);
    }
  }

  private resetWorkerState(): void {
    clearTimeout(this.stopTimer);
    this.activeRuns.clear();
    this.startedIn.clear();
    this.sent.clear();
    this.updateControls();
  }

  // --- Messages ---

  private receive(message: WorkerToPage): void {
    switch (message.type) {
      case "ready":
        this.status("");
        break;
      case "cellStart":
        this.startedIn.get(message.runId)?.add(message.cellId);
        this.cell(message.cellId)?.started();
        this.status(`Running cell ${message.cellId}…`);
        break;
      case "output":
        this.cell(message.cellId)?.output(message.output, message.outputId, message.replace);
        break;
      case "fileRequest": {
        const { requestId } = message;
        this.cell(message.cellId)?.askForFile(message, (reply) => this.host.send({ type: "file", requestId, ...reply }));
        break;
      }
      case "cellDone":
        this.cell(message.cellId)?.done(message.ms);
        break;
      case "cellError":
        this.cell(message.cellId)?.failed(this.withEditHint(message.cellId, message.error));
        break;
      case "cellSkipped":
        this.cell(message.cellId)?.skipped(message.because);
        break;
      case "runDone": {
        const asked = this.activeRuns.get(message.runId);
        if (asked && !this.startedIn.get(message.runId)?.has(asked)) this.cell(asked)?.dropped("Stop was pressed before it ran");
        this.activeRuns.delete(message.runId);
        this.startedIn.delete(message.runId);
        if (this.activeRuns.size === 0) {
          clearTimeout(this.stopTimer);
          this.status("");
        }
        this.updateControls();
        break;
      }
    }
  }

  /**
   * "scores is not defined" while a cell above declares `scores` in code the
   * reader edited but has not run: the worker still has the old code of that
   * cell, so say which cell to run.
   */
  private withEditHint(cellId: string, error: CellError): CellError {
    const name = error.name === "ReferenceError" ? /^([\w$]+) is not defined/.exec(error.message)?.[1] : undefined;
    if (!name) return error;
    const cells = this.cells();
    const above = cells.slice(0, cells.findIndex((c) => c.cellId === cellId));
    const declares = new RegExp(`\\b(?:const|let|var|function\\*?|class)\\s+${name.replace(/\$/g, "\\$")}\\b`);
    const edited = above.find((c) => this.sent.get(c.cellId) !== c.currentCode && declares.test(c.currentCode));
    if (!edited) return error;
    return { ...error, message: `${error.message}: cell ${edited.cellId} has edits that have not run (it declares ${name}); run it first` };
  }

  private send(message: PageToWorker): void {
    this.host.send(message);
  }

  private sendUpdate(cell: NotebookCell): void {
    if (this.sent.get(cell.cellId) === cell.currentCode) return;
    this.sent.set(cell.cellId, cell.currentCode);
    this.send({ type: "update", cell: sourceOf(cell) });
  }

  private newRun(cellId?: string): number {
    const runId = this.nextRunId++;
    this.activeRuns.set(runId, cellId);
    this.startedIn.set(runId, new Set());
    this.updateControls();
    return runId;
  }

  // --- Page ---

  private useSolution(event: Event): void {
    const button = (event.target as Element | null)?.closest?.<HTMLElement>(".nb-use-solution");
    if (!button) return;
    const target = button.closest<HTMLElement>("[data-solution-for]")?.dataset.solutionFor;
    const cell = target ? this.cell(target) : undefined;
    if (!cell) return;
    cell.scrollIntoView({ block: "center" });
    // Running the exercise also runs its check (it reads the exercise's names), so the verdict matches the code.
    void cell.useCode(button.dataset.code ?? "").then(() => this.runCell(cell.cellId));
  }

  private updateControls(): void {
    (this.el(".nb-stop-all") as HTMLButtonElement).disabled = this.activeRuns.size === 0;
  }

  private status(text: string): void {
    this.el(".nb-notebook-status").textContent = text;
  }

  private cells(): NotebookCell[] {
    return [...document.querySelectorAll<NotebookCell>(`nb-cell[data-chapter="${CSS.escape(this.chapter)}"]`)];
  }

  private cell(cellId: string): NotebookCell | undefined {
    return this.cells().find((cell) => cell.cellId === cellId);
  }

  private el(selector: string): HTMLElement {
    return this.querySelector<HTMLElement>(selector)!;
  }
}

function sourceOf(cell: NotebookCell): CellSource {
  return { id: cell.cellId, code: cell.currentCode, ...(cell.runByHandOnly ? { norun: true } : {}) };
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

if (!customElements.get("nb-notebook")) customElements.define("nb-notebook", NotebookController);
