/**
 * Reusing Float32 buffers between training steps.
 *
 * Every op writes its result into a new Float32Array, and one training step
 * of the course's ViT makes about two hundred of them, most 10 to 400 KB.
 * Node hands out such an array in about 10 µs; headless Chromium on the
 * course machine took 40–400 µs (fresh memory is mapped and zeroed page by
 * page), which made training there twice as slow as in Node. So, like
 * PyTorch's caching allocator, buffers of tensors that are done with go back
 * to a pool, and later ops take them from here instead of asking the engine
 * for new ones. What is "done with" is decided by scopes (`scope.ts`): a
 * training step, or any `tidy(fn)`, releases the tensors made inside it.
 *
 * Only buffers this pool handed out ever come back to it: an array a reader
 * wrapped with `new Tensor(values, shape)` stays theirs.
 */

/** Free buffers by length. */
const freeBuffers = new Map<number, Float32Array[]>();
/** The same buffers as a set, so that handing one back twice cannot make two owners. */
const isFree = new WeakSet<Float32Array>();
/** Values currently held in {@link freeBuffers}. */
let pooledValues = 0;
/** Every buffer this pool ever handed out (only these may come back). */
const pooled = new WeakSet<Float32Array>();
/** Buffers made by {@link allocate} with `new Float32Array`, not reused: steady if memory is reused. */
let created = 0;
/** At most 64 MB wait here; beyond that, buffers are left to the garbage collector. */
const MAX_POOLED_VALUES = 16 * 1024 * 1024;

/**
 * A zero-filled `Float32Array` of length `n`: a recycled one when a buffer of
 * that length is free, else a new one. Ops allocate their outputs and
 * gradients through it.
 */
export function allocate(n: number): Float32Array {
  return allocateForOverwrite(n).fill(0);
}

/**
 * Like {@link allocate}, but a recycled buffer keeps the numbers it held
 * before: for an op that writes every element of its output before anything
 * reads it (a matrix product with nothing to accumulate, a permutation of
 * axes, a kernel's "overwritten" outputs). Zero-filling such a buffer only to
 * overwrite it cost 2–4% of a training step. A caller that might leave an
 * element unwritten, or adds into the buffer, must use {@link allocate}.
 */
export function allocateForOverwrite(n: number): Float32Array {
  const reused = freeBuffers.get(n)?.pop();
  if (!reused) {
    const fresh = new Float32Array(n); // zeroed by the engine anyway
    pooled.add(fresh);
    created++;
    return fresh;
  }
  isFree.delete(reused);
  pooledValues -= n;
  return reused;
}

/**
 * Hands `buffer` back for reuse. The caller promises nothing reads or writes
 * it any more. Buffers this pool did not hand out (a reader's own array, a
 * view into a larger buffer) are ignored, and so is a second hand-back.
 */
export function recycle(buffer: Float32Array): void {
  const n = buffer.length;
  if (n === 0 || !pooled.has(buffer) || isFree.has(buffer) || pooledValues + n > MAX_POOLED_VALUES) return;
  let free = freeBuffers.get(n);
  if (!free) freeBuffers.set(n, (free = []));
  free.push(buffer);
  isFree.add(buffer);
  pooledValues += n;
}

/** A pooled copy of `values`: for backward rules, which must return buffers of their own. */
export function copyOf(values: Float32Array): Float32Array {
  const copy = allocateForOverwrite(values.length);
  copy.set(values);
  return copy;
}

/** Whether `buffer` came from {@link allocate} (so releasing its tensor may recycle it). */
export function isPooled(buffer: Float32Array): boolean {
  return pooled.has(buffer);
}

/**
 * How the pool is doing: `created` counts buffers made new since the page
 * loaded, `free` those waiting for reuse. Once training or a loop of scoped
 * forward passes is warm, `created` stops growing: every buffer is reused.
 */
export function poolStats(): { created: number; free: number; freeValues: number } {
  let free = 0;
  for (const list of freeBuffers.values()) free += list.length;
  return { created, free, freeValues: pooledValues };
}
