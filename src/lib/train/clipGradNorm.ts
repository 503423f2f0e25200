import type { Tensor } from "../core";
import type { ParamSource } from "./optimizers";

/**
 * Rescales all gradients together so their combined L2 norm is at most
 * `maxNorm` (as `torch.nn.utils.clip_grad_norm_`); a single bad batch then
 * cannot throw the weights far. Returns the norm before clipping.
 *
 * @example
 * loss.backward();
 * clipGradNorm(model.params, 1.0);
 * optimizer.step();
 */
export function clipGradNorm(params: ParamSource, maxNorm: number): number {
  const grads = (Array.isArray(params) ? params : Object.values(params)).map((p: Tensor) => p.grad?.data).filter((g) => g !== undefined);
  let squares = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) squares += g[i] * g[i];
  const norm = Math.sqrt(squares);
  const scale = maxNorm / (norm + 1e-6);
  if (scale < 1) for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= scale;
  return norm;
}
