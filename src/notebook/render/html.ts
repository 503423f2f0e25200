/**
 * Build-time rendering: the same renderers as the page, with linkedom as the
 * DOM, serialised to HTML for the static page. Kept apart from index.ts so
 * the browser bundle never includes linkedom.
 */
import { parseHTML } from "linkedom";
import type { Output } from "../protocol";
import { renderOutput } from "./index";

let shared: Document | undefined;

/** The HTML of `outputs`, in order (empty string for none). */
export function renderOutputsToHtml(outputs: Output[]): string {
  shared ??= parseHTML("<!doctype html><html><head></head><body></body></html>").document as unknown as Document;
  return outputs.map((output) => (renderOutput(output, shared!) as HTMLElement).outerHTML).join("");
}
