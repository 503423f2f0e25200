import { ShapeError } from "../errors";
import { type Tensor, add, embedding, slice } from "../core";

/** Token ids for a model: a batch of equal-length rows `number[][]` `[B, T]`, or a tensor of ids `[B, T]`. */
export type TokenIds = number[][] | Tensor;

/** `ids [B, T]` as flat ids plus their shape, checking the rows are rectangular. */
export function flattenIds(op: string, ids: TokenIds): { flat: number[]; B: number; T: number } {
  if (!Array.isArray(ids)) {
    if (ids.shape.length !== 2) throw new ShapeError(`${op}: ids must be [B, T], got [${ids.shape.join(", ")}]`);
    return { flat: Array.from(ids.data), B: ids.shape[0], T: ids.shape[1] };
  }
  const T = ids[0]?.length ?? 0;
  if (ids.length === 0 || T === 0 || ids.some((row) => row.length !== T)) {
    throw new ShapeError(`${op}: ids must be a non-empty batch of equal-length rows [B, T]`);
  }
  return { flat: ids.flat(), B: ids.length, T };
}

/** Token embeddings plus the first T rows of a position table: `ids [B, T] -> [B, T, d]`. */
export function embedTokens(op: string, ids: TokenIds, table: Tensor, positions: Tensor): Tensor {
  const { flat, B, T } = flattenIds(op, ids);
  if (T > positions.shape[0]) throw new ShapeError(`${op}: sequence length ${T} exceeds the ${positions.shape[0]} positions`);
  const rows = positions.shape[0] === T ? positions : slice(positions, 0, 0, T); // [T, d]
  return add(embedding(table, flat, [B, T]), rows); // [B, T, d] + [T, d]
}

