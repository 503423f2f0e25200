/**
 * The value tooltip of every chart on the page, pre-rendered or drawn after a
 * run: hover (mouse), tap (touch) or focus a chart and move with the arrow
 * keys (keyboard) to read the index and exact value of a cell, bar or point.
 * One listener set on the document serves every chart; the tooltip is one
 * element, announced politely to screen readers.
 *
 * Charts mark what can be read (see render/plot.ts and charts/tips.ts):
 * `data-tip` on a mark, `data-grid` on a raster `<image>`, `data-points` on
 * the invisible group of a line chart. Tippable charts are `svg.nb-tippable`
 * with `tabindex="0"`.
 */
import { gridTipText, nearestPoint, readPicture, type GridTip, type PointTips } from "../charts/tips";

const SVG_NS = "http://www.w3.org/2000/svg";

/** Where the keyboard is inside a focused chart. */
interface Cursor {
  svg: SVGSVGElement;
  /** Index into the chart's stops (marks or points), or a cell of its raster. */
  index: number;
  row: number;
  col: number;
}

let tooltip: HTMLElement | undefined;
let cursor: Cursor | undefined;
let highlighted: Element | undefined;
const grids = new WeakMap<Element, GridTip>();
const pointLists = new WeakMap<Element, PointTips>();
const pictures = new WeakMap<Element, Uint8Array | null>();

/** The RGBA bytes of a raster whose HTML has no exact values (a large picture), read once. */
function pixelsOf(image: Element, grid: GridTip): Uint8Array | undefined {
  if (grid.values) return undefined;
  if (!pictures.has(image)) pictures.set(image, readPicture(image.getAttribute("href") ?? ""));
  return pictures.get(image) ?? undefined;
}

function tooltipElement(): HTMLElement {
  if (!tooltip?.isConnected) {
    tooltip = document.createElement("div");
    tooltip.className = "nb-tip";
    tooltip.setAttribute("role", "status");
    tooltip.setAttribute("aria-live", "polite");
    tooltip.hidden = true;
    document.body.append(tooltip);
  }
  return tooltip;
}

/** Shows `text` just above the client point (x, y), kept inside the viewport. */
function show(text: string, x: number, y: number): void {
  const tip = tooltipElement();
  tip.textContent = text;
  tip.hidden = false;
  const { width, height } = tip.getBoundingClientRect();
  const left = Math.min(Math.max(4, x - width / 2), window.innerWidth - width - 4);
  const top = y - height - 10 < 4 ? y + 16 : y - height - 10;
  tip.style.left = `${left}px`;
  tip.style.top = `${top}px`;
}

function hide(): void {
  if (tooltip) tooltip.hidden = true;
  unhighlight();
}

function unhighlight(): void {
  if (highlighted?.classList.contains("nb-tip-cursor")) highlighted.remove();
  else highlighted?.classList.remove("nb-tip-active");
  highlighted = undefined;
}

function gridOf(image: Element): GridTip | undefined {
  const own = (image as unknown as { gridTip?: GridTip }).gridTip;
  if (own) return own;
  if (!grids.has(image) && image.hasAttribute("data-grid")) grids.set(image, JSON.parse(image.getAttribute("data-grid")!));
  return grids.get(image);
}

function pointsOf(group: Element): PointTips {
  if (!pointLists.has(group)) pointLists.set(group, JSON.parse(group.getAttribute("data-points") ?? "[]"));
  return pointLists.get(group)!;
}

/** Client coordinates -> the chart's SVG coordinates. */
function toSvg(svg: SVGSVGElement, x: number, y: number): { x: number; y: number } {
  const matrix = svg.getScreenCTM();
  if (!matrix) return { x, y };
  const point = new DOMPoint(x, y).matrixTransform(matrix.inverse());
  return { x: point.x, y: point.y };
}

/** SVG coordinates -> client coordinates. */
function toClient(svg: SVGSVGElement, x: number, y: number): { x: number; y: number } {
  const matrix = svg.getScreenCTM();
  if (!matrix) return { x, y };
  const point = new DOMPoint(x, y).matrixTransform(matrix);
  return { x: point.x, y: point.y };
}

function box(image: Element): { x: number; y: number; width: number; height: number } {
  const n = (name: string) => Number(image.getAttribute(name));
  return { x: n("x"), y: n("y"), width: n("width"), height: n("height") };
}

/** Outlines cell (row, col) of a raster and returns the client point above its centre. */
function markCell(svg: SVGSVGElement, image: Element, grid: GridTip, row: number, col: number): { x: number; y: number } {
  unhighlight();
  const b = box(image);
  const w = b.width / grid.cols;
  const h = b.height / grid.rows;
  const rect = document.createElementNS(SVG_NS, "rect");
  rect.setAttribute("class", "nb-tip-cursor");
  rect.setAttribute("x", String(b.x + col * w));
  rect.setAttribute("y", String(b.y + row * h));
  rect.setAttribute("width", String(w));
  rect.setAttribute("height", String(h));
  image.after(rect);
  highlighted = rect;
  return toClient(svg, b.x + (col + 0.5) * w, b.y + row * h);
}

