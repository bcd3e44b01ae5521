/**
 * Batches timeline events, timeline patches and console frames into the stores: one timeline
 * setState and one console setState per flush, however many events arrived. This is what keeps
 * 100,000 events responsive: React re-renders per flush, not per stanza.
 *
 * Two schedules. `interval` (tests, and callers that name an interval) flushes `intervalMs` after
 * the first queued item. `adaptive` (the app) is for the latency of what the user waits for: a
 * batch with a push in it is flushed at the end of the current task (a microtask), so the push
 * reaches the DOM within the task that received it, once per frame at most (IMMEDIATE_PER_FRAME),
 * then with the next animation frame. Everything else (the message sent, its receipt, console
 * frames, patches) goes with the next push or after `intervalMs`: a render (and the frame it
 * costs) between a send and its push would delay the push, and a burst renders once per frame.
 *
 * Updates of the other stores an event brings (a session's received count, the sink's counters, a
 * registration's last push) can ride on the same flush (`defer`): React then renders once for the
 * events and their counters, not once per socket message that changed a counter.
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
  /** Flush at the end of the task when idle, on the next frame under load (see above). */
  adaptive?: boolean;
  /** Milliseconds clock for the adaptive schedule (default performance.now). */
  now?: () => number;
}

/** The window over which immediate flushes are counted: one frame. */
const FRAME_MS = 16;
/** Immediate flushes (batches with a push) allowed per frame; later ones wait for the frame. */
export const IMMEDIATE_PER_FRAME = 1;

/** The events a user waits to see: their batch is flushed at the end of the task. */
const isUrgent = (event: TimelineEvent) => event.kind === "push";

export interface EventQueue {
  pushEvent(event: TimelineEvent): void;
  patchEvent(patch: EventPatch): void;
  pushFrame(frame: ConsoleFrame): void;
  /** Run `update` (a write to another store) with the next flush, after the events it goes with. */
  defer(update: () => void): void;
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
  let deferred: (() => void)[] = [];
  let timer: unknown = null;
  let frame: number | null = null;
  let microtask = false;
  let flushes = 0;
  let disposed = false;
  const adaptive = options.adaptive === true;
  const now = options.now ?? (() => performance.now());
  let windowStart = -Infinity;
  let windowFlushes = 0;

  function schedule(urgent = false) {
    if (disposed || microtask) return;
    if (adaptive && urgent && immediateAllowed()) {
      microtask = true;
      queueMicrotask(() => {
        if (!microtask) return;
        microtask = false;
        windowFlushes += 1;
        flush();
      });
      return;
    }
    // A push over the frame's budget goes with the next frame; the rest waits for the timer or a push.
    if (adaptive && urgent && frame === null && typeof requestAnimationFrame === "function") {
      frame = requestAnimationFrame(() => {
        frame = null;
        flush();
      });
    }
    if (timer !== null) return;
    timer = setTimer(() => {
      timer = null;
      flush();
    }, intervalMs);
  }

  function immediateAllowed(): boolean {
    const t = now();
    if (t - windowStart >= FRAME_MS) {
      windowStart = t;
      windowFlushes = 0;
    }
    return windowFlushes < IMMEDIATE_PER_FRAME;
  }

  function cancelScheduled() {
    microtask = false;
    if (timer !== null) {
      clearTimer(timer);
      timer = null;
    }
    if (frame !== null) {
      cancelAnimationFrame(frame);
      frame = null;
    }
  }

  function flush() {
    cancelScheduled();
    if (events.length === 0 && patches.length === 0 && frames.length === 0 && deferred.length === 0) return;
    const batch = { append: events, patches };
    const batchFrames = frames;
    const updates = deferred;
    events = [];
    patches = [];
    frames = [];
    deferred = [];
    if (batch.append.length || batch.patches.length) options.timeline.getState().applyBatch(batch);
    if (batchFrames.length) options.console.getState().appendFrames(batchFrames);
    for (const update of updates) update();
    flushes += 1;
  }

  return {
    pushEvent(event) {
      events.push(event);
      schedule(isUrgent(event));
    },
    patchEvent(patch) {
      patches.push(patch);
      schedule();
    },
    pushFrame(frame) {
      frames.push(frame);
      schedule();
    },
    defer(update) {
      deferred.push(update);
      schedule();
    },
    flush,
    get pending() {
      return events.length + patches.length + frames.length + deferred.length;
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
