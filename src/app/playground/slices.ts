/**
 * Long loops on the page's thread (a burst of 1,000 sends) run in slices: after `budgetMs` of work
 * the loop yields a task, so the socket's incoming frames, the recorder's flush and a paint can run
 * between slices and no task grows past the long-task threshold (50 ms). Awaiting a promise that
 * is already resolved does not yield: only a new task does.
 */

/** Work per slice: well under the 50 ms long-task threshold, with room for the frames that follow. */
export const SLICE_BUDGET_MS = 8;

/** A new task now: a MessageChannel message (not clamped like nested setTimeout), else setTimeout. */
export function nextTask(): Promise<void> {
  if (typeof MessageChannel === "function") {
    return new Promise<void>((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise<void>((resolve) => setTimeout(resolve, 0));
}

export interface Slicer {
  /** Call between items: resolves at once within the budget, after a new task once it is spent. */
  pause(): Promise<void> | null;
}

export function createSlicer(now: () => number = () => performance.now(), budgetMs = SLICE_BUDGET_MS, yieldTask: () => Promise<void> = nextTask): Slicer {
  let sliceStart = now();
  return {
    pause() {
      if (now() - sliceStart < budgetMs) return null;
      return yieldTask().then(() => {
        sliceStart = now();
      });
    },
  };
}

/** `fn` for each item, in slices of `budgetMs`; `fn` returning false stops the loop. */
export async function forEachInSlices<T>(items: Iterable<T>, fn: (item: T) => boolean | void, slicer: Slicer = createSlicer()): Promise<void> {
  for (const item of items) {
    const pause = slicer.pause();
    if (pause) await pause;
    if (fn(item) === false) return;
  }
}
