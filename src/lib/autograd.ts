import { allocate, recycle } from "./memory";
import { keep } from "./scope";
import { ShapeError, shapeString } from "./errors";
import { Tensor, gradMode, releaseTensor } from "./tensor";

/**
 * Backpropagation, as `loss.backward()` runs it: visit the graph from `root`
 * back to the leaves, children before parents, and hand each node's gradient
 * to its op's backward rule, which returns one for each parent. A parent
 * used twice gets the two gradients added. Leaves that require grad (the
 * parameters) collect theirs in `.grad`, adding to what is there.
 *
 * Gradients of intermediate tensors live only during this call (like
 * PyTorch, which keeps `.grad` on leaves only). Every backward rule returns
 * fresh buffers, so each gradient has exactly one owner here and goes back to
 * the buffer pool as soon as it has been passed on.
 */
export function backward(root: Tensor): void {
  if (root.size !== 1) throw new ShapeError(`backward: needs a scalar (one element), got shape ${shapeString(root.shape)}`);
  if (!root.requiresGrad) throw new Error("backward: this tensor does not require grad (no input had requiresGrad: true)");
  void root.data; // a released loss says so here
  const order = topologicalOrder(root);
  const grads = new Map<Tensor, Float32Array>([[root, allocate(1).fill(1)]]); // d root / d root = 1
  for (let n = order.length - 1; n >= 0; n--) {
    const node = order[n];
    const g = grads.get(node);
    if (!g) continue;
    grads.delete(node);
    if (!node.backwardFn) {
      accumulateGrad(node, g);
      continue;
    }
    const parentGrads = node.backwardFn(g);
    node.parents.forEach((parent, i) => {
      const pg = parentGrads[i];
      if (!pg) return;
      const existing = grads.get(parent);
      if (!parent.requiresGrad) recycle(pg);
      else if (existing) {
        addInto(existing, pg);
        recycle(pg);
      } else grads.set(parent, pg);
    });
    recycle(g);
  }
}

/** Adds a leaf's gradient into its `.grad` (which takes the buffer the first time). */
function accumulateGrad(leaf: Tensor, g: Float32Array): void {
  if (leaf.grad) {
    addInto(leaf.grad.data, g);
    recycle(g);
  } else {
    leaf.grad = keep(new Tensor(g, leaf.shape.slice())); // belongs to the leaf, not to any scope: zeroGrad releases it
  }
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

/**
 * Runs `fn` without recording the graph: results do not require grad and no
 * backward closures are kept. Use it for evaluation, sampling and optimizer
 * updates; wrap it in `tidy` too, and its tensors' memory is reused.
 * (Synchronous only: an async `fn` would switch grad back on at its first `await`.)
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

/**
 * Clears `.grad` of every parameter (an array, any iterable, or a name ->
 * tensor map). The old gradient tensors are released: their memory serves
 * the next backward pass, and reading one kept from before throws.
 */
export function zeroGrad(params: Iterable<Tensor> | Record<string, Tensor>): void {
  const list = Symbol.iterator in params ? (params as Iterable<Tensor>) : Object.values(params);
  for (const p of list) {
    if (p.grad) releaseTensor(p.grad, "by zeroGrad (gradients are cleared before each training step)");
    p.grad = null;
  }
}

/**
 * A copy of `x`'s values as a new leaf that does not require grad: gradients
 * stop here. The copy is never released by a scope, so it stays valid after
 * a training step or `tidy` that made `x`.
 *
 * @example
 * let snapshot: Tensor;
 * tidy(() => { snapshot = detach(model.forward(x).logits); }); // still readable here
 */
export function detach(x: Tensor): Tensor {
  return keep(new Tensor(x.data.slice(), x.shape.slice()));
}
