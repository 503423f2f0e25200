import { backward } from "./autograd";
import { ShapeError, checkShape, shapeString } from "./errors";
import { copyOf, isPooled, recycle } from "./memory";
import { track } from "./scope";

/**
 * A backward rule: given the gradient of the loss with respect to an op's
 * output, return the gradient with respect to each parent (same order as the
 * parents; `null` for a parent that needs none). Each returned array is a
 * fresh one (from `allocate`), never `grad` itself nor a buffer the rule
 * keeps: the backward pass recycles them once added up.
 */
export type BackwardFn = (grad: Float32Array) => (Float32Array | null)[];

/** Whether ops record the graph. Switched off inside `noGrad`. */
export const gradMode = { enabled: true };

/**
 * An n-dimensional array of float32 numbers that remembers how it was made,
 * so gradients can flow back through it.
 *
 * `data` is row-major: the element at `[i, j]` of a `[n, m]` tensor is
 * `data[i * m + j]`. A scalar has shape `[]` and one element. A tensor made
 * inside `tidy` or a training step is released when that ends, unless
 * returned, kept or detached (see `scope.ts`); reading it then throws.
 *
 * @example
 * const x = tensor([[1, 2], [3, 4]], undefined, { requiresGrad: true });
 * const loss = sum(mul(x, x));
 * loss.backward();
 * x.grad!.toArray(); // [[2, 4], [6, 8]]
 */
export class Tensor {
  /** Size of each axis; `[]` for a scalar. */
  shape: number[];
  /** Number of elements (the product of the shape). */
  readonly size: number;
  /** Whether gradients should be computed for this tensor (and what depends on it). */
  requiresGrad: boolean;
  /** After `backward()`, d(loss)/d(this) for leaf tensors that require grad. Accumulates across calls. */
  grad: Tensor | null = null;
  /** The tensors this one was computed from (empty for leaves). */
  parents: Tensor[] = [];
  /** The op's backward rule, written next to its forward code; `null` for leaves. */
  backwardFn: BackwardFn | null = null;
  /** Name of the op that made this tensor, for debugging. */
  op = "";
  /** Buffers the backward rule reads besides the values (e.g. gelu's Φ(x)), recycled with them. */
  saved: Float32Array[] = NO_BUFFERS;
  /** Never released by a scope (see `keep`). */
  kept = false;
  /** The values behind {@link data}; `RELEASED` once released. Read `data`, which checks. */
  private values: Float32Array;
  /** The tensor whose pooled buffer this one shares (a reshape's input), or null when it owns its values. */
  private base: Tensor | null = null;
  /** Live tensors sharing this one's buffer: it is recycled only when none is left. */
  private views = 0;
  /** What released this tensor ("at the end of …"), for the error message; empty while it is live. */
  releasedBy = "";

  /** Wraps `data` (not copied) with `shape`. Prefer `tensor(...)` in cells. */
  constructor(data: Float32Array, shape: number[], requiresGrad = false) {
    checkShape("Tensor", shape);
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new ShapeError(`Tensor: ${data.length} values do not fill shape ${shapeString(shape)}`);
    }
    this.values = data;
    this.shape = shape;
    this.size = size;
    this.requiresGrad = requiresGrad;
    if (isPooled(data)) {
      const owner = owners.get(data);
      if (owner) {
        this.base = owner;
        owner.views++;
      } else owners.set(data, this);
    }
    if (!requiresGrad) track(this); // parameters are never released by a scope
  }

  /**
   * The values, row-major. Reading them from a released tensor throws an
   * error that says what released it: every op, reduction, comparison and
   * printout reads them through here.
   */
  get data(): Float32Array {
    if (this.values === RELEASED) throw releasedError(this);
    return this.values;
  }

  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /**
   * Whether a scope (the end of a `tidy` or of a training step) or `zeroGrad`
   * took this tensor's memory back. A released tensor cannot be read.
   */
  get released(): boolean {
    return this.values === RELEASED;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    const data = this.data;
    if (this.size !== 1) throw new ShapeError(`item: needs exactly one element, got shape ${shapeString(this.shape)}`);
    return data[0];
  }

  /** Same data, new shape (one axis may be -1 and is inferred). Differentiable. */
  reshape(...shape: number[] | [number[]]): Tensor {
    const wanted = (Array.isArray(shape[0]) ? shape[0] : shape) as number[];
    const resolved = resolveReshape(this.shape, wanted);
    return fromOp("reshape", this.data, resolved, [this], (g) => [copyOf(g)]);
  }

  /**
   * Computes gradients of this scalar with respect to every leaf tensor that
   * requires grad, and adds them into their `.grad` (see `autograd.ts`).
   */
  backward(): void {
    backward(this);
  }

  /** The values as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    const data = this.data;
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.ndim) return data[offset];
      const stride = this.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[axis] }, (_, i) => build(axis + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** PyTorch-style print: `tensor([[0.1000, 0.2000], ...], shape=[2, 2])`. */
  toString(): string {
    return formatTensor(this);
  }

  /**
   * Internal: takes the memory back (call {@link releaseTensor}, which scopes
   * and `zeroGrad` use); the one place that writes `values`, `base` and
   * `views` after construction.
   */
  static release(t: Tensor, releasedBy: string): void {
    if (t.values === RELEASED) return;
    const values = t.values;
    t.values = RELEASED;
    t.releasedBy = releasedBy;
    for (const buffer of t.saved) recycle(buffer);
    t.saved = NO_BUFFERS;
    t.parents = [];
    t.backwardFn = null;
    // The buffer goes back to the pool once neither its owner nor any view of it is live.
    const owner = t.base ?? t;
    if (t.base) t.base.views--;
    if (owner.values === RELEASED && owner.views === 0 && owners.get(values) === owner) {
      owners.delete(values);
      recycle(values);
    }
  }
}

