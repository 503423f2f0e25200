import { allocate } from "../memory";
import { ShapeError, shapeString } from "../errors";
import { Tensor, fromOp } from "../tensor";

/** Throws unless every id is an integer in `0..count-1`. */
export function checkIds(op: string, ids: ArrayLike<number>, count: number, what: string): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= count) {
      throw new ShapeError(`${op}: id ${id} at position ${i} is out of range for ${what}`);
    }
  }
}

/**
 * Looks up row `ids[i]` of `weight` for every id: token ids -> vectors.
 * The gradient of each looked-up row is added back into that row of `weight`.
 * `weight [V, d], ids (idsShape, default [ids.length]) -> [...idsShape, d]`
 *
 * @example
 * embedding(table, [3, 1, 3]); // rows 3, 1, 3 of table: [3, d]
 */
export function embedding(weight: Tensor, ids: ArrayLike<number>, idsShape: number[] = [ids.length]): Tensor {
  if (weight.ndim !== 2) throw new ShapeError(`embedding: weight must be [V, d], got ${shapeString(weight.shape)}`);
  const [vocab, d] = weight.shape;
  if (idsShape.reduce((a, b) => a * b, 1) !== ids.length) {
    throw new ShapeError(`embedding: ${ids.length} ids do not fill idsShape ${shapeString(idsShape)}`);
  }
  checkIds("embedding", ids, vocab, `weight ${shapeString(weight.shape)}`);
  const rows = Int32Array.from(ids);
  const out = allocate(rows.length * d);
  for (let i = 0; i < rows.length; i++) out.set(weight.data.subarray(rows[i] * d, rows[i] * d + d), i * d);
  return fromOp("embedding", out, [...idsShape, d], [weight], (g) => {
    const gw = allocate(weight.size);
    for (let i = 0; i < rows.length; i++) {
      const dst = rows[i] * d; // a repeated id collects the sum of its gradients
      for (let j = 0; j < d; j++) gw[dst + j] += g[i * d + j];
    }
    return [gw];
  });
}

/** One row per id with a 1 in column `id`. `ids (n) -> [n, classes]` */
export function oneHot(ids: ArrayLike<number>, classes: number): Tensor {
  if (!Number.isInteger(classes) || classes <= 0) throw new ShapeError(`oneHot: classes must be a positive integer, got ${classes}`);
  checkIds("oneHot", ids, classes, `${classes} classes`);
  const out = allocate(ids.length * classes);
  for (let i = 0; i < ids.length; i++) out[i * classes + ids[i]] = 1;
  return new Tensor(out, [ids.length, classes]);
}
