/**
 * Every chart kind is one module registered in charts/index.ts: it has a
 * helper that builds its spec, a renderer, a description, and a snapshot in
 * tests/notebook/render/snapshots/ (written by render.test.ts).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CHARTS } from "../../src/notebook/charts/index";
import * as notebook from "../../src/notebook/engine/notebook-module";

const snapshots = fileURLToPath(new URL("./render/snapshots/", import.meta.url));

describe("the chart registry", () => {
  for (const [mark, kind] of Object.entries(CHARTS)) {
    describe(mark, () => {
      it("is registered under its own mark", () => expect(kind.mark).toBe(mark));
      it("has a builder, exported by the notebook module under its name", () => {
        expect(typeof kind.build).toBe("function");
        expect((notebook as Record<string, unknown>)[mark]).toBe(kind.build);
      });
      it("has a renderer and a description", () => {
        expect(typeof kind.render).toBe("function");
        expect(typeof kind.describe).toBe("function");
      });
      it("has a snapshot", () => expect(existsSync(`${snapshots}${mark}.html`), `${mark}.html in ${snapshots}`).toBe(true));
    });
  }
});
