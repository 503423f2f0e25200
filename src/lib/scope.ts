/**
 * Scopes: when the tensors of a computation are done with.
 *
 * A training step makes a few hundred tensors and keeps none of them; so does
 * a forward pass run only to read the predictions. Inside `tidy(fn)` every
 * tensor an op (or a creation function) makes is recorded; when `fn`
 * returns, those it did not return are released: their memory goes back to
 * the buffer pool (`memory.ts`) for the next ops, and reading one afterwards
 * throws an error that says so. This is tfjs's `tf.tidy`, and what `train()`
 * does around each step.
 *
 * Not recorded, so never released by a scope: parameters (tensors made with
 * `requiresGrad: true`), gradients (`.grad`, cleared by `zeroGrad`), and
 * whatever `keep(t)` or `detach(t)` returns.
 */
import { Tensor, cutGraph, releaseTensor } from "./tensor";

interface Scope {
  /** Tensors made while this scope was the innermost one. */
  tracked: Tensor[];
  /** How a released tensor's error names what released it. */
  releasedBy: string;
}

const scopes: Scope[] = [];

/**
 * Runs `fn` and releases every tensor made inside it except those it returns
 * (a tensor, or arrays and plain objects holding tensors, nested) and those
 * passed to {@link keep}. A returned tensor keeps what it was computed from,
 * so `backward()` through it still works; it belongs to the enclosing scope,
 * if any. Scopes nest. `fn` must be synchronous.
 *
 * @example
 * const predictions = tidy(() => argmax(model.forward(images).logits)); // numbers; every tensor released
 * const logits = tidy(() => model.forward(images).logits);            // logits survive, the rest is released
 */
export function tidy<T>(fn: () => T): T {
  return withScope("at the end of the tidy() scope that made it", fn);
}

/**
 * Keeps `t`'s values alive past the end of every scope, on purpose (the
 * logits of the last step, to plot them). Returns `t`. Only the values: when
 * the scope that made `t` ends, so does its graph, as for `detach` (a kept
 * tensor then no longer requires grad). The garbage collector frees it when
 * nothing refers to it.
 *
 * @example
 * let kept: Tensor;
 * tidy(() => { kept = keep(softmax(scores)); }); // kept is usable here
 */
export function keep<T extends Tensor>(t: T): T {
  void t.data; // a released tensor cannot be kept: throws the usual error
  t.kept = true;
  return t;
}

/** The library's scope runner: `tidy` with a say in how a released tensor's error names its end ("at the end of a training step"). */
export function withScope<T>(releasedBy: string, fn: () => T): T {
  const scope: Scope = { tracked: [], releasedBy };
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    scopes.pop();
    release(scope, new Set());
    throw error;
  }
  scopes.pop();
  if (result instanceof Promise) {
    release(scope, new Set());
    throw new Error("tidy: fn returned a Promise; scopes are synchronous (await outside tidy, and tidy each synchronous part)");
  }
  release(scope, survivorsOf(result));
  return result;
}

/** Records `t` in the innermost scope, if any. The Tensor constructor calls it. */
export function track(t: Tensor): void {
  if (scopes.length > 0) scopes[scopes.length - 1].tracked.push(t);
}

/** Releases what `scope` recorded, except `survivors`, which move to the enclosing scope. */
function release(scope: Scope, survivors: Set<Tensor>): void {
  const outer = scopes[scopes.length - 1];
  for (const t of scope.tracked) {
    if (t.released) continue;
    if (t.kept) cutGraph(t); // what it was computed from may be released just below
    else if (survivors.has(t)) outer?.tracked.push(t);
    else releaseTensor(t, scope.releasedBy);
  }
}

/** The tensors in `result` (nested in arrays, plain objects and Maps) and every tensor their graphs reach. */
function survivorsOf(result: unknown): Set<Tensor> {
  const survivors = new Set<Tensor>();
  const seen = new Set<object>();
  const stack: unknown[] = [result];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    if (value instanceof Tensor) {
      if (value.released) continue;
      survivors.add(value);
      for (const parent of value.parents) stack.push(parent);
    } else if (Array.isArray(value)) {
      for (const item of value) if (typeof item === "object") stack.push(item);
    } else if (value instanceof Map) {
      for (const item of value.values()) stack.push(item);
    } else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
      for (const item of Object.values(value)) stack.push(item);
    }
  }
  return survivors;
}
