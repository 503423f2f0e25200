// Entry of a Node worker thread that runs TypeScript: registers the loader in
// this thread, then starts `workerData.entry`. Used by the build-time notebook
// runner (host/node-runner.ts) when it is given no bundled entry, and by
// `npm run bench` for our side (scripts/bench-ours.ts).
import { register } from "tsx/esm/api";
import { workerData } from "node:worker_threads";

register();
await import(workerData.entry);
