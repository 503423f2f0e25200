/**
 * The library entry of the build's notebook workers: the library itself, plus
 * one message on the `cpu-clock` channel that tells the build which operating
 * system thread this worker runs on, so that a cell's time limit can be
 * measured in this thread's own CPU time (see cpu-clock.ts).
 */
import { isMainThread, threadId } from "node:worker_threads";
import { announceThread } from "./cpu-clock.ts";

if (!isMainThread) announceThread(threadId);

export * from "../../lib/index.ts";
