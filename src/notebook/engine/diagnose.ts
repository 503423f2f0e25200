/**
 * Naming an exercise's mistake instead of reporting a distance. A check lists
 * the likely wrong answers (each computed with the library, e.g. the
 * post-norm block, the scores divided by d_k) with a plain message, and asks
 * which one the reader's result matches.
 */
import { isTensorLike, shapeText, type TensorLike } from "./tensor-like";

/** A result a check compares: a tensor, or plain numbers. */
export type Answer = TensorLike | ArrayLike<number> | number;

/** A likely wrong answer and what to tell a reader whose result matches it. */
export type Mistake = readonly [message: string, answer: Answer | (() => Answer)];

/** How close two answers must be to count as the same. */
export interface Tolerance {
  /** Absolute tolerance (default 1e-4). */
  atol?: number;
  /** Relative tolerance, times |expected| (default 1e-4: float32 keeps about 7 digits). */
  rtol?: number;
}

function shapeOf(answer: Answer): number[] {
  if (typeof answer === "number") return [];
  if (isTensorLike(answer)) return answer.shape;
  return [answer.length];
}

function valuesOf(answer: Answer): ArrayLike<number> {
  if (typeof answer === "number") return [answer];
  return isTensorLike(answer) ? answer.data : answer;
}

/** Whether `actual` has `expected`'s shape and every entry within `atol + rtol·|expected|` (NaN never matches). */
export function sameAnswer(actual: Answer, expected: Answer, { atol = 1e-4, rtol = 1e-4 }: Tolerance = {}): boolean {
  const [a, e] = [valuesOf(actual), valuesOf(expected)];
  if (shapeText(shapeOf(actual)) !== shapeText(shapeOf(expected)) || a.length !== e.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]))) return false;
  }
  return true;
}

/**
 * The message of the first mistake `attempt` matches, or undefined. A mistake
 * whose answer cannot be computed (it throws) is passed over.
 * @example mistakeIn(yours, [["This is the post-norm block…", () => transformerBlock(x, p, { heads, postNorm: true }).output]])
 */
export function mistakeIn(attempt: Answer, mistakes: readonly Mistake[], tolerance?: Tolerance): string | undefined {
  for (const [message, answer] of mistakes) {
    let value: Answer;
    try {
      value = typeof answer === "function" ? answer() : answer;
    } catch {
      continue;
    }
    if (sameAnswer(attempt, value, tolerance)) return message;
  }
  return undefined;
}
