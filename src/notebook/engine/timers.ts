/**
 * Timers belong to the cell run that set them.
 *
 * A cell may start `setInterval(() => console.log("tick"), 40)` and finish.
 * Left alone, the interval would keep logging under whichever cell runs next.
 * `installCellTimers` replaces the worker's timer functions once, before any
 * cell runs: every timer remembers the cell run that was active when it was
 * set, its callback runs with that run active again, and `clearOwner` cancels
 * all timers of a run when it ends.
 */

/** Whoever is running now: the engine sets it around each cell. */
export interface TimerOwner {
  /** Makes this owner the active one while a timer's callback runs; returns the function that undoes it. */
  enter(): () => void;
  /** A callback of this owner threw: shown in its cell instead of crashing the worker. */
  fail(error: unknown): void;
}

type Clear = (handle: unknown) => void;

interface Tracked {
  owner: TimerOwner;
  clear: () => void;
}

/** The installed wrappers: who owns what, and how to clear a run's timers. */
export interface CellTimers {
  /** The owner new timers are given to (null between runs: such timers are left alone). */
  setOwner(owner: TimerOwner | null): void;
  /** Cancels every pending timer, interval and callback of `owner`. */
  clearOwner(owner: TimerOwner): void;
  /** The original `setTimeout`, for the runtime's own use. */
  readonly setTimeout: (callback: () => void, ms?: number) => unknown;
  readonly clearTimeout: Clear;
}

type Scheduler = {
  set: string;
  clear?: string;
  /** Repeating timers stay tracked after their callback runs. */
  repeats?: boolean;
};

const SCHEDULERS: Scheduler[] = [
  { set: "setTimeout", clear: "clearTimeout" },
  { set: "setInterval", clear: "clearInterval", repeats: true },
  { set: "setImmediate", clear: "clearImmediate" },
  { set: "requestAnimationFrame", clear: "cancelAnimationFrame" },
  { set: "requestIdleCallback", clear: "cancelIdleCallback" },
];

/** Replaces the timer functions of `global` (once) and returns their registry. */
export function installCellTimers(global: Record<string, unknown> = globalThis as unknown as Record<string, unknown>): CellTimers {
  const originalSetTimeout = (global.setTimeout as (callback: () => void, ms?: number) => unknown).bind(global);
  const originalClearTimeout = (global.clearTimeout as Clear).bind(global);
  const pending = new Map<unknown, Tracked>();
  let owner: TimerOwner | null = null;
  let cancelMicrotasks: ((owner: TimerOwner) => void) | undefined;

  for (const { set, clear, repeats } of SCHEDULERS) {
    const original = global[set];
    const originalClear = clear ? global[clear] : undefined;
    if (typeof original !== "function" || typeof originalClear !== "function") continue;
    const setBound = original.bind(global) as (callback: unknown, ...rest: unknown[]) => unknown;
    const clearBound = (originalClear as Clear).bind(global);
    global[set] = function (this: unknown, callback: unknown, ...rest: unknown[]) {
      const by = owner;
      if (!by || typeof callback !== "function") return setBound(callback, ...rest);
      let handle: unknown;
      const run = (...args: unknown[]) => {
        if (!repeats) pending.delete(handle);
        const leave = by.enter();
        try {
          (callback as (...a: unknown[]) => void)(...args);
        } catch (error) {
          by.fail(error);
        } finally {
          leave();
        }
      };
      handle = setBound(run, ...rest);
      pending.set(handle, { owner: by, clear: () => clearBound(handle) });
      return handle;
    };
    global[clear!] = function (this: unknown, handle: unknown) {
      pending.delete(handle);
      clearBound(handle);
    };
  }

  const originalQueueMicrotask = global.queueMicrotask as ((callback: () => void) => void) | undefined;
  if (typeof originalQueueMicrotask === "function") {
    const queue = originalQueueMicrotask.bind(global);
    const cancelled = new Set<TimerOwner>();
    global.queueMicrotask = (callback: () => void) => {
      const by = owner;
      if (!by || typeof callback !== "function") return queue(callback);
      queue(() => {
        if (cancelled.has(by)) return;
        const leave = by.enter();
        try {
          callback();
        } catch (error) {
          by.fail(error);
        } finally {
          leave();
        }
      });
    };
    cancelMicrotasks = (by) => {
      cancelled.add(by);
      // A microtask runs before any timer: forgetting the owner after one turn is safe.
      originalSetTimeout(() => cancelled.delete(by), 0);
    };
  }

  return {
    setOwner(next) {
      owner = next;
    },
    clearOwner(by) {
      for (const [handle, tracked] of pending) {
        if (tracked.owner !== by) continue;
        tracked.clear();
        pending.delete(handle);
      }
      cancelMicrotasks?.(by);
    },
    setTimeout: originalSetTimeout,
    clearTimeout: originalClearTimeout,
  };
}
