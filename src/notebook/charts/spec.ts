/**
 * What every chart helper does with its arguments before a spec exists:
 * options are checked against the ones the helper knows, data is read with a
 * size limit and must be finite, and labels may name the data's shape with
 * `{shape}` (so a title never goes stale when a parameter changes).
 */
import type { PlotLabels } from "../protocol";
import { describe, isTensorLike, shapeText, toMatrix, toNumbers, type Matrix } from "../engine/tensor-like";
import { tagOutput } from "../engine/displayable";
import type { PlotSpec } from "../protocol";

/** Most values one chart accepts (a 4096 x 4096 matrix); more is a mistake, not a chart. */
export const MAX_VALUES = 4096 * 4096;

/** The label options every chart takes. */
export const LABEL_OPTIONS = ["title", "subtitle", "x", "y", "width", "height"] as const;

/** Tags a spec so a cell ending in it shows the chart. */
export function tagPlot<S extends PlotSpec>(spec: S): S {
  return tagOutput(spec, { kind: "plot", plot: spec });
}

/**
 * Throws for anything but a plain object whose keys are all in `allowed`
 * (e.g. `{ titel: "..." }`), suggesting the closest known option.
 */
export function checkOptions(helper: string, options: unknown, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new Error(`${helper}: options must be an object such as { title: "..." }, got ${describe(options)}`);
  }
  const known = [...LABEL_OPTIONS, ...allowed];
  for (const [key, value] of Object.entries(options)) {
    if (!known.includes(key)) {
      const near = closest(key, known);
      throw new Error(`${helper}: unknown option "${key}"${near ? `; did you mean "${near}"?` : ""} (options: ${known.join(", ")})`);
    }
    if (value === undefined) continue;
    if ((key === "title" || key === "subtitle" || key === "x" || key === "y") && typeof value !== "string") {
      throw new Error(`${helper}: option ${key} must be a string, got ${describe(value)}`);
    }
    if ((key === "width" || key === "height") && !(typeof value === "number" && Number.isFinite(value) && value >= 40 && value <= 4000)) {
      throw new Error(`${helper}: option ${key} is the chart's size in CSS pixels, between 40 and 4000; got ${String(value)}`);
    }
  }
}

/**
 * The label options of `options`, with `{shape}` replaced by the data's shape:
 * `{ title: "patch matrix {shape}" }` reads "patch matrix [16, 192]".
 */
export function labelsOf(options: PlotLabels, shape?: readonly number[]): PlotLabels {
  const text = shape ? shapeText(shape) : undefined;
  const fill = (s: string | undefined) => (s === undefined || text === undefined ? s : s.replaceAll("{shape}", text));
  const { title, subtitle, x, y, width, height } = options;
  return defined({ title: fill(title), subtitle: fill(subtitle), x: fill(x), y: fill(y), width, height }) as PlotLabels;
}

/** Drops undefined fields so specs stay minimal (and snapshots stable). */
export function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The number of values `input` holds, without copying them (0 when unknown). */
function countOf(input: unknown): number {
  if (isTensorLike(input)) return input.data.length;
  if (Array.isArray(input)) return input.reduce<number>((n, row) => n + (Array.isArray(row) || ArrayBuffer.isView(row) ? (row as ArrayLike<number>).length : 1), 0);
  if (ArrayBuffer.isView(input)) return (input as unknown as ArrayLike<number>).length;
  return 0;
}

/** Throws when a chart would get more than `MAX_VALUES` values. */
export function checkCount(helper: string, count: number): void {
  if (count > MAX_VALUES) {
    throw new Error(
      `${helper}: ${count.toLocaleString("en-US")} values are more than a chart can show (at most ${MAX_VALUES.toLocaleString("en-US")}); slice or average the tensor first`,
    );
  }
}

/** Throws at the first NaN or ±Infinity, naming where it is. */
export function checkFinite(helper: string, values: ArrayLike<number>, where: (i: number) => string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new Error(`${helper}: ${String(values[i])} at ${where(i)}; charts need finite numbers (look for a division by zero or an overflow upstream)`);
    }
  }
}

/** A finite 2-D matrix (see `toMatrix`), with a size limit checked before copying. */
export function readMatrix(input: unknown, helper: string): Matrix {
  checkCount(helper, countOf(input));
  const matrix = toMatrix(input, helper);
  checkFinite(helper, matrix.values, (i) => `row ${Math.floor(i / matrix.cols)}, column ${i % matrix.cols}`);
  return matrix;
}

/** Finite numbers (see `toNumbers`), with a size limit checked before copying. */
export function readNumbers(input: unknown, helper: string, what = "index"): number[] {
  checkCount(helper, countOf(input));
  const numbers = toNumbers(input, helper);
  checkFinite(helper, numbers, (i) => `${what} ${i}`);
  return numbers;
}

/** Checks optional tick labels: one per row / column, as strings. */
export function checkTicks(helper: string, options: { xTicks?: unknown; yTicks?: unknown }, rows: number, cols: number): void {
  for (const [name, ticks, count, what] of [["xTicks", options.xTicks, cols, "columns"], ["yTicks", options.yTicks, rows, "rows"]] as const) {
    if (ticks === undefined) continue;
    if (!Array.isArray(ticks)) throw new Error(`${helper}: ${name} must be an array of labels, got ${describe(ticks)}`);
    if (ticks.length !== count) throw new Error(`${helper}: ${ticks.length} ${name} for ${count} ${what}`);
  }
}

/** Throws unless `domain` is `[lo, hi]` of finite numbers with lo < hi. */
export function checkDomain(helper: string, name: string, domain: unknown): void {
  if (domain === undefined) return;
  if (!Array.isArray(domain) || domain.length !== 2 || !domain.every((v) => typeof v === "number" && Number.isFinite(v)) || !(domain[0] < domain[1])) {
    throw new Error(`${helper}: ${name} must be [low, high] with low < high, e.g. [0, 1]; got ${JSON.stringify(domain)}`);
  }
}

/** "matrix" for arrays, "tensor" for tensors: the default title's noun. */
export function nameOf(input: unknown): string {
  return isTensorLike(input) ? "tensor" : "matrix";
}

/** The known word nearest to `word` (by edit distance), if it is a plausible typo. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(word.trim().toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
