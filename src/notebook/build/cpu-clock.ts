/**
 * Build-time cell limits in CPU time. A cell's `timeout` is wall-clock time in
 * the browser, where the reader's machine runs one chapter. At build time many
 * things share the cores (the site build itself, other chapters, whatever else
 * the machine does), so wall-clock time can grow tenfold for a correct cell.
 * The build therefore measures the CPU time of the worker thread that runs the
 * cell, which load hardly changes, read from `/proc/self/task/<tid>/stat`.
 *
 * Each build worker announces its thread id on a `BroadcastChannel` when its
 * library loads (worker-library.ts). Where `/proc` is missing (not Linux) or
 * the id never arrives, the clock falls back to a generous wall-clock limit.
 * A cell that waits without using the CPU (a promise that never resolves) is
 * stopped by a wall-clock backstop, and each message says which limit was hit.
 */
import { BroadcastChannel, type Worker } from "node:worker_threads";
import { readFileSync, readlinkSync } from "node:fs";
import type { CellClock } from "../host/node-runner.ts";

const CHANNEL = "notebook-build-cpu-clock";
/** Linux's USER_HZ: `utime` and `stime` in /proc are counted in 1/100 s on every architecture Node supports. */
const TICKS_PER_SECOND = 100;
const POLL_MS = 100;
/** Without a CPU clock, a cell may take this many times its limit in wall-clock time. */
const WALL_ALLOWANCE = 3;
/** A cell that holds the CPU for less than its limit is still stopped after this many times its limit in wall-clock time (and at least a minute). */
const BACKSTOP_ALLOWANCE = 6;

interface ThreadAnnouncement {
  /** `worker_threads.threadId` of the worker. */
  threadId: number;
  /** The operating system's id of its thread, from `/proc/thread-self`. */
  tid: number;
}

/** Called inside a build worker: tells the build its OS thread id (Linux only; elsewhere nothing is sent). */
export function announceThread(threadId: number): void {
  let tid: number;
  try {
    tid = Number(/task\/(\d+)/.exec(readlinkSync("/proc/thread-self"))?.[1]);
  } catch {
    return;
  }
  if (!Number.isInteger(tid)) return;
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage({ threadId, tid } satisfies ThreadAnnouncement);
  channel.close();
}

/** The CPU time in ms that thread `tid` of this process has used, or undefined if it cannot be read. */
export function threadCpuMs(tid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * Creates the build's clock. Listens for workers' thread announcements until
 * `close()`; the channel does not keep the process alive. `minimumBackstopMs`
 * is the least wall-clock time a cell that uses no CPU is given (a minute).
 */
export function createCpuClock({ minimumBackstopMs = 60_000 } = {}): CellClock & { close(): void } {
  const threads = new Map<number, number>();
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event) => {
    const { threadId, tid } = (event as unknown as { data: ThreadAnnouncement }).data;
    threads.set(threadId, tid);
  };
  channel.unref();

  return {
    start(worker: Worker, limitMs: number, expire: (message: string) => void): () => void {
      const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
      const started = Date.now();
      let cpuAtStart: number | undefined;
      const tick = () => {
        const wall = Date.now() - started;
        const tid = threads.get(worker.threadId);
        const cpu = tid === undefined ? undefined : threadCpuMs(tid);
        if (cpu !== undefined) {
          cpuAtStart ??= cpu;
          const used = cpu - cpuAtStart;
          if (used > limitMs) {
            stop();
            expire(
              `Stopped: the cell used more than ${seconds(limitMs)} of CPU time (its time limit, measured at build time in CPU time so that a busy machine does not stop a correct cell; set timeout=ms on the fence to change it).`,
            );
          } else if (wall > Math.max(limitMs * BACKSTOP_ALLOWANCE, minimumBackstopMs)) {
            stop();
            expire(
              `Stopped: the cell ran for ${seconds(wall)} of wall-clock time while using only ${seconds(used)} of CPU time: it waits for something that does not come, or the machine is too busy (the build's backstop is ${BACKSTOP_ALLOWANCE}× the time limit of ${seconds(limitMs)}, at least ${seconds(minimumBackstopMs)}).`,
            );
          }
        } else if (wall > limitMs * WALL_ALLOWANCE) {
          stop();
          expire(
            `Stopped: the cell ran for more than ${seconds(limitMs * WALL_ALLOWANCE)} of wall-clock time (${WALL_ALLOWANCE}× its time limit, allowed at build time where CPU time cannot be measured; set timeout=ms on the fence to change it).`,
          );
        }
      };
      const timer = setInterval(tick, POLL_MS);
      const stop = () => clearInterval(timer);
      tick();
      return stop;
    },
    close() {
      channel.close();
    },
  };
}
