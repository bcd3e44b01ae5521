/**
 * Batches timeline events, timeline patches and console frames, and flushes them into the stores
 * at most every `intervalMs` (default 50 ms): one timeline setState and one console setState per
 * flush, however many events arrived. This is what keeps 100,000 events responsive: React
 * re-renders per flush, not per stanza.
 */
import type { StoreApi } from "zustand/vanilla";
import type { ConsoleFrame, TimelineEvent } from "../model";
import type { ConsoleState } from "./console";
import type { EventPatch, TimelineState } from "./timeline";

export const DEFAULT_FLUSH_INTERVAL_MS = 50;

export interface EventQueueOptions {
  timeline: StoreApi<TimelineState>;
  console: StoreApi<ConsoleState>;
  intervalMs?: number;
  /** Timer functions (tests may pass fakes). */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface EventQueue {
  pushEvent(event: TimelineEvent): void;
  patchEvent(patch: EventPatch): void;
  pushFrame(frame: ConsoleFrame): void;
  /** Apply everything queued now (also used by tests and before export). */
  flush(): void;
  /** Items waiting for the next flush. */
  readonly pending: number;
  /** Number of flushes that changed a store (for tests and the status bar). */
  readonly flushes: number;
  dispose(): void;
}

export function createEventQueue(options: EventQueueOptions): EventQueue {
  const intervalMs = options.intervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let events: TimelineEvent[] = [];
  let patches: EventPatch[] = [];
  let frames: ConsoleFrame[] = [];
  let timer: unknown = null;
  let flushes = 0;
  let disposed = false;

  function schedule() {
    if (timer !== null || disposed) return;
    timer = setTimer(() => {
      timer = null;
      flush();
    }, intervalMs);
  }

  function flush() {
    if (timer !== null) {
      clearTimer(timer);
      timer = null;
    }
    if (events.length === 0 && patches.length === 0 && frames.length === 0) return;
    const batch = { append: events, patches };
    const batchFrames = frames;
    events = [];
    patches = [];
    frames = [];
    if (batch.append.length || batch.patches.length) options.timeline.getState().applyBatch(batch);
    if (batchFrames.length) options.console.getState().appendFrames(batchFrames);
    flushes += 1;
  }

  return {
    pushEvent(event) {
      events.push(event);
      schedule();
    },
    patchEvent(patch) {
      patches.push(patch);
      schedule();
    },
    pushFrame(frame) {
      frames.push(frame);
      schedule();
    },
    flush,
    get pending() {
      return events.length + patches.length + frames.length;
    },
    get flushes() {
      return flushes;
    },
    dispose() {
      flush();
      disposed = true;
    },
  };
}
