/**
 * A chart output as a standalone SVG file, and as a PNG drawn from it.
 *
 * On the page a chart is HTML around SVG: the title and legend are HTML
 * text, the marks take their colours from CSS (`currentColor`, Starlight's
 * variables, the theme), and values are in `data-tip` attributes. A file
 * must stand on its own, so the picture is rebuilt as one `<svg>`:
 *
 * - every `<svg>` of the chart at the place it has on the screen, with the
 *   colours and fonts the page computed written onto each element (no
 *   `currentColor`, no `var(…)`, no class that needs a stylesheet);
 * - the HTML text around them (title, subtitle, legend labels, notes) as
 *   `<text>` at the same places, in the same font and colour;
 * - pictures (`<image>`) as `data:` URLs, which the renderers already use;
 * - each mark's value (`data-tip`) back as a `<title>`, which SVG viewers
 *   show on hover;
 * - the page's background behind it all, so a dark-theme export stays legible.
 *
 * The PNG is that SVG drawn on a canvas at twice its size.
 */

const SVG_NS = "http://www.w3.org/2000/svg";

/** Properties copied from the page's computed style onto each element of a chart's SVG. */
const SVG_PROPERTIES = [
  "fill",
  "fill-opacity",
  "stroke",
  "stroke-width",
  "stroke-opacity",
  "stroke-dasharray",
  "stroke-linecap",
  "stroke-linejoin",
  "opacity",
  "color",
  "font-family",
  "font-size",
  "font-weight",
  "font-style",
  "font-variant-numeric",
  "image-rendering",
  "paint-order",
  "visibility",
];

/** Reads the computed style of an element (the page's `getComputedStyle`; a stub in tests). */
export type StyleOf = (element: Element) => { getPropertyValue(name: string): string };

/**
 * A deep copy of a chart's `<svg>` that needs no stylesheet: every element
 * carries the computed value of `SVG_PROPERTIES` that differ from its parent's,
 * attributes that name `currentColor` or a CSS variable get the computed colour,
 * and `data-tip` becomes a `<title>`. Interaction attributes go.
 */
