import { ShapeError, shapeString } from "../errors";
import { type Tensor, add, concat, linear, zeros } from "../core";
import { patchify } from "./patchify";
import { type Params, pick } from "./params";

/**
 * The front of a ViT: cut images into patches, project each to width d, prepend
 * a learned class token (when `params.cls` exists) and add learned positions.
 *
 * `[B, C, H, W] -> patches [B, N, C·p·p] @ proj.w [C·p·p, d] + proj.b -> [B, N, d]`,
 * with the class token `cls [1, d]` -> `[B, 1 + N, d]`, then `+ pos [(1 +) N, d]`.
 * An unbatched image `[C, H, W]` gives `[(1 +) N, d]`.
 *
 * @example
 * import { patchEmbedding, randn, rand } from "transformer";
 * const params = { "proj.w": randn([48, 32]), "proj.b": randn([32]), cls: randn([1, 32]), pos: randn([17, 32]) };
 * patchEmbedding(rand([2, 3, 16, 16]), params, { patchSize: 4 }).shape; // [2, 17, 32]
 */
export function patchEmbedding(images: Tensor, params: Params, options: { patchSize: number }): Tensor {
  const proj = pick(params, "proj", ["w", "b"]);
  let tokens = linear(patchify(images, options.patchSize), proj.w, proj.b); // [(B,) N, d]
  const cls = params.cls;
  if (cls) {
    // Broadcast the one class token to every image, then put it in front: [(B,) 1, d].
    const lead = tokens.shape.slice(0, -2);
    const d = tokens.shape.at(-1)!;
    const clsRows = add(zeros([...lead, 1, d]), cls);
    tokens = concat([clsRows, tokens], -2);
  }
  const pos = params.pos;
  if (!pos || pos.shape.length !== 2 || pos.shape[0] !== tokens.shape.at(-2) || pos.shape[1] !== tokens.shape.at(-1)) {
    throw new ShapeError(
      `patchEmbedding: pos must be ${shapeString(tokens.shape.slice(-2))} for tokens ${shapeString(tokens.shape)}, got ${pos ? shapeString(pos.shape) : "nothing"}`,
    );
  }
  return add(tokens, pos);
}
