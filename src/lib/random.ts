/**
 * A small seeded random generator, so every "random" result in the course
 * (initial weights, dropout masks, shuffles) is the same on every run.
 *
 * The core is mulberry32: one 32-bit state, a few multiplies per number,
 * good enough statistics for initialisation and sampling, and trivially
 * reproducible in any language.
 *
 * @example
 * const rng = new Random(42);
 * rng.next();   // uniform in [0, 1)
 * rng.normal(); // standard normal
 */
export class Random {
  private state: number;
  /**
   * Box-Muller makes normals in pairs; the second one waits here, NaN when
   * none does. (A number, never `null`: a field that can hold both makes the
   * engine box every number stored in it, a fresh allocation per pair.)
   */
  private spareNormal = NaN;

  constructor(seed = 0) {
    this.state = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Normal with the given mean and standard deviation (Box-Muller). */
  normal(mean = 0, std = 1): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = NaN;
      return mean + std * z;
    }
    // 1 - next() lies in (0, 1], so the log is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    this.spareNormal = radius * Math.sin(angle);
    return mean + std * radius * Math.cos(angle);
  }

  /** Uniform integer in `0..n-1`. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Shuffles `array` in place (Fisher-Yates) and returns it. */
  shuffle<T>(array: T[]): T[] {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }
}

let defaultRandom = new Random(0);

/** The generator used when an op is not given one (`randn`, `rand`, `dropout`). */
export function defaultRng(): Random {
  return defaultRandom;
}

/** Restarts the default generator from `seed`, like `torch.manual_seed`. */
export function manualSeed(seed: number): void {
  defaultRandom = new Random(seed);
}
