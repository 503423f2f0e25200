// Entry of the build-time worker thread (see node-runner.ts): registers the
// TypeScript loader in this thread, then starts the TypeScript entry.
import { register } from "tsx/esm/api";
import { workerData } from "node:worker_threads";

register();
await import(workerData.entry);
