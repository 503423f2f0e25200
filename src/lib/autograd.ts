import { Tensor, gradMode } from "./tensor";

/**
 * Runs `fn` without recording the graph: results do not require grad and no
 * backward closures are kept. Use it for evaluation, sampling and optimizer
 * updates. (Synchronous only: an async `fn` would switch grad back on at its
 * first `await`.)
 *
 * @example
 * const logits = noGrad(() => model.forward(x)); // logits.requiresGrad === false
 */
export function noGrad<T>(fn: () => T): T {
  const previous = gradMode.enabled;
  gradMode.enabled = false;
  try {
    return fn();
  } finally {
    gradMode.enabled = previous;
  }
}

/** Whether ops currently record the graph (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradMode.enabled;
}

/** Clears `.grad` of every parameter (an array, any iterable, or a name -> tensor map). */
export function zeroGrad(params: Iterable<Tensor> | Record<string, Tensor>): void {
  const list = Symbol.iterator in params ? (params as Iterable<Tensor>) : Object.values(params);
  for (const p of list) p.grad = null;
}

/** The same values as a new leaf that does not require grad: gradients stop here. */
export function detach(x: Tensor): Tensor {
  return new Tensor(x.data, x.shape.slice());
}
