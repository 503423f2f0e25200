import { ShapeError, shapeString } from "../errors";
import { type Tensor, matmul, mul, softmax, tensor, where } from "../core";
import { matmulTransposed } from "../ops/matmul";

/** What {@link attention} computes, step by step, so a chapter can plot each stage. */
export interface AttentionResult {
  /** `weights @ v`: `[..., n, dv]`. */
  output: Tensor;
  /**
   * The scaled scores `q kᵀ / √d_k` after masking: `[..., n, m]`.
   * Entries where the mask is 0 hold `-Infinity` (so `exp` makes them exactly 0).
   */
  scores: Tensor;
  /** `softmax(scores)` over the keys: `[..., n, m]`, each row sums to 1. */
  weights: Tensor;
}

/**
 * Scaled dot-product attention: every query mixes the values, weighted by how
 * well it matches each key.
 *
 * `q [..., n, d] · k [..., m, d]ᵀ / √d -> scores [..., n, m]`, masked positions
 * become `-Infinity`, `weights = softmax(scores)`, `output = weights @ v [..., m, dv] -> [..., n, dv]`.
 * Leading axes broadcast like `matmul`. A query whose keys are all masked gets
 * NaN weights (0/0), as in PyTorch: keep at least one key per row.
 *
 * @param mask broadcastable to `[..., n, m]`; 1 keeps a key, 0 excludes it.
 * @example
 * import { attention, causalMask, randn } from "transformer";
 * const x = randn([4, 8]);
 * const { weights } = attention(x, x, x, { mask: causalMask(4) }); // [4, 4], lower triangular
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, options: { mask?: Tensor } = {}): AttentionResult {
  const [qs, ks, vs] = [q.shape, k.shape, v.shape];
  const bad = (why: string) =>
    new ShapeError(`attention: ${why}: q ${shapeString(qs)}, k ${shapeString(ks)}, v ${shapeString(vs)}`);
  if (qs.length < 2 || ks.length < 2 || vs.length < 2) throw bad("q, k and v need at least 2 axes [n, d]");
  if (qs.at(-1) !== ks.at(-1)) throw bad("q and k must have the same width d");
  if (ks.at(-2) !== vs.at(-2)) throw bad("k and v must have the same number of positions m");

  const scale = 1 / Math.sqrt(qs.at(-1)!);
  // Scaling q (n·d numbers) rather than the scores (n·m) gives the same q kᵀ / √d with less work.
  let scores = matmulTransposed(mul(q, scale), k); // [..., n, d] @ [..., m, d]ᵀ -> [..., n, m]
  if (options.mask) {
    const ms = options.mask.shape;
    const [n, m] = [qs.at(-2), ks.at(-2)];
    if (ms.length < 2 || (ms.at(-2) !== n && ms.at(-2) !== 1) || (ms.at(-1) !== m && ms.at(-1) !== 1)) {
      throw bad(`mask ${shapeString(ms)} does not broadcast to [..., ${n}, ${m}]`);
    }
    scores = where(options.mask, scores, -Infinity); // keep where mask ≠ 0
  }
  const weights = softmax(scores, -1);
  return { output: matmul(weights, v), scores, weights };
}

/**
 * The mask of a decoder: position i may look at positions 0..i only.
 * `[n, n]` with 1 on and below the diagonal, 0 above.
 *
 * @example
 * causalMask(3).toArray(); // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 */
export function causalMask(n: number): Tensor {
  if (!Number.isInteger(n) || n < 1) throw new ShapeError(`causalMask: n must be a positive integer, got ${n}`);
  const data = new Float32Array(n * n);
  for (let i = 0; i < n; i++) data.fill(1, i * n, i * n + i + 1);
  return tensor(data, [n, n]);
}
