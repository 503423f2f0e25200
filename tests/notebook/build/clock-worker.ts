// A worker for the CPU clock tests: loads the build workers' library entry
// (which announces the thread), says so, then spins or idles.
import { parentPort, workerData } from "node:worker_threads";
import "../../../src/notebook/build/worker-library";

parentPort!.postMessage("loaded");
if ((workerData as { spin: boolean }).spin) {
  setTimeout(() => {
    for (;;);
  }, 200);
} else {
  setInterval(() => {}, 1000);
}
