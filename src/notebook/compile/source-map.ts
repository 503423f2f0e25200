/**
 * Maps positions in the JavaScript we run back to the reader's TypeScript.
 *
 * Two steps: our own rewrites of the JavaScript (recorded as `Edit`s) are
 * undone first, then sucrase's source map takes the JavaScript position to the
 * TypeScript one. Sucrase keeps lines 1:1 and maps every token, so columns
 * survive type annotations that were removed earlier on the same line.
 * All positions here are 0-based; the protocol's 1-based line/column are made
 * at the edge (engine/engine.ts).
 */

export interface Position {
  line: number;
  column: number;
}

/** A text replacement in the JavaScript: `removed` characters at `at` became `inserted`. */
export interface Edit {
  at: number;
  removed: number;
  inserted: string;
}

/** Applies non-overlapping edits (any order) to `text`. */
export function applyEdits(text: string, edits: Edit[]): string {
  let out = "";
  let cursor = 0;
  for (const edit of [...edits].sort((a, b) => a.at - b.at)) {
    out += text.slice(cursor, edit.at) + edit.inserted;
    cursor = edit.at + edit.removed;
  }
  return out + text.slice(cursor);
}

/** The offset in the text before `edits` of an offset in the text after them. */
export function unapplyEdits(offset: number, edits: Edit[]): number {
  let delta = 0;
  for (const edit of [...edits].sort((a, b) => a.at - b.at)) {
    const generatedStart = edit.at + delta;
    if (offset < generatedStart) break;
    // Inside inserted text: point at the start of what it replaced.
    if (offset < generatedStart + edit.inserted.length) return edit.at;
    delta += edit.inserted.length - edit.removed;
  }
  return offset - delta;
}

export function offsetToPosition(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart };
}

export function positionToOffset(text: string, { line, column }: Position): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset + column;
}

/** Per generated line, segments of [generatedColumn, sourceLine, sourceColumn]. */
export type LineMappings = [number, number, number][][];

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes the `mappings` field of a version 3 source map (one source). */
export function decodeMappings(mappings: string): LineMappings {
  const lines: LineMappings = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const lineText of mappings.split(";")) {
    const segments: [number, number, number][] = [];
    let generatedColumn = 0;
    for (const segment of lineText.split(",")) {
      if (!segment) continue;
      const fields = decodeVlq(segment);
      generatedColumn += fields[0];
      if (fields.length >= 4) {
        sourceLine += fields[2];
        sourceColumn += fields[3];
        segments.push([generatedColumn, sourceLine, sourceColumn]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** Follows the mapping segment at or before `position` on its line. */
export function mapThrough(mappings: LineMappings, position: Position): Position {
  const segments = mappings[position.line] ?? [];
  let best: [number, number, number] | undefined;
  for (const segment of segments) {
    if (segment[0] <= position.column) best = segment;
    else break;
  }
  if (!best) return position;
  return { line: best[1], column: best[2] + (position.column - best[0]) };
}
