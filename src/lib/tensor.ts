import { ShapeError, checkShape, shapeString } from "./errors";
import { allocate, recycle } from "./memory";

/**
 * A backward rule: given the gradient of the loss with respect to an op's
 * output, return the gradient with respect to each parent (same order as the
 * parents; `null` for a parent that needs none). It must return fresh arrays
 * or the incoming `grad` itself, never a buffer it keeps.
 */
export type BackwardFn = (grad: Float32Array) => (Float32Array | null)[];

/** Whether ops record the graph. Switched off inside `noGrad`. */
export const gradMode = { enabled: true };

/**
 * An n-dimensional array of float32 numbers that remembers how it was made,
 * so gradients can flow back through it.
 *
 * `data` is row-major: the element at `[i, j]` of a `[n, m]` tensor is
 * `data[i * m + j]`. A scalar has shape `[]` and one element.
 *
 * @example
 * const x = tensor([[1, 2], [3, 4]], undefined, { requiresGrad: true });
 * const loss = sum(mul(x, x));
 * loss.backward();
 * x.grad!.toArray(); // [[2, 4], [6, 8]]
 */
export class Tensor {
  /** The values, row-major. */
  data: Float32Array;
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

  /** Wraps `data` (not copied) with `shape`. Prefer `tensor(...)` in cells. */
  constructor(data: Float32Array, shape: number[], requiresGrad = false) {
    checkShape("Tensor", shape);
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new ShapeError(`Tensor: ${data.length} values do not fill shape ${shapeString(shape)}`);
    }
    this.data = data;
    this.shape = shape;
    this.size = size;
    this.requiresGrad = requiresGrad;
  }

  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /**
   * Whether `releaseGraph` took this tensor's memory back (the training loop
   * does so at the end of each step). A released tensor cannot be used.
   */
  get released(): boolean {
    return this.data === RELEASED;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    checkNotReleased("item", this);
    if (this.size !== 1) throw new ShapeError(`item: needs exactly one element, got shape ${shapeString(this.shape)}`);
    return this.data[0];
  }

  /** Same data, new shape (one axis may be -1 and is inferred). Differentiable. */
  reshape(...shape: number[] | [number[]]): Tensor {
    const wanted = (Array.isArray(shape[0]) ? shape[0] : shape) as number[];
    const resolved = resolveReshape(this.shape, wanted);
    return fromOp("reshape", this.data, resolved, [this], (g) => [g]);
  }

  /**
   * Computes gradients of this scalar with respect to every leaf tensor that
   * requires grad, and adds them into their `.grad`.
   */
  backward(): void {
    if (this.size !== 1) {
      throw new ShapeError(`backward: needs a scalar (one element), got shape ${shapeString(this.shape)}`);
    }
    if (!this.requiresGrad) throw new Error("backward: this tensor does not require grad (no input had requiresGrad: true)");
    const order = topologicalOrder(this);
    // Gradients of intermediate tensors live here only during this call (like PyTorch,
    // which keeps .grad on leaves only); each array is owned by exactly one tensor.
    const grads = new Map<Tensor, Float32Array>([[this, new Float32Array(1).fill(1)]]);
    const owned = new Set<Float32Array>(grads.values());
    for (let n = order.length - 1; n >= 0; n--) {
      const node = order[n];
      const g = grads.get(node);
      if (!g) continue;
      grads.delete(node);
      owned.delete(g); // no longer held by the map: the first parent may take it without a copy
      if (!node.backwardFn) {
        if (!node.grad) node.grad = new Tensor(g, node.shape.slice());
        else {
          addInto(node.grad.data, g);
          recycleUnowned(g, owned);
        }
        continue;
      }
      const parentGrads = node.backwardFn(g);
      node.parents.forEach((parent, i) => {
        const pg = parentGrads[i];
        if (!pg || !parent.requiresGrad) return;
        const existing = grads.get(parent);
        if (existing) addInto(existing, pg);
        else if (owned.has(pg)) grads.set(parent, copyOf(pg));
        else {
          grads.set(parent, pg);
          owned.add(pg);
        }
      });
      // g, and any parent gradient that was added into another, are garbage now: reuse their memory.
      recycleUnowned(g, owned);
      for (const pg of parentGrads) if (pg && pg !== g) recycleUnowned(pg, owned);
    }
  }

  /** The values as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    checkNotReleased("toArray", this);
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.ndim) return this.data[offset];
      const stride = this.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[axis] }, (_, i) => build(axis + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** PyTorch-style print: `tensor([[0.1000, 0.2000], ...], shape=[2, 2])`. */
  toString(): string {
    if (this.released) return `tensor(released, shape=${shapeString(this.shape)})`;
    return formatTensor(this);
  }
}

