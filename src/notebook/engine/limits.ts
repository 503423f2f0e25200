/**
 * How much one cell run may show, enforced in the worker before anything is
 * posted: a cell that prints a million lines or a 100 MB string must not
 * reach the page, because the page (not the worker) is what freezes when it
 * has to draw them.
 *
 * Logs keep their head and their tail: the first `headLines` lines are sent as
 * they come, the last `tailLines` are held back and sent when the cell ends,
 * with one line in between that says how many were left out.
 */
import type { Output } from "../protocol";

/** The limits of one cell run. */
export const OUTPUT_LIMITS = {
  /** Characters of one log or string output. */
  textPerOutput: 10_000,
  /** Characters of log text per cell run (head and tail together). */
  textPerCell: 100_000,
  /** Log lines shown from the start of a run. */
  headLines: 500,
  /** Log lines shown from the end of a run. */
  tailLines: 500,
  /** Outputs (of any kind) per cell run, log lines not counted. */
  outputsPerCell: 1_000,
  /** Rows of one table. */
  tableRows: 1_000,
} as const;

type Limits = { [K in keyof typeof OUTPUT_LIMITS]: number };

/** Room for the "… N more characters" note: a text cut once is never cut again. */
const NOTE_ROOM = 40;

/** `text` cut to `limit` characters, with the count of what was cut. */
export function clipText(text: string, limit: number = OUTPUT_LIMITS.textPerOutput): string {
  if (text.length <= limit + NOTE_ROOM) return text;
  const more = text.length - limit;
  return `${text.slice(0, limit)}… ${more.toLocaleString("en-US")} more character${more === 1 ? "" : "s"}`;
}

/**
 * `parts.join(" ")` cut to `limit` characters like `clipText`, without
 * building the whole text first (one part may be a 100 MB string).
 */
export function joinClipped(parts: string[], limit: number = OUTPUT_LIMITS.textPerOutput): string {
  const total = parts.reduce((sum, part) => sum + part.length, Math.max(0, parts.length - 1));
  if (total <= limit + NOTE_ROOM) return parts.join(" ");
  const head = parts.map((part) => part.slice(0, limit)).join(" ").slice(0, limit);
  return `${head}… ${(total - limit).toLocaleString("en-US")} more character${total - limit === 1 ? "" : "s"}`;
}

interface HeldLine {
  level: "log" | "info" | "warn" | "error";
  text: string;
}

/**
 * The outputs of one cell run, on their way to the page. `admit` returns
 * what to post now; `close` returns the held-back tail and the notices, and
 * after it nothing more is admitted (a leaked timer or promise of a finished
 * cell cannot add to it).
 */
export class CellOutputBudget {
  private headLines = 0;
  private textUsed = 0;
  private outputs = 0;
  private droppedOutputs = 0;
  private droppedLines = 0;
  private readonly tail: HeldLine[] = [];
  private tailText = 0;
  private readonly known = new Set<string>();
  private closed = false;

  constructor(private readonly limits: Limits = OUTPUT_LIMITS) {}

  /** Whether the run is over (nothing more is admitted). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** What of `output` to post now (possibly cut, possibly nothing). */
  admit(output: Output, outputId: string, replace: boolean): Output[] {
    if (this.closed) return [];
    if (output.kind === "log") return this.admitLog(output);
    const isUpdate = replace && this.known.has(outputId);
    if (!isUpdate) {
      if (this.outputs >= this.limits.outputsPerCell) {
        this.droppedOutputs++;
        return [];
      }
      this.outputs++;
      this.known.add(outputId);
    }
    return [this.cut(output)];
  }

  /** Ends the run: the held-back log tail, preceded by what was left out. */
  close(): Output[] {
    if (this.closed) return [];
    this.closed = true;
    const notes: Output[] = [];
    if (this.droppedLines > 0) {
      const lines = this.droppedLines.toLocaleString("en-US");
      notes.push({
        kind: "log",
        level: "info",
        text: `… ${lines} more line${this.droppedLines === 1 ? "" : "s"} (shown: the first ${this.headLines} and the last ${this.tail.length})`,
      });
    }
    notes.push(...mergeLines(this.tail));
    if (this.droppedOutputs > 0) {
      notes.push({
        kind: "log",
        level: "info",
        text: `… ${this.droppedOutputs.toLocaleString("en-US")} more output${this.droppedOutputs === 1 ? "" : "s"} not shown (a cell shows at most ${this.limits.outputsPerCell.toLocaleString("en-US")})`,
      });
    }
    return notes;
  }

  private admitLog(output: Extract<Output, { kind: "log" }>): Output[] {
    const lines = clipText(output.text, this.limits.textPerOutput).split("\n");
    const shown: string[] = [];
    for (const line of lines) {
      if (this.headLines < this.limits.headLines && this.textUsed + line.length <= this.limits.textPerCell / 2) {
        this.headLines++;
        this.textUsed += line.length;
        shown.push(line);
      } else {
        this.hold({ level: output.level, text: line });
      }
    }
    return shown.length ? [{ ...output, text: shown.join("\n") }] : [];
  }

  /** Keeps `line` among the last lines, dropping the oldest held line beyond the limits. */
  private hold(line: HeldLine): void {
    const budget = this.limits.textPerCell / 2;
    this.tail.push({ level: line.level, text: clipText(line.text, budget) });
    this.tailText += this.tail.at(-1)!.text.length;
    // shift() on a 500-line array is cheap next to formatting the line itself.
    while (this.tail.length > this.limits.tailLines || this.tailText > budget) {
      this.tailText -= this.tail.shift()!.text.length;
      this.droppedLines++;
    }
  }

  private cut(output: Output): Output {
    if (output.kind === "table" && output.rows.length > this.limits.tableRows) {
      const total = output.rows.length.toLocaleString("en-US");
      const note = `the first ${this.limits.tableRows.toLocaleString("en-US")} of ${total} rows`;
      return { ...output, rows: output.rows.slice(0, this.limits.tableRows), caption: output.caption ? `${output.caption} (${note})` : note };
    }
    if (output.kind === "value" && output.value.type === "string") {
      return { ...output, value: { type: "string", value: clipText(output.value.value, this.limits.textPerOutput) } };
    }
    return output;
  }
}

/** Consecutive held lines of the same level as one output each. */
function mergeLines(lines: HeldLine[]): Output[] {
  const merged: Output[] = [];
  for (const line of lines) {
    const last = merged.at(-1);
    if (last?.kind === "log" && last.level === line.level) last.text += `\n${line.text}`;
    else merged.push({ kind: "log", level: line.level, text: line.text });
  }
  return merged;
}
