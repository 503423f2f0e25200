import { allocate } from "../memory";
import { ShapeError, shapeString } from "../errors";
import { Random, defaultRng } from "../random";
import { Tensor, fromOp } from "../tensor";

/** Options for `dropout`. */
export interface DropoutOptions {
  /** Dropout is active only while training; in evaluation it is the identity. */
  training: boolean;
  /** Generator for the mask (default: the global one, see `manualSeed`). */
  rng?: Random;
}

/**
 * Inverted dropout: while training, zeroes each element with probability `p`
 * and scales the survivors by `1 / (1 - p)`, so the expected value is
 * unchanged and evaluation needs no rescaling. `[...] -> [...]`
 */
export function dropout(x: Tensor, p: number, opts: DropoutOptions): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ShapeError(`dropout: p must be in [0, 1], got ${p} for x of shape ${shapeString(x.shape)}`);
  if (!opts.training || p === 0) return x;
  const rng = opts.rng ?? defaultRng();
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const mask = allocate(x.size); // 0 or the scale, reused by backward
  for (let i = 0; i < mask.length; i++) mask[i] = rng.next() < p ? 0 : scale;
  const out = allocate(x.size);
  for (let i = 0; i < out.length; i++) out[i] = x.data[i] * mask[i];
  return fromOp("dropout", out, x.shape.slice(), [x], (g) => {
    const gx = allocate(g.length);
    for (let i = 0; i < g.length; i++) gx[i] = g[i] * mask[i];
    return [gx];
  }, [mask]);
}
