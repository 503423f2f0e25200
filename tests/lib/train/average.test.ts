/**
 * ParameterAverage: the running average of weights, against its closed form
 * and a step-by-step double-precision reference.
 */
import { describe, expect, it } from "vitest";
import { ParameterAverage, Tensor } from "transformer";

const weights = () => ({ w: new Tensor(Float32Array.from([1, -2, 3, 0.5]), [2, 2]), b: new Tensor(Float32Array.from([4]), [1]) });

describe("ParameterAverage", () => {
  it("starts at the current weights, as copies with the same names and shapes", () => {
    const params = weights();
    const average = new ParameterAverage(params, 0.9);
    expect(Object.keys(average.params)).toEqual(["w", "b"]);
    expect(average.params.w.shape).toEqual([2, 2]);
    expect(Array.from(average.params.w.data)).toEqual([1, -2, 3, 0.5]);
    params.w.data[0] = 100; // training moves the weights; the average moves only on update()
    expect(average.params.w.data[0]).toBe(1);
  });

  it("approaches weights that stay put as decay^n: a + (a0 - a)·decay^n", () => {
    const params = weights();
    const average = new ParameterAverage(params, 0.99);
    params.w.data.set([2, 2, 2, 2]);
    params.b.data[0] = -1;
    for (let n = 0; n < 300; n++) average.update();
    const left = Math.pow(0.99, 300);
    [1, -2, 3, 0.5].forEach((a0, i) => expect(average.params.w.data[i]).toBeCloseTo(2 + (a0 - 2) * left, 5));
    expect(average.params.b.data[0]).toBeCloseTo(-1 + 5 * left, 5);
  });

  it("follows changing weights step by step like a double-precision reference", () => {
    const params = weights();
    const decay = 0.95;
    const average = new ParameterAverage(params, decay);
    let reference = 1; // w[0]
    for (let step = 1; step <= 50; step++) {
      params.w.data[0] = Math.sin(step);
      average.update();
      reference = decay * reference + (1 - decay) * Math.fround(Math.sin(step));
    }
    expect(average.params.w.data[0]).toBeCloseTo(reference, 5);
  });

  it("with decay 0 is the latest weights, and refuses a decay outside [0, 1)", () => {
    const params = weights();
    const average = new ParameterAverage(params, 0);
    params.b.data[0] = 7;
    average.update();
    expect(average.params.b.data[0]).toBe(7);
    for (const decay of [1, -0.1, Number.NaN]) expect(() => new ParameterAverage(params, decay)).toThrow(/decay must be in \[0, 1\)/);
  });
});
