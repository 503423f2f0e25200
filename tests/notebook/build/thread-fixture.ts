/** Functions the build-thread test calls on the build thread. */
import { threadId } from "node:worker_threads";

/** The id of the thread it runs on, with its argument echoed. */
export function whereAmI(tag: string): { tag: string; threadId: number } {
  return { tag, threadId };
}

/** Throws what it is given. */
export function fails(message: string): never {
  throw new Error(message);
}

/** Ends the thread it runs on, as a crash would. */
export function crashes(): never {
  process.exit(3);
}
