// Entry of a Node worker thread that runs TypeScript: registers the loader in
// this thread, then starts `workerData.entry`. Used by the build-time notebook
// runner (host/node-runner.ts), by the build thread (build/build-thread.ts)
// and by `npm run bench` for our side (scripts/bench-ours.ts).
import { register } from "tsx/esm/api";
import { workerData } from "node:worker_threads";

register();
await import(workerData.entry);
