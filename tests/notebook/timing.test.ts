import { afterEach, describe, expect, it, vi } from "vitest";
import { medianMs } from "../../src/notebook/engine/notebook-module";

afterEach(() => vi.restoreAllMocks());

describe("medianMs", () => {
  it("warms up once, times `repeats` calls and returns their median, not the mean", () => {
    // Each timed call reads the clock twice; these durations are 5, 1, 400 (a garbage collection), 2, 3 ms.
    const clock = [0, 5, 10, 11, 20, 420, 430, 432, 440, 443];
    vi.spyOn(performance, "now").mockImplementation(() => clock.shift()!);
    let calls = 0;
    expect(medianMs(() => void calls++)).toBe(3);
    expect(calls).toBe(6);
    expect(clock).toEqual([]);
  });

  it("takes the number of timed calls", () => {
    let calls = 0;
    expect(medianMs(() => void calls++, 3)).toBeGreaterThanOrEqual(0);
    expect(calls).toBe(4);
  });
});
