/**
 * The only writer of the timeline and the console: services and the scenario runner `record` new
 * events and `patch` recorded ones through it. Writes are batched (stores/event-queue.ts) so
 * React re-renders per flush, not per stanza: when idle, a push is flushed at the end of the task
 * that received it; while pushes keep coming, once per frame or less (spaced by what a flush
 * costs); everything else with the next push or after the interval. Counters of other stores that
 * go with the events ride on a flush (`defer`): an idle push's with the next frame, after its row.
 */
import type { ConsoleFrame, LaneId, NewTimelineEvent, PlaygroundError, TimelineEvent } from "../model";
import type { Stores } from "../stores";
import { createEventQueue, DEFAULT_FLUSH_INTERVAL_MS, type EventQueue } from "../stores/event-queue";
import { createTextSharing } from "../stores/shared-text";

type EventOf<K extends TimelineEvent["kind"]> = Extract<TimelineEvent, { kind: K }>;

export interface Recorder {
  /** Queue a new event; returns its id (given, or `<prefix>-<n>`). */
  record(event: NewTimelineEvent): string;
  /** Change a recorded event of kind `kind` (a no-op when the id names an event of another kind). */
  patch<K extends TimelineEvent["kind"]>(id: string, kind: K, fn: (e: EventOf<K>) => EventOf<K>): void;
  /** An `error` event for a failed operation. */
  recordError(lane: LaneId, error: PlaygroundError, operation: string, xml?: string): void;
  /** A console frame (its id is assigned here). */
  frame(frame: Omit<ConsoleFrame, "id">): void;
  /**
   * Write another store with the next flush (a counter the queued events go with): one render
   * for both. Reads of that store see the update only after the flush.
   */
  defer(update: () => void): void;
  /** Apply what is queued now. */
  flush(): void;
  dispose(): void;
}

export interface RecorderOptions {
  stores: Pick<Stores, "timeline" | "console">;
  now: () => number;
  /** Prefix of generated ids, unique per page load (events of two runs never collide on import). */
  idPrefix: string;
  flushIntervalMs?: number;
  queue?: EventQueue;
}

export function createRecorder(options: RecorderOptions): Recorder {
  const queue =
    options.queue ??
    createEventQueue({
      timeline: options.stores.timeline,
      console: options.stores.console,
      intervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
      // Without a named interval, latency first: a push at the end of its task, the rest with it or after the interval.
      adaptive: options.flushIntervalMs === undefined,
    });
  let counter = 0;
  // An event's XML and its console frame: one string for both stores when the texts are equal.
  const text = createTextSharing();

  function record(event: NewTimelineEvent): string {
    const id = event.id ?? `${options.idPrefix}-${++counter}`;
    const xml = event.xml === undefined ? {} : { xml: text.share(event.xml) };
    queue.pushEvent({ ...event, ...xml, id, at: event.at ?? options.now() } as TimelineEvent);
    return id;
  }

  return {
    record,
    patch(id, kind, fn) {
      queue.patchEvent({ id, apply: (e) => (e.kind === kind ? fn(e as EventOf<typeof kind>) : e) });
    },
    recordError(lane, error, operation, xml) {
      record({ kind: "error", lane, summary: `${operation} failed: ${error.message}`, error, operation, ...(xml ? { xml } : {}) });
    },
    frame(frame) {
      queue.pushFrame({ ...frame, text: text.share(frame.text), id: `${options.idPrefix}-f${++counter}` });
    },
    defer: (update) => queue.defer(update),
    flush: () => queue.flush(),
    dispose: () => queue.dispose(),
  };
}
