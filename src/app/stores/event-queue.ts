/**
 * Batches timeline events, timeline patches and console frames into the stores: one timeline
 * setState and one console setState per flush, however many events arrived. This is what keeps
 * 100,000 events responsive: React re-renders per flush, not per stanza.
 *
 * Two schedules. `interval` (tests, and callers that name an interval) flushes `intervalMs` after
 * the first queued item. `adaptive` (the app) is for the latency of what the user waits for and
 * for the page's work under load:
 * - idle (no push flushed since the last frame that had nothing to show): a batch with a push in
 *   it is flushed at the end of the current task (a microtask), so the push reaches the DOM within
 *   the task that received it, and the counters that go with it (`defer`) with the next frame;
 * - busy (pushes keep coming): at most one flush per animation frame, and fewer when flushing is
 *   expensive: the next one waits until BUSY_COST_FACTOR times the last flush's cost (its store
 *   updates, the React render and the layout they cause, measured) has passed, and at most `intervalMs`
 *   apart (the timer, which also flushes where frames do not come: a hidden tab). A burst of 1,000 pushes then renders a few dozen times, not once per socket message; the
 *   first frame with no push waiting makes the queue idle again.
 * Everything else (the message sent, its receipt, console frames, patches) goes with the next
 * push flush or after `intervalMs`: a render (and the frame it costs) between a send and its push
 * would delay the push.
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
  /** Flush at the end of the task when idle, once per frame or less under load (see above). */
  adaptive?: boolean;
  /** Milliseconds clock for the adaptive schedule (default performance.now). */
  now?: () => number;
  /** Call `fn` with the next animation frame (default requestAnimationFrame, else a 16 ms timer). */
  requestFrame?: (fn: () => void) => void;
}

/**
 * Under load, flushes are spaced by this many times the cost of the last one (its render
 * included): the style, layout and paint that follow cost about as much again, so the page keeps
 * most of its time for the sockets.
 */
export const BUSY_COST_FACTOR = 6;

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
  const requestFrame =
    options.requestFrame ?? (typeof requestAnimationFrame === "function" ? (fn: () => void) => void requestAnimationFrame(() => fn()) : (fn: () => void) => void setTimer(fn, 16));
  let events: TimelineEvent[] = [];
  let patches: EventPatch[] = [];
  let frames: ConsoleFrame[] = [];
  let deferred: (() => void)[] = [];
  let timer: unknown = null;
  let microtask = false;
  let flushes = 0;
  let disposed = false;
  const adaptive = options.adaptive === true;
  const now = options.now ?? (() => performance.now());
  /** Adaptive: whether a push was flushed and no frame without a push waiting has come since. */
  let busy = false;
  /** A push waits for the busy schedule. */
  let urgentWaiting = false;
  let frameRequested = false;
  let lastFlushAt = -Infinity;
  let lastCost = 0;

  function schedule(urgent = false) {
    if (disposed) return;
    if (adaptive && urgent) {
      if (!busy) {
        busy = true;
        if (!microtask) {
          microtask = true;
          queueMicrotask(() => {
            if (!microtask) return;
            microtask = false;
            // The rows alone: the counters that go with them follow with the next frame.
            measuredFlush(false);
          });
        }
        watchFrames();
        return;
      }
      if (!microtask) {
        urgentWaiting = true;
        watchFrames();
      }
    }
    if (timer !== null || microtask) return;
    timer = setTimer(() => {
      timer = null;
      if (adaptive) measuredFlush();
      else flush();
    }, intervalMs);
  }

  function watchFrames() {
    if (frameRequested) return;
    frameRequested = true;
    requestFrame(onFrame);
  }

  /** Once per frame while busy: flush what waits when its turn has come, or go idle. */
  function onFrame() {
    frameRequested = false;
    if (disposed) return;
    if (!urgentWaiting) {
      busy = false;
      runDeferred();
      return;
    }
    if (now() - lastFlushAt >= Math.min(intervalMs, BUSY_COST_FACTOR * lastCost)) measuredFlush();
    watchFrames();
  }

  /** A flush whose cost (the store updates, then the React render they scheduled) spaces the next. */
  function measuredFlush(withDeferred = true) {
    const start = now();
    lastFlushAt = start;
    flush(withDeferred);
    // React renders store changes in a microtask queued during the flush, and a following list
    // scrolls (a layout) in one its commit queues: the second microtask from here runs after both.
    queueMicrotask(() =>
      queueMicrotask(() => {
        lastCost = now() - start;
      }),
    );
  }

  function cancelScheduled() {
    microtask = false;
    urgentWaiting = false;
    if (timer !== null) {
      clearTimer(timer);
      timer = null;
    }
  }

  /**
   * Everything queued; without `withDeferred`, the events and frames only (an idle push: its row
   * first, the counters with the next frame, or the timer where frames do not come).
   */
  function flush(withDeferred = true) {
    cancelScheduled();
    if (events.length === 0 && patches.length === 0 && frames.length === 0 && deferred.length === 0) return;
    const batch = { append: events, patches };
    const batchFrames = frames;
    events = [];
    patches = [];
    frames = [];
    if (batch.append.length || batch.patches.length) options.timeline.getState().applyBatch(batch);
    if (batchFrames.length) options.console.getState().appendFrames(batchFrames);
    if (withDeferred) runDeferred();
    else if (deferred.length > 0) schedule();
    flushes += 1;
  }

  function runDeferred() {
    const updates = deferred;
    deferred = [];
    for (const update of updates) update();
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
    flush: () => flush(),
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
