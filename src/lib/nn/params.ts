import type { Tensor } from "../core";

/**
 * A model's parameters: a flat map from dotted names to tensors (a "state dict"),
 * e.g. `blocks.0.attn.wq`. Plain data, so it saves, loads and prints easily.
 */
export type Params = Record<string, Tensor>;

/**
 * The entries of `params` under `prefix.`, with the prefix removed:
 * `scope(p, "blocks.0")["attn.wq"] === p["blocks.0.attn.wq"]`.
 */
export function scope(params: Params, prefix: string): Params {
  const out: Params = {};
  const start = prefix + ".";
  for (const [name, value] of Object.entries(params)) {
    if (name.startsWith(start)) out[name.slice(start.length)] = value;
  }
  return out;
}

/** The inverse of {@link scope}: every name gets `prefix.` in front. */
export function prefixed(prefix: string, params: Params): Params {
  const out: Params = {};
  for (const [name, value] of Object.entries(params)) out[`${prefix}.${name}`] = value;
  return out;
}

/**
 * Picks the named entries `prefix.name` out of `params` as a typed record,
 * throwing a readable error when one is missing (a typo in a hand-built state dict).
 */
export function pick<K extends string>(params: Params, prefix: string, names: readonly K[]): Record<K, Tensor> {
  const out = {} as Record<K, Tensor>;
  for (const name of names) {
    const full = prefix ? `${prefix}.${name}` : name;
    const value = params[full];
    if (!value) throw new Error(`missing parameter "${full}" (have: ${Object.keys(params).join(", ") || "none"})`);
    out[name] = value;
  }
  return out;
}

/** How many `prefix.i.` groups exist, counting i = 0, 1, 2, ... (the depth of a stack). */
export function countLayers(params: Params, prefix: string): number {
  const names = Object.keys(params);
  let n = 0;
  while (names.some((name) => name.startsWith(`${prefix}.${n}.`))) n++;
  return n;
}

/** Total number of scalar parameters. */
export function parameterCount<P extends { [K in keyof P]: Tensor }>(params: P): number {
  return (Object.values(params) as Tensor[]).reduce((total, t) => total + t.data.length, 0);
}