export function inlineSvg(svg: Element, styleOf: StyleOf): Element {
  const copy = svg.cloneNode(true) as Element;
  const originals = [svg, ...Array.from(svg.querySelectorAll("*"))];
  const copies = [copy, ...Array.from(copy.querySelectorAll("*"))];
  const computed = new Map<Element, Map<string, string>>();
  originals.forEach((original, i) => {
    const target = copies[i];
    const tag = original.tagName.toLowerCase();
    if (tag === "style" || tag === "title") return;
    const style = styleOf(original);
    const values = new Map(SVG_PROPERTIES.map((name) => [name, style.getPropertyValue(name).trim()]));
    computed.set(original, values);
    const parent = original === svg ? undefined : computed.get(original.parentElement!);
    const declarations: string[] = [];
    for (const [name, value] of values) {
      if (value && value !== parent?.get(name)) declarations.push(`${name}: ${value}`);
    }
    for (const attribute of ["fill", "stroke", "color", "stop-color"]) {
      const written = target.getAttribute(attribute);
      if (written && /currentcolor|var\(/i.test(written)) target.setAttribute(attribute, values.get(attribute === "stop-color" ? "color" : attribute) || "black");
    }
    if (declarations.length) target.setAttribute("style", declarations.join("; "));
    for (const name of ["tabindex", "class", "data-grid", "data-points"]) target.removeAttribute(name);
    const tip = target.getAttribute("data-tip");
    if (tip !== null) {
      target.removeAttribute("data-tip");
      const title = target.ownerDocument.createElementNS(SVG_NS, "title");
      title.textContent = tip;
      target.insertBefore(title, target.firstChild);
    }
  });
  // Plot's own stylesheet only sizes the chart in the page; the file has its size in attributes.
  for (const style of Array.from(copy.querySelectorAll("style"))) style.remove();
  return copy;
}

/** A picture file: the SVG text and its size in CSS pixels. */
export interface ChartPicture {
  svg: string;
  width: number;
  height: number;
}

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The chart output `root` (a `.nb-plot` or a row of them) as one standalone SVG. */
export async function chartToSvg(root: Element): Promise<ChartPicture> {
  const doc = root.ownerDocument;
  const view = doc.defaultView!;
  const styleOf: StyleOf = (element) => view.getComputedStyle(element);
  const origin = root.getBoundingClientRect();
  const parts: { box: Box; node: Element }[] = [];

  for (const svg of Array.from(root.querySelectorAll("svg"))) {
    if (svg.parentElement?.closest("svg")) continue;
    const rect = svg.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    const copy = inlineSvg(svg, styleOf);
    await inlinePictures(copy);
    if (!copy.getAttribute("viewBox")) copy.setAttribute("viewBox", `0 0 ${rect.width} ${rect.height}`);
    copy.setAttribute("width", String(rect.width));
    copy.setAttribute("height", String(rect.height));
    parts.push({ box: relative(rect, origin), node: copy });
  }
  for (const line of textLines(root)) {
    const style = styleOf(line.element);
    const text = doc.createElementNS(SVG_NS, "text");
    const fontSize = Number.parseFloat(style.getPropertyValue("font-size")) || 12;
    text.setAttribute("font-family", style.getPropertyValue("font-family"));
    text.setAttribute("font-size", String(fontSize));
    text.setAttribute("font-weight", style.getPropertyValue("font-weight"));
    text.setAttribute("fill", style.getPropertyValue("color"));
    text.textContent = line.text;
    // Baseline: the line box's middle plus about a third of the font size.
    const box = relative(line.box, origin);
    text.setAttribute("x", String(box.left));
    text.setAttribute("y", String(box.top + box.height / 2 + fontSize * 0.35));
    parts.push({ box, node: text });
  }

  const pad = 8;
  const left = Math.min(...parts.map((p) => p.box.left)) - pad;
  const top = Math.min(...parts.map((p) => p.box.top)) - pad;
  const width = Math.ceil(Math.max(...parts.map((p) => p.box.left + p.box.width)) - left + pad);
  const height = Math.ceil(Math.max(...parts.map((p) => p.box.top + p.box.height)) - top + pad);

  // In the SVG namespace, so the serializer declares it once on the root.
  const svg = doc.createElementNS(SVG_NS, "svg");
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const label = root.querySelector("svg[aria-label]")?.getAttribute("aria-label");
  if (label) {
    const title = doc.createElementNS(SVG_NS, "title");
    title.textContent = label;
    svg.append(title);
  }
  const background = doc.createElementNS(SVG_NS, "rect");
  background.setAttribute("width", "100%");
  background.setAttribute("height", "100%");
  background.setAttribute("fill", backgroundOf(root, styleOf));
  svg.append(background);
  for (const { box, node } of parts) {
    if (node.tagName.toLowerCase() === "svg") {
      node.setAttribute("x", String(box.left - left));
      node.setAttribute("y", String(box.top - top));
    } else {
      node.setAttribute("x", String(Number(node.getAttribute("x")) - left));
      node.setAttribute("y", String(Number(node.getAttribute("y")) - top));
    }
    svg.append(node);
  }
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}\n`;
  return { svg: text, width, height };
}

/** The picture drawn on a canvas at `scale` times its size, as PNG bytes. */
export async function pictureToPng(picture: ChartPicture, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([picture.svg], { type: "image/svg+xml" }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(picture.width * scale);
    canvas.height = Math.round(picture.height * scale);
    const context = canvas.getContext("2d");
    if (!context) throw new Error("this browser cannot draw on a canvas");
    context.scale(scale, scale);
    context.drawImage(image, 0, 0, picture.width, picture.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("the canvas could not be saved as PNG"))), "image/png"),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** `<image>`s whose picture is not a `data:` URL get one, so the file holds its pictures. */
async function inlinePictures(svg: Element): Promise<void> {
  for (const image of Array.from(svg.querySelectorAll("image"))) {
    const href = image.getAttribute("href") ?? image.getAttribute("xlink:href") ?? "";
    if (!href || href.startsWith("data:")) continue;
    const blob = await (await fetch(href)).blob();
    const dataUrl = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
    image.removeAttribute("xlink:href");
    image.setAttribute("href", dataUrl);
  }
}

/** Every line of HTML text in `root` outside its SVGs and controls, with the box it occupies. */
function textLines(root: Element): { text: string; box: DOMRect; element: Element }[] {
  const doc = root.ownerDocument;
  const lines: { text: string; box: DOMRect; element: Element }[] = [];
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    const content = node.textContent ?? "";
    if (!element || !content.trim() || element.closest("svg, .nb-chart-actions, style, script")) continue;
    const range = doc.createRange();
    range.selectNodeContents(node);
    const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
    if (rects.length === 0) continue;
    if (rects.length === 1) {
      lines.push({ text: content.trim(), box: rects[0], element });
      continue;
    }
    // The text wraps: one `<text>` per line, found by where each character sits.
    let start = 0;
    let lineTop = NaN;
    const flush = (end: number) => {
      const piece = content.slice(start, end);
      if (piece.trim()) {
        const r = doc.createRange();
        r.setStart(node!, start);
        r.setEnd(node!, end);
        lines.push({ text: piece.trim(), box: r.getBoundingClientRect(), element });
      }
      start = end;
    };
    for (let i = 0; i < content.length; i++) {
      const r = doc.createRange();
      r.setStart(node, i);
      r.setEnd(node, i + 1);
      const top = r.getBoundingClientRect().top;
      if (!Number.isNaN(lineTop) && top > lineTop + 1) flush(i);
      lineTop = top;
    }
    flush(content.length);
  }
  return lines;
}

function relative(rect: DOMRect | Box, origin: DOMRect): Box {
  return { left: rect.left - origin.left, top: rect.top - origin.top, width: rect.width, height: rect.height };
}

/** The first opaque background behind `element` (the page's, at worst white). */
function backgroundOf(element: Element, styleOf: StyleOf): string {
  for (let node: Element | null = element; node; node = node.parentElement) {
    const colour = styleOf(node).getPropertyValue("background-color").trim();
    if (colour && colour !== "transparent" && !/rgba\(.*,\s*0\)$/.test(colour)) return colour;
  }
  return "white";
}
