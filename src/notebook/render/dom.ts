/**
 * The one way the renderers build elements: text always goes through
 * `textContent`, never `innerHTML`, so a reader's strings cannot inject markup.
 */

export interface ElementOptions {
  class?: string;
  text?: string;
  attrs?: Record<string, string>;
}

/** `<tag class=... attrs...>text</tag>` with `children` appended. */
export function el(doc: Document, tag: string, options: ElementOptions = {}, children: (Node | null | undefined)[] = []): HTMLElement {
  const element = doc.createElement(tag);
  if (options.class) element.setAttribute("class", options.class);
  for (const [name, value] of Object.entries(options.attrs ?? {})) element.setAttribute(name, value);
  if (options.text !== undefined) element.textContent = options.text;
  for (const child of children) if (child) element.appendChild(child);
  return element;
}

/** A number as readers expect it: integers whole, others to 4 significant digits. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}