function markElement(element: Element): { x: number; y: number } {
  unhighlight();
  element.classList.add("nb-tip-active");
  highlighted = element;
  const r = element.getBoundingClientRect();
  return { x: r.left + r.width / 2, y: r.top };
}

function tippable(target: EventTarget | null): SVGSVGElement | null {
  return target instanceof Element ? (target.closest("svg.nb-tippable") as SVGSVGElement | null) : null;
}

/** The tooltip for the pointer at client (x, y) over `target`, if any. */
function showAtPointer(target: Element, svg: SVGSVGElement, x: number, y: number): void {
  const mark = target.closest("[data-tip]");
  if (mark && svg.contains(mark)) {
    markElement(mark);
    show(mark.getAttribute("data-tip")!, x, y);
    return;
  }
  const at = toSvg(svg, x, y);
  for (const image of svg.querySelectorAll("image.nb-raster")) {
    const grid = gridOf(image);
    const b = box(image);
    if (!grid || at.x < b.x || at.y < b.y || at.x >= b.x + b.width || at.y >= b.y + b.height) continue;
    const row = Math.floor(((at.y - b.y) / b.height) * grid.rows);
    const col = Math.floor(((at.x - b.x) / b.width) * grid.cols);
    const text = gridTipText(grid, row, col, pixelsOf(image, grid));
    if (text === null) break;
    markCell(svg, image, grid, row, col);
    show(text, x, y);
    return;
  }
  const group = svg.querySelector("g[data-points]");
  if (group) {
    const points = pointsOf(group);
    const i = nearestPoint(points, at.x, at.y);
    if (i >= 0 && Math.abs(points[i][0] - at.x) < 24) {
      unhighlight();
      const p = toClient(svg, points[i][0], points[i][1]);
      show(points[i][2], p.x, p.y);
      return;
    }
  }
  hide();
}

function onPointer(event: PointerEvent): void {
  const svg = tippable(event.target);
  if (!svg) {
    if (tooltip && !tooltip.hidden && !cursor) hide();
    return;
  }
  showAtPointer(event.target as Element, svg, event.clientX, event.clientY);
}

/** Shows the keyboard cursor's value in its chart. */
function showCursor(c: Cursor): void {
  const image = c.svg.querySelector("image.nb-raster");
  const grid = image && gridOf(image);
  if (image && grid) {
    c.row = Math.max(0, Math.min(grid.rows - 1, c.row));
    c.col = Math.max(0, Math.min(grid.cols - 1, c.col));
    const text = gridTipText(grid, c.row, c.col, pixelsOf(image, grid));
    const p = markCell(c.svg, image, grid, c.row, c.col);
    show(text ?? "(gap between patches)", p.x, p.y);
    return;
  }
  const marks = [...c.svg.querySelectorAll("[data-tip]")];
  if (marks.length) {
    c.index = (c.index + marks.length) % marks.length;
    const p = markElement(marks[c.index]);
    show(marks[c.index].getAttribute("data-tip")!, p.x, p.y);
    return;
  }
  const group = c.svg.querySelector("g[data-points]");
  const points = group ? pointsOf(group) : [];
  if (points.length) {
    c.index = (c.index + points.length) % points.length;
    const p = toClient(c.svg, points[c.index][0], points[c.index][1]);
    show(points[c.index][2], p.x, p.y);
  }
}

const MOVES: Record<string, [number, number, number]> = {
  // [rows, cols, list step]
  ArrowLeft: [0, -1, -1],
  ArrowRight: [0, 1, 1],
  ArrowUp: [-1, 0, -1],
  ArrowDown: [1, 0, 1],
};

function onKey(event: KeyboardEvent): void {
  const svg = tippable(event.target);
  if (!svg || !cursor || cursor.svg !== svg) return;
  if (event.key === "Escape") {
    hide();
    return;
  }
  const move = MOVES[event.key];
  if (!move) return;
  event.preventDefault();
  cursor.row += move[0];
  cursor.col += move[1];
  cursor.index += move[2];
  showCursor(cursor);
}

function onFocusIn(event: FocusEvent): void {
  const svg = event.target instanceof SVGSVGElement && event.target.classList.contains("nb-tippable") ? event.target : null;
  if (!svg) return;
  cursor = { svg, index: 0, row: 0, col: 0 };
  showCursor(cursor);
}

function onFocusOut(event: FocusEvent): void {
  if (cursor && event.target === cursor.svg) {
    cursor = undefined;
    hide();
  }
}

/** Installs the listeners once per page. */
export function installTooltips(): void {
  const flag = document.documentElement;
  if (flag.hasAttribute("data-nb-tips")) return;
  flag.setAttribute("data-nb-tips", "");
  document.addEventListener("pointermove", onPointer, { passive: true });
  document.addEventListener("pointerdown", onPointer, { passive: true });
  document.addEventListener("keydown", onKey);
  document.addEventListener("focusin", onFocusIn);
  document.addEventListener("focusout", onFocusOut);
  document.addEventListener("scroll", () => cursor === undefined && hide(), { passive: true, capture: true });
}

if (typeof document !== "undefined") installTooltips();
