/**
 * Cells as authors write them: fenced blocks in a chapter's MDX.
 *
 * ````md
 * ```ts cell id=patches timeout=20000
 * ...
 * ```
 * ```ts solution for=patches
 * ...
 * ```
 * ````
 *
 * The MDX parser finds the fences (the remark plugin walks its tree, so a
 * cell shown inside a four-backtick example is prose, not a cell);
 * `cellsFromFences` turns them into cell definitions with one meta parser,
 * `parseCellMeta`. The build and the chapter tests share that remark step.
 */

/** Default per-cell time limit in milliseconds (issue 3: "default 10 s"). */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** The options written after ```` ```ts cell ```` (or ```` ```ts solution ````). */
export interface CellOptions {
  /** `id=name`: stable id; absent means "use the position" (see `defaultCellId`). */
  id?: string;
  /** `hidden`: runs, but the code is collapsed behind "Show code". */
  hidden: boolean;
  /** `readonly`: shown and run, not editable. */
  readonly: boolean;
  /** `expect-error`: the cell is meant to throw; the build does not fail on it. */
  expectError: boolean;
  /** `timeout=ms`: per-cell time limit. */
  timeout: number;
  /** `exercise`: the reader's part of an exercise (starting code). */
  exercise: boolean;
  /** `norun`: not run at build time nor by Run all. */
  norun: boolean;
  /** `for=id` on a solution fence: the exercise cell it solves. */
  solutionFor?: string;
}

/** One fenced block of a chapter, in page order. */
export interface CellDefinition {
  id: string;
  /** "cell" for runnable cells, "solution" for the revealable solution of an exercise. */
  kind: "cell" | "solution";
  code: string;
  options: CellOptions;
  /** The chapter's slug or file name, for messages. */
  chapter: string;
  /** 1-based line of the opening fence in the MDX file, for messages. */
  line: number;
}

/** The id of the `index`-th (0-based) `ts cell` fence of a chapter that has no `id=`. */
export function defaultCellId(index: number): string {
  return `cell-${index + 1}`;
}

const FLAGS = {
  hidden: "hidden",
  readonly: "readonly",
  "expect-error": "expectError",
  exercise: "exercise",
  norun: "norun",
} as const;

/**
 * Parses a fence's meta string, e.g. `cell id=attn hidden timeout=20000`.
 * The leading `cell` / `solution` word is accepted and ignored. Unknown words
 * throw, so a typo such as `expect_error` fails the build instead of silently
 * doing nothing.
 */
export function parseCellMeta(meta: string): CellOptions {
  const options = defaultCellOptions();
  for (const word of meta.trim().split(/\s+/).filter(Boolean)) {
    const [key, value] = splitOption(word);
    if (key === "cell" || key === "solution") continue;
    if (key in FLAGS && value === undefined) {
      options[FLAGS[key as keyof typeof FLAGS]] = true;
    } else if (key === "id" && value) {
      if (!/^[A-Za-z][\w-]*$/.test(value)) throw new Error(`cell id "${value}": use letters, digits, "-" and "_", starting with a letter`);
      options.id = value;
    } else if (key === "for" && value) {
      options.solutionFor = value;
    } else if (key === "timeout" && value && /^\d+$/.test(value)) {
      options.timeout = Number(value);
    } else {
      throw new Error(
        `unknown cell option "${word}" (known: id=name, hidden, readonly, expect-error, timeout=ms, exercise, norun, for=id)`,
      );
    }
  }
  return options;
}

/** The options of a fence with no meta words. */
export function defaultCellOptions(): CellOptions {
  return { hidden: false, readonly: false, expectError: false, timeout: DEFAULT_TIMEOUT_MS, exercise: false, norun: false };
}

/**
 * Reads the options the page receives: the build writes a cell's
 * `CellOptions` once, as JSON in its `data-options` attribute, and the page
 * reads them back here. Anything missing, of the wrong type or unreadable
 * (a page edited by hand, a stale cached page) falls back to the default of
 * that option, so a cell always runs with sane options.
 */
export function cellOptionsFromJson(json: string | null | undefined): CellOptions {
  const options = defaultCellOptions();
  let raw: unknown;
  try {
    raw = JSON.parse(json ?? "{}");
  } catch {
    return options;
  }
  if (typeof raw !== "object" || raw === null) return options;
  const given = raw as Record<string, unknown>;
  for (const flag of Object.values(FLAGS)) if (typeof given[flag] === "boolean") options[flag] = given[flag];
  if (typeof given.timeout === "number" && Number.isFinite(given.timeout) && given.timeout > 0) options.timeout = given.timeout;
  if (typeof given.id === "string") options.id = given.id;
  if (typeof given.solutionFor === "string") options.solutionFor = given.solutionFor;
  return options;
}

function splitOption(word: string): [string, string | undefined] {
  const eq = word.indexOf("=");
  if (eq < 0) return [word, undefined];
  return [word.slice(0, eq), word.slice(eq + 1).replace(/^["']|["']$/g, "")];
}

/** A fenced code block as the MDX tree gives it: the remark plugin's `code` node, reduced to what cells need. */
export interface Fence {
  /** The info string's first word (`ts`). */
  lang?: string | null;
  /** The rest of the info string (`cell id=x hidden`). */
  meta?: string | null;
  /** The code between the fences. */
  value: string;
  /** 1-based line of the opening fence in the MDX file. */
  line: number;
}

/** `cell` or `solution` when the fence is a notebook fence (```` ```ts cell ````, ```` ```ts solution ````), else undefined. */
export function fenceKind(fence: Pick<Fence, "lang" | "meta">): "cell" | "solution" | undefined {
  if (fence.lang !== "ts" && fence.lang !== "typescript") return undefined;
  return /^(cell|solution)\b/.exec(fence.meta ?? "")?.[1] as "cell" | "solution" | undefined;
}

/**
 * Turns a chapter's fences (in page order; static code fences are skipped)
 * into cell definitions: options through `parseCellMeta`, ids by position
 * where `id=` is absent, duplicate ids and solutions without `for=` rejected
 * with the MDX line.
 */
export function cellsFromFences(fences: readonly Fence[], chapter: string): CellDefinition[] {
  const cells: CellDefinition[] = [];
  let cellIndex = 0;
  for (const fence of fences) {
    const kind = fenceKind(fence);
    if (!kind) continue;
    let options: CellOptions;
    try {
      options = parseCellMeta(fence.meta ?? "");
    } catch (error) {
      throw new Error(`${chapter}:${fence.line}: ${(error as Error).message}`);
    }
    if (kind === "solution" && !options.solutionFor) {
      throw new Error(`${chapter}:${fence.line}: a solution fence needs for=<exercise cell id>`);
    }
    const id = kind === "cell" ? (options.id ?? defaultCellId(cellIndex)) : `${options.solutionFor}--solution`;
    if (kind === "cell") cellIndex++;
    cells.push({ id, kind, code: fence.value, options, chapter, line: fence.line });
  }
  checkUniqueIds(cells, chapter);
  return cells;
}

function checkUniqueIds(cells: CellDefinition[], chapter: string): void {
  const seen = new Map<string, number>();
  for (const cell of cells) {
    const earlier = seen.get(cell.id);
    if (earlier !== undefined) {
      throw new Error(`${chapter}:${cell.line}: cell id "${cell.id}" is already used by the cell on line ${earlier}`);
    }
    seen.set(cell.id, cell.line);
  }
}
