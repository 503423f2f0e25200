/**
 * A pool of build workers: at most `size` chapters run their cells at once,
 * however many chapters the site build hands over together. Vite transforms
 * every chapter of the site at the same time; without the pool each started
 * its own worker, and on a 2-core machine fourteen workers shared two cores.
 */
import { availableParallelism } from "node:os";

/** The number of workers for this machine: `NOTEBOOK_WORKERS` if set, else one per core. */
export function defaultPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.NOTEBOOK_WORKERS);
  return Number.isInteger(asked) && asked > 0 ? asked : availableParallelism();
}

export class WorkerPool {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size = defaultPoolSize()) {
    if (!(size >= 1)) throw new Error(`a worker pool needs at least one worker (got ${size})`);
  }

  /** Runs `job` once a worker is free; resolves or rejects with it. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await job();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
