import { describe, expect, it } from "vitest";
import { outbox } from "../../src/notebook/engine/connect";
import type { WorkerToPage } from "../../src/notebook/protocol";

/** An outbox whose frame timer the test fires by hand. */
function setup(post: (message: WorkerToPage) => void = () => {}) {
  const posted: WorkerToPage[] = [];
  let frame: (() => void) | undefined;
  const send = outbox(
    (message) => {
      post(message);
      posted.push(message);
    },
    { setTimeout: (callback: () => void) => (frame = callback) },
  );
  return { send, posted, fire: () => frame?.() };
}

const log = (text: string, level: "log" | "warn" = "log"): WorkerToPage => ({
  type: "output",
  runId: 1,
  cellId: "a",
  outputId: text,
  output: { kind: "log", level, text },
});

describe("outbox", () => {
  it("holds outputs for a frame and posts consecutive log lines of one level as one output", () => {
    const { send, posted, fire } = setup();
    send(log("1"));
    send(log("2"));
    send(log("3", "warn"));
    expect(posted).toEqual([]);
    fire();
    expect(posted.map((m) => m.type === "output" && m.output)).toEqual([
      { kind: "log", level: "log", text: "1\n2" },
      { kind: "log", level: "warn", text: "3" },
    ]);
  });

  it("posts only the newest update of a live output in a frame", () => {
    const { send, posted, fire } = setup();
    for (let i = 0; i < 5; i++) {
      send({ type: "output", runId: 1, cellId: "a", outputId: "live", replace: true, output: { kind: "value", value: { type: "number", value: i } } });
    }
    fire();
    expect(posted).toEqual([{ type: "output", runId: 1, cellId: "a", outputId: "live", replace: true, output: { kind: "value", value: { type: "number", value: 4 } } }]);
  });

  it("flushes waiting outputs before any other message, so order is kept", () => {
    const { send, posted } = setup();
    send(log("1"));
    send({ type: "cellDone", runId: 1, cellId: "a", ms: 1 });
    expect(posted.map((m) => m.type)).toEqual(["output", "cellDone"]);
  });

  it("replaces an output that cannot be copied to the page with an error", () => {
    const { send, posted, fire } = setup((message) => {
      if (message.type === "output" && message.output.kind === "table") throw new DOMException("function could not be cloned", "DataCloneError");
    });
    send({ type: "output", runId: 1, cellId: "a", outputId: "t", output: { kind: "table", columns: [], rows: [] } });
    fire();
    expect(posted).toEqual([
      { type: "output", runId: 1, cellId: "a", outputId: "t", output: { kind: "error", error: { name: "DataCloneError", message: "this output could not be sent to the page: function could not be cloned" } } },
    ]);
  });
});