/** The tensor each pooled buffer was first wrapped by; later tensors on the same buffer are its views. */
const owners = new WeakMap<Float32Array, Tensor>();

/** Numbers nested as deep as the tensor has axes. */
export type NestedArray = number | NestedArray[];

/**
 * Makes an op's output tensor and, when gradients are on and some parent
 * needs one, records the parents and the backward rule. `saved` lists the
 * buffers, besides the output, that only the backward rule reads: they are
 * recycled with the output when a scope releases it, or at once when no
 * graph is recorded.
 */
export function fromOp(op: string, data: Float32Array, shape: number[], parents: Tensor[], backward: BackwardFn, saved?: Float32Array[]): Tensor {
  for (const parent of parents) if (parent.released) throw releasedError(parent, op);
  const out = new Tensor(data, shape);
  out.op = op;
  if (gradMode.enabled && parents.some((p) => p.requiresGrad)) {
    out.requiresGrad = true;
    out.parents = parents;
    out.backwardFn = backward;
    if (saved) out.saved = saved;
  } else if (saved) {
    for (const buffer of saved) recycle(buffer); // no backward will read them
  }
  return out;
}

/** The values of a released tensor: none. */
const RELEASED = new Float32Array(0);
const NO_BUFFERS: Float32Array[] = [];

/**
 * Releases `t`: its values (unless a live tensor shares them) and saved
 * buffers go back to the buffer pool, its graph links are dropped, and
 * reading it throws an error ending "was released " + `releasedBy`. Scopes
 * and `zeroGrad` call it; nothing else should.
 */
export function releaseTensor(t: Tensor, releasedBy: string): void {
  Tensor.release(t, releasedBy);
}

/** Makes `t` a leaf that does not require grad, as `detach` would, keeping its values (`keep` at the end of a scope). */
export function cutGraph(t: Tensor): void {
  if (t.parents.length === 0 && !t.backwardFn) return;
  for (const buffer of t.saved) recycle(buffer); // only backward read them
  t.saved = NO_BUFFERS;
  t.parents = [];
  t.backwardFn = null;
  t.requiresGrad = false;
}

/** The error for reading a released tensor (in `op`, when an op noticed). */
export function releasedError(t: Tensor, op?: string): Error {
  const what = t.op ? `the output of ${t.op}` : "a tensor";
  return new Error(`${op ? `${op}: ` : ""}${what}, shape ${shapeString(t.shape)}, was released ${t.releasedBy}, and its memory reused. To use it afterwards, return it from the scope, keep(t) it, or copy it with detach(t); or keep numbers (t.item(), t.toArray()) instead of the tensor.`);
}