/** Numbers nested as deep as the tensor has axes. */
export type NestedArray = number | NestedArray[];

/**
 * Makes an op's output tensor and, when gradients are on and some parent
 * needs one, records the parents and the backward rule. `saved` lists the
 * buffers, besides the output, that only the backward rule reads: they are
 * recycled with the output by `releaseGraph`, or at once when no graph is
 * recorded.
 */
export function fromOp(op: string, data: Float32Array, shape: number[], parents: Tensor[], backward: BackwardFn, saved?: Float32Array[]): Tensor {
  for (const parent of parents) checkNotReleased(op, parent);
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
 * Gives the memory of a finished computation back for reuse: the values and
 * saved buffers of every tensor computed on the way to `root` (the op outputs
 * of its graph) go to the buffer pool (see `memory.ts`), and those tensors
 * become released: using one throws. Leaves, such as parameters and inputs,
 * keep their values, and so does an op output that shares them (a reshape).
 *
 * The training loop calls it at the end of every step, after the optimizer
 * has used the gradients; keep numbers, not tensors, from inside a step.
 */
export function releaseGraph(root: Tensor): void {
  const computed: Tensor[] = [];
  const leafBuffers = new Set<ArrayBufferLike>();
  const seen = new Set<Tensor>([root]);
  const stack = [root];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t.backwardFn) computed.push(t);
    else leafBuffers.add(t.data.buffer);
    for (const parent of t.parents) {
      if (!seen.has(parent)) {
        seen.add(parent);
        stack.push(parent);
      }
    }
  }
  for (const t of computed) {
    if (!leafBuffers.has(t.data.buffer)) recycle(t.data);
    for (const buffer of t.saved) recycle(buffer);
    t.data = RELEASED;
    t.saved = NO_BUFFERS;
    t.parents = [];
    t.backwardFn = null;
  }
}

function checkNotReleased(op: string, t: Tensor): void {
  if (t.released) {
    throw new Error(`${op}: this tensor of shape ${shapeString(t.shape)} was released at the end of a training step, and its memory reused. Keep numbers (or a copy made with tensor.data.slice()) from inside a step, not the tensors themselves.`);
  }
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

function copyOf(values: Float32Array): Float32Array {
  const copy = allocate(values.length);
  copy.set(values);
  return copy;
}

/** Recycles a gradient buffer unless the backward pass still holds it (or a view of its memory). */
function recycleUnowned(buffer: Float32Array, owned: Set<Float32Array>): void {
  if (owned.has(buffer)) return;
  for (const other of owned) if (other.buffer === buffer.buffer) return;
  recycle(buffer);
}

function addInto(target: Float32Array, source: Float32Array): void {
  for (let i = 0; i < target.length; i++) target[i] += source[i];
}

/** Every tensor that `root` depends on and that requires grad, parents before children. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>([root]);
  // Iterative depth-first search: deep graphs (long training loops) would overflow recursion.
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [node, next] = top;
    if (next < node.parents.length) {
      top[1]++;
      const parent = node.parents[next];
      if (parent.requiresGrad && !visited.has(parent)) {
        visited.add(parent);
        stack.push([parent, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order;
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
