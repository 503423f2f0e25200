import { type Tensor, zeroGrad } from "../core";
import { withScope } from "../scope";
import { clipGradNorm } from "./clipGradNorm";
import { type Optimizer, type ParamSource, parameterList } from "./optimizers";

/** What {@link train} reports after every step. */
export interface TrainProgress {
  /** Steps done so far (1 after the first). */
  step: number;
  /** Total steps requested. */
  steps: number;
  /** This step's loss. */
  loss: number;
  /** Average speed since the start. */
  stepsPerSecond: number;
  /** Milliseconds since the start. */
  elapsedMs: number;
  /** Extra numbers the step function returned (e.g. accuracy). */
  metrics: Record<string, number>;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** The parameters being trained (used for gradient clipping). */
  params: ParamSource;
  /** Computes the loss of step i (a scalar tensor), optionally with extra metrics. The loop calls `backward`. */
  step: (i: number) => Tensor | { loss: Tensor; metrics?: Record<string, number> };
  /** Runs before step i, outside its scope, and is awaited: e.g. waiting for a batch drawn in another thread. */
  prepare?: (i: number) => Promise<void> | void;
  optimizer: Optimizer;
  steps: number;
  /** Called after every step (a worker posts it to the page). */
  onProgress?: (progress: TrainProgress) => void;
  /** Stops before the next step once `signal.aborted` is true (an `AbortSignal` fits). */
  signal?: { readonly aborted: boolean };
  /** Hand control back to the event loop every this many steps, so a stop message can arrive (default 5). */
  yieldEvery?: number;
  /** Clip the gradients' global norm to this before each update. */
  clip?: number;
}

/** How a {@link train} run ended. */
export interface TrainResult {
  /** Steps completed. */
  steps: number;
  /** Loss of every completed step. */
  losses: number[];
  /** Whether `signal` stopped the run early. */
  stopped: boolean;
  elapsedMs: number;
}

/**
 * The training loop: for each step, zero the gradients, compute the loss,
 * backpropagate, (clip,) update, and report. Async so that a page or worker
 * stays responsive: every `yieldEvery` steps it waits for one macrotask, which
 * lets a pending "stop" message run and abort `signal`.
 *
 * Each step runs inside a scope (as `tidy` does): when it ends, the tensors
 * made inside `step` are released and the next step reuses their memory, and
 * so are the gradients. Return numbers in `metrics`; to keep a tensor from a
 * step, `detach(t)` or `keep(t)` it.
 *
 * @example
 * import { train, AdamW, crossEntropy } from "transformer";
 * const optimizer = new AdamW(model.params, { lr: 3e-3 });
 * await train({
 *   params: model.params, optimizer, steps: 200, signal,
 *   step: (i) => crossEntropy(model.forward(xs).logits, ys),
 *   onProgress: ({ step, loss }) => console.log(step, loss),
 * });
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const { params, optimizer, steps, onProgress, signal, yieldEvery = 5, clip } = options;
  const start = now();
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    if (signal?.aborted) return { steps: i, losses, stopped: true, elapsedMs: now() - start };
    if (options.prepare) await options.prepare(i);
    optimizer.zeroGrad();
    const { lossValue, metrics } = withScope("at the end of the training step that made it", () => {
      const result = options.step(i);
      const { loss, metrics = {} } = "backward" in result ? { loss: result } : result;
      loss.backward();
      if (clip !== undefined) clipGradNorm(params, clip);
      optimizer.step();
      return { lossValue: loss.item(), metrics };
    });
    zeroGrad(parameterList(params)); // the next step's backward reuses the gradients' memory
    losses.push(lossValue);
    const elapsedMs = now() - start;
    onProgress?.({ step: i + 1, steps, loss: lossValue, stepsPerSecond: (1000 * (i + 1)) / Math.max(elapsedMs, 1e-3), elapsedMs, metrics });
    if ((i + 1) % yieldEvery === 0) await nextMacrotask();
  }
  return { steps, losses, stopped: false, elapsedMs: now() - start };
}

/** Resolves after the event loop has had a turn (messages, timers, rendering). */
export function nextMacrotask(): Promise<void> {
  // A message to ourselves rather than setTimeout(0): browsers make a timer set from
  // a timer's own callback wait at least 4 ms once five are nested, which a loop that
  // yields every few steps always is (in a Chromium worker, 160 yields took 720 ms
  // with timers and 10 ms with messages).
  if (typeof MessageChannel === "function") {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close(); // in Node, an open port would keep the process alive
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

// performance.now exists in browsers, workers and Node; Date.now is the fallback.
const now = () => (typeof performance !== "undefined" ? performance.now() : Date.now());
