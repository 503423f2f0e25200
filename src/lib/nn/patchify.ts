import { ShapeError, shapeString } from "../errors";
import { type Tensor, permute, reshape } from "../core";

/**
 * Cuts an image into non-overlapping `p × p` patches, the "words" of a ViT.
 *
 * `[C, H, W] -> [N, C·p·p]` with `N = (H/p)·(W/p)` patches in raster order
 * (row of patches by row), each flattened as (channel, row, column);
 * batched `[B, C, H, W] -> [B, N, C·p·p]`. Only a reshape and a permute, so
 * gradients flow back to the pixels.
 *
 * @example
 * import { patchify, rand } from "transformer";
 * patchify(rand([3, 32, 32]), 8).shape; // [16, 192]
 */
export function patchify(image: Tensor, p: number): Tensor {
  const s = image.shape;
  if (s.length !== 3 && s.length !== 4) {
    throw new ShapeError(`patchify: image must be [C, H, W] or [B, C, H, W], got ${shapeString(s)}`);
  }
  const [C, H, W] = s.slice(-3);
  if (!Number.isInteger(p) || p < 1 || H % p !== 0 || W % p !== 0) {
    throw new ShapeError(`patchify: patch size ${p} does not divide the image ${shapeString(s)}`);
  }
  const [rows, cols] = [H / p, W / p];
  if (s.length === 3) {
    // [C, rows, p, cols, p] -> [rows, cols, C, p, p] -> [N, C·p·p]
    return reshape(permute(reshape(image, [C, rows, p, cols, p]), [1, 3, 0, 2, 4]), [rows * cols, C * p * p]);
  }
  const B = s[0];
  return reshape(permute(reshape(image, [B, C, rows, p, cols, p]), [0, 2, 4, 1, 3, 5]), [B, rows * cols, C * p * p]);
}

/**
 * The inverse of {@link patchify}: `[N, C·p·p] -> [C, H, W]`, or `[B, N, C·p·p] -> [B, C, H, W]`.
 *
 * @example
 * unpatchify(patchify(img, 8), 3, 32, 32, 8); // equals img
 */
export function unpatchify(patches: Tensor, C: number, H: number, W: number, p: number): Tensor {
  const s = patches.shape;
  const [rows, cols] = [H / p, W / p];
  if ((s.length !== 2 && s.length !== 3) || s.at(-2) !== rows * cols || s.at(-1) !== C * p * p) {
    throw new ShapeError(`unpatchify: patches ${shapeString(s)} do not fit C=${C}, H=${H}, W=${W}, p=${p}`);
  }
  if (s.length === 2) {
    return reshape(permute(reshape(patches, [rows, cols, C, p, p]), [2, 0, 3, 1, 4]), [C, H, W]);
  }
  const B = s[0];
  return reshape(permute(reshape(patches, [B, rows, cols, C, p, p]), [0, 3, 1, 4, 2, 5]), [B, C, H, W]);
}
