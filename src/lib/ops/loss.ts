import { allocate } from "../memory";
import { ShapeError, shapeString } from "../errors";
import { Tensor, fromOp } from "../tensor";
import { checkIds } from "./embedding";

/** Options for `crossEntropy`. */
export interface CrossEntropyOptions {
  /** Targets equal to this are skipped (not counted in the mean), e.g. padding. */
  ignoreIndex?: number;
}

/**
 * Mean cross-entropy between logits and integer class targets, like
 * `torch.nn.functional.cross_entropy`: `-mean_i log softmax(logits_i)[target_i]`.
 * `logits [n, C] (or [B, T, C] with B·T targets), targets (n) -> []`
 */
export function crossEntropy(logits: Tensor, targets: ArrayLike<number>, opts: CrossEntropyOptions = {}): Tensor {
  const where = `logits ${shapeString(logits.shape)}, targets (${targets.length})`;
  if (logits.ndim < 2) throw new ShapeError(`crossEntropy: logits must be [n, classes] or [B, T, classes]: ${where}`);
  const classes = logits.shape[logits.ndim - 1];
  const n = classes === 0 ? 0 : logits.size / classes;
  if (targets.length !== n) throw new ShapeError(`crossEntropy: expected ${n} targets: ${where}`);
  const ignore = opts.ignoreIndex;
  const kept = Array.from(targets).filter((t) => t !== ignore);
  checkIds("crossEntropy", kept, classes, where);
  const X = logits.data;
  const probs = allocate(logits.size); // softmax per row, reused by backward
  let total = 0;
  for (let r = 0; r < n; r++) {
    const o = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, X[o + c]);
    let sumExp = 0;
    for (let c = 0; c < classes; c++) sumExp += Math.exp(X[o + c] - max);
    for (let c = 0; c < classes; c++) probs[o + c] = Math.exp(X[o + c] - max) / sumExp;
    if (targets[r] !== ignore) total += Math.log(sumExp) + max - X[o + targets[r]];
  }
  const count = kept.length;
  // No counted targets: 0/0, NaN, as in PyTorch.
  return fromOp("crossEntropy", Float32Array.of(total / count), [], [logits], (g) => {
    // d loss / d logits = (softmax - onehot(target)) / count, zero for ignored rows.
    const gx = allocate(logits.size);
    const scale = g[0] / count;
    for (let r = 0; r < n; r++) {
      if (targets[r] === ignore) continue;
      const o = r * classes;
      for (let c = 0; c < classes; c++) gx[o + c] = probs[o + c] * scale;
      gx[o + targets[r]] -= scale;
    }
    return [gx];
  }, [probs]);
}