/** Product of the entries of a shape (1 for `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function resolveReshape(from: number[], wanted: number[]): number[] {
  const size = sizeOf(from);
  const fail = () => new ShapeError(`reshape: cannot reshape ${shapeString(from)} (${size} elements) to ${shapeString(wanted)}`);
  const unknown = wanted.filter((d) => d === -1).length;
  if (unknown > 1 || wanted.some((d) => !Number.isInteger(d) || d < -1)) throw fail();
  const known = wanted.reduce((a, d) => (d === -1 ? a : a * d), 1);
  if (unknown === 1) {
    if (known === 0 || size % known !== 0) throw fail();
    return wanted.map((d) => (d === -1 ? size / known : d));
  }
  if (known !== size) throw fail();
  return wanted.slice();
}

// ---- printing -------------------------------------------------------------

const EDGE_ITEMS = 3; // PyTorch shows 3 items at each end of an elided axis ...
const SUMMARY_THRESHOLD = 1000; // ... once a tensor has more than 1000 elements.
const LINE_WIDTH = 80;

function formatTensor(t: Tensor): string {
  const summarize = t.size > SUMMARY_THRESHOLD;
  const shown = collectShown(t, summarize);
  const format = chooseFormat(shown);
  const width = Math.max(1, ...shown.map((v) => format(v).length));
  const prefix = "tensor(";
  const suffix = t.requiresGrad ? ", requiresGrad=true" : "";
  if (t.ndim === 0) return `${prefix}${format(t.data[0])}${suffix})`;
  const body = formatAxis(t, 0, 0, prefix.length + 1, summarize, (v) => format(v).padStart(width));
  return `${prefix}${body}, shape=${shapeString(t.shape)}${suffix})`;
}

/** Indices kept along an axis of length n: all, or the first and last EDGE_ITEMS. */
function keptIndices(n: number, summarize: boolean): (number | null)[] {
  if (!summarize || n <= 2 * EDGE_ITEMS) return Array.from({ length: n }, (_, i) => i);
  const head = Array.from({ length: EDGE_ITEMS }, (_, i) => i);
  const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i);
  return [...head, null, ...tail]; // null marks the "..."
}

function collectShown(t: Tensor, summarize: boolean): number[] {
  const values: number[] = [];
  const walk = (axis: number, offset: number) => {
    if (axis === t.ndim) return void values.push(t.data[offset]);
    const stride = sizeOf(t.shape.slice(axis + 1));
    for (const i of keptIndices(t.shape[axis], summarize)) if (i !== null) walk(axis + 1, offset + i * stride);
  };
  walk(0, 0);
  return values;
}

/**
 * PyTorch's rules: integers print as `3.`, moderate values with 4 decimals,
 * and everything in scientific notation when the shown magnitudes span more
 * than 1000×, exceed 1e8, or go below 1e-4.
 */
function chooseFormat(values: number[]): (v: number) => string {
  const special = (v: number) => (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");
  const finite = values.filter(Number.isFinite);
  const magnitudes = finite.map(Math.abs).filter((v) => v > 0);
  const maxAbs = Math.max(0, ...magnitudes);
  const minAbs = Math.min(...magnitudes);
  const wideRange = magnitudes.length > 0 && (maxAbs / minAbs > 1000 || maxAbs > 1e8);
  const integers = finite.every(Number.isInteger);
  if (wideRange || (!integers && magnitudes.length > 0 && minAbs < 1e-4)) {
    return (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2") : special(v));
  }
  if (integers) return (v) => (Number.isFinite(v) ? `${v.toFixed(0)}.` : special(v));
  return (v) => (Number.isFinite(v) ? v.toFixed(4) : special(v));
}

function formatAxis(
  t: Tensor,
  axis: number,
  offset: number,
  indent: number,
  summarize: boolean,
  format: (v: number) => string,
): string {
  const stride = sizeOf(t.shape.slice(axis + 1));
  const kept = keptIndices(t.shape[axis], summarize);
  if (axis === t.ndim - 1) {
    const items = kept.map((i) => (i === null ? " ..." : format(t.data[offset + i])));
    // Wrap long rows as PyTorch does: a fixed number of items per line, aligned under the first.
    const itemWidth = Math.max(...items.filter((item) => item !== " ...").map((item) => item.length)) + 2;
    const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent + 1) / itemWidth));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "));
    return `[${lines.join(",\n" + " ".repeat(indent))}]`;
  }
  const blankLines = "\n".repeat(t.ndim - axis - 1);
  const parts = kept.map((i) =>
    i === null ? "..." : formatAxis(t, axis + 1, offset + i * stride, indent + 1, summarize, format),
  );
  return `[${parts.join("," + blankLines + " ".repeat(indent))}]`;
}
