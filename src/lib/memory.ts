/**
 * Reusing Float32 buffers between training steps.
 *
 * Every op writes its result into a new Float32Array, and one training step
 * of the course's ViT makes about two hundred of them, most 10 to 400 KB.
 * Node hands out such an array in about 10 µs; headless Chromium on the
 * course machine took 40–400 µs (fresh memory is mapped and zeroed page by
 * page), which made training there twice as slow as in Node. So, like
 * PyTorch's caching allocator, the training loop gives the buffers of a
 * finished step back (`releaseGraph` in `tensor.ts`) and the next
 * step's ops take them from here instead of asking the engine for new ones.
 */

/** Free buffers by length. */
const freeBuffers = new Map<number, Float32Array[]>();
/** The same buffers as a set, so that handing one back twice cannot make two owners. */
const isFree = new WeakSet<Float32Array>();
/** Values currently held in {@link freeBuffers}. */
let pooledValues = 0;
/** At most 64 MB wait here; beyond that, buffers are left to the garbage collector. */
const MAX_POOLED_VALUES = 16 * 1024 * 1024;

/**
 * A zero-filled `Float32Array` of length `n`: a recycled one when a buffer of
 * that length is free, else a new one. Ops allocate their outputs and
 * gradients through it.
 */
export function allocate(n: number): Float32Array {
  const reused = freeBuffers.get(n)?.pop();
  if (!reused) return new Float32Array(n);
  isFree.delete(reused);
  pooledValues -= n;
  return reused.fill(0);
}

/**
 * Hands `buffer` back for reuse. The caller promises nothing reads or writes
 * it any more. Views into a larger buffer (`subarray`) are ignored: they
 * share memory with whatever else uses that buffer.
 */
export function recycle(buffer: Float32Array): void {
  const n = buffer.length;
  if (n === 0 || buffer.byteOffset !== 0 || buffer.byteLength !== buffer.buffer.byteLength) return;
  if (isFree.has(buffer) || pooledValues + n > MAX_POOLED_VALUES) return;
  let free = freeBuffers.get(n);
  if (!free) freeBuffers.set(n, (free = []));
  free.push(buffer);
  isFree.add(buffer);
  pooledValues += n;
}
