/**
 * Readable by construction: sizes, tick thinning and label placement computed
 * from estimated text widths, so no two labels overlap whatever the data.
 * The estimate is deliberately generous (0.62 em per character; system-ui
 * digits are about 0.55 em wide).
 */

/** Widest chart we draw, in CSS pixels (the content column of the site). */
export const MAX_WIDTH = 640;
/** Font size of tick labels (Plot's default). */
export const FONT = 10;

/** Estimated width in pixels of `text` at `fontSize`. */
export function textWidth(text: string, fontSize = FONT): number {
  return Math.ceil([...text].length * 0.62 * fontSize);
}

/** A label cut to `max` characters with an ellipsis. */
export function clip(text: string, max = 16): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/** Steps of 1, 2, 5, 10, 20, 25, 50, 100, ...: ticks at round indices. */
function niceStep(minimum: number): number {
  if (minimum <= 1) return 1;
  for (let base = 1; ; base *= 10) {
    for (const m of [1, 2, 2.5, 5]) {
      const step = m * base;
      if (Number.isInteger(step) && step >= minimum) return step;
    }
  }
}

/** How an axis of `count` bands is labelled. */
export interface IndexAxis {
  /** Indices that get a tick and a label. */
  ticks: number[];
  /** Rotation of the labels in degrees (0 or -90). */
  rotate: number;
  /** Room the labels need across the axis, in pixels. */
  depth: number;
  /** Label of index i. */
  format: (i: number) => string;
}

/**
 * Ticks of an axis of `count` bands over `length` pixels. Labels are the given
 * names (clipped) or the index. Horizontal axes keep labels flat when they fit,
 * turn named labels upright when the bands are tall enough for a line of text,
 * and otherwise thin them to round steps; vertical axes thin to one label per
 * line of text.
 */
export function indexAxis(count: number, length: number, names: string[] | undefined, horizontal: boolean): IndexAxis {
  const format = (i: number) => (names ? clip(String(names[i] ?? i)) : String(i));
  const band = length / Math.max(1, count);
  const widest = Math.max(0, ...range(count).map((i) => textWidth(format(i))));
  const line = FONT + 3;
  let rotate = 0;
  // Named ticks (tokens) are worth one per line of text; plain indices read better at round steps further apart.
  const many = !names && count > 60;
  let need = horizontal ? Math.max(widest + 6, many ? 36 : 0) : many ? 28 : line;
  if (horizontal && names && band < need && band >= line) {
    rotate = -90;
    need = line;
  }
  const step = niceStep(need / band);
  const ticks = range(count).filter((i) => i % step === 0);
  const depth = horizontal ? (rotate ? widest + 12 : line + 8) : widest + 12;
  return { ticks, rotate, depth, format };
}

/** Integer ticks over [lo, hi] that leave at least `spacing` pixels between labels along `length`. */
export function integerTicks(lo: number, hi: number, length: number, spacing = 48): number[] {
  const span = Math.max(1, hi - lo);
  const want = Math.max(2, Math.floor(length / spacing));
  const step = niceStep(span / want);
  const first = Math.ceil(lo / step) * step;
  const ticks: number[] = [];
  for (let t = first; t <= hi; t += step) ticks.push(t);
  return ticks;
}

/** About `count` round ticks (steps of 1, 2, 2.5 or 5 times a power of ten) within [lo, hi], at least 3 when the span allows. */
export function niceTicks(lo: number, hi: number, count = 4): number[] {
  const raw = (hi - lo) / Math.max(1, count);
  if (!(raw > 0)) return [lo];
  const power = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticksOf = (size: number) => {
    // Rounded to the step's decimals so 0.30000000000000004 prints as 0.3.
    const decimals = Math.max(0, 1 - Math.floor(Math.log10(size)));
    const ticks: number[] = [];
    for (let t = Math.ceil(lo / size) * size; t <= hi + size * 1e-9; t += size) ticks.push(Number(t.toFixed(decimals)));
    return ticks;
  };
  let ticks = ticksOf(step);
  while (ticks.length < 3 && step > raw / 8) {
    step /= 2;
    ticks = ticksOf(step);
  }
  return ticks;
}

export function range(n: number): number[] {
  return Array.from({ length: Math.max(0, Math.floor(n)) }, (_, i) => i);
}

/** [min, max] of `values`, widened when they are all equal (a scale needs a span). */
export function extent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? [0, 1] : lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}
