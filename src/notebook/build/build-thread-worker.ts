/**
 * The build thread (see `build-thread.ts`): imports the module of each call,
 * calls the named export and answers with its result, or with the message of
 * what it threw.
 */
import { pathToFileURL } from "node:url";
import { parentPort } from "node:worker_threads";
import type { BuildThreadCall, BuildThreadReply } from "./build-thread.ts";

parentPort!.on("message", async ({ id, module, name, args }: BuildThreadCall) => {
  let reply: BuildThreadReply;
  try {
    const exported = (await import(pathToFileURL(module).href))[name] as (...args: unknown[]) => unknown;
    reply = { id, value: await exported(...args) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
